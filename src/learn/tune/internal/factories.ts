import type { ResolvedPrunerSpec } from '../pruner.js';
import type { ResolvedSamplerSpec } from '../sampler.js';
import type { SearchSpace } from '../space.js';
import { GridSamplerImpl } from './grid-sampler.js';
import { HyperbandPrunerImpl } from './hyperband.js';
import { PercentilePrunerImpl } from './percentile-pruner.js';
import { nopPruner, type PrunerImpl, type PrunerStateData } from './pruner-impl.js';
import { RandomSamplerImpl } from './random-sampler.js';
import type { SamplerImpl, SamplerStateData } from './sampler-impl.js';
import { SuccessiveHalvingPrunerImpl } from './successive-halving.js';
import { TpeSamplerImpl } from './tpe-sampler.js';

/** Builds a sampler from its spec, starting fresh from `seed` or from a saved state. */
export function createSampler(
  spec: ResolvedSamplerSpec,
  space: SearchSpace,
  seed: number,
  state: SamplerStateData | undefined,
): SamplerImpl {
  if (spec.type === 'random') return RandomSamplerImpl.create(seed, state);
  if (spec.type === 'grid') {
    const grid = GridSamplerImpl.create(seed, state);
    grid.size(space); // rejects continuous floats and oversized grids up front
    return grid;
  }
  return TpeSamplerImpl.create(spec, seed, state);
}

/** Builds a pruner from its spec and the sizes it fixed in an earlier session. */
export function createPruner(spec: ResolvedPrunerSpec, state: PrunerStateData | undefined): PrunerImpl {
  switch (spec.type) {
    case 'none':
      return nopPruner;
    case 'median':
    case 'percentile':
      return new PercentilePrunerImpl(spec);
    case 'successive-halving':
      return new SuccessiveHalvingPrunerImpl(
        {
          reductionFactor: spec.reductionFactor,
          minEarlyStoppingRate: spec.minEarlyStoppingRate,
          bootstrapCount: spec.bootstrapCount,
        },
        spec.minResource === 'auto' ? state?.minResource : spec.minResource,
      );
    case 'hyperband':
      return new HyperbandPrunerImpl(spec, state?.maxResource);
  }
}

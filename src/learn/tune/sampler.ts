import { KeelError } from '../../core/index.js';

/**
 * Sampler specs: plain data naming how a study proposes parameters. A study stores its spec (with
 * defaults filled in) and its random state, so it resumes with the same sampler after a restart.
 */

/** Independent uniform sampling (on the log scale for log parameters), as Optuna's RandomSampler. */
export interface RandomSamplerSpec {
  readonly type: 'random';
}

/**
 * Every point of the grid spanned by categorical, int and stepped float parameters (conditional
 * ones only where active), each once, in a seeded random order as Optuna's GridSampler. A continuous
 * float (no step) is rejected with KEEL_TUNE_BAD_SPACE. `ask()` fails with KEEL_TUNE_GRID_EXHAUSTED
 * once every point has finished; while some are still running it re-offers one of those (as Optuna).
 */
export interface GridSamplerSpec {
  readonly type: 'grid';
}

/** The Tree-structured Parzen Estimator with Optuna 3.1's defaults. */
export interface TpeSamplerSpec {
  readonly type: 'tpe';
  /** Trials sampled at random before TPE starts (counting complete and pruned ones). Default 10. */
  readonly nStartupTrials?: number;
  /** Candidates drawn from l(x) per suggestion. Default 24. */
  readonly nEiCandidates?: number;
  /** Weight of the prior kernel (uniform-ish over the range). Default 1. */
  readonly priorWeight?: number;
  /** Clip kernel widths below at range / min(100, 1 + kernels). Default true. */
  readonly considerMagicClip?: boolean;
  /** Let the outermost kernels reach the bounds when sizing their widths. Default false. */
  readonly considerEndpoints?: boolean;
  /** Model all always-present parameters jointly (Optuna's multivariate TPE). Default false. */
  readonly multivariate?: boolean;
  /** Count running trials as the worst values when splitting (for parallel workers). Default false. */
  readonly constantLiar?: boolean;
  /** Size of the good set: 'default' = min(⌈0.1·n⌉, 25); 'hyperopt' = min(⌈0.25·√n⌉, 25). */
  readonly gamma?: 'default' | 'hyperopt';
}

/** How a study proposes parameters; default `{ type: 'tpe' }`. */
export type SamplerSpec = RandomSamplerSpec | GridSamplerSpec | TpeSamplerSpec;

/** A TPE spec with every option filled in. */
export type ResolvedTpeSamplerSpec = Required<TpeSamplerSpec>;

/** A sampler spec with defaults filled in. */
export type ResolvedSamplerSpec = RandomSamplerSpec | GridSamplerSpec | ResolvedTpeSamplerSpec;

/** Optuna 3.1's TPESampler defaults. */
export const TPE_DEFAULTS: ResolvedTpeSamplerSpec = {
  type: 'tpe',
  nStartupTrials: 10,
  nEiCandidates: 24,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: false,
  constantLiar: false,
  gamma: 'default',
};

function invalid(message: string, option: string): KeelError {
  return new KeelError('KEEL_INVALID_ARGUMENT', message, { details: { sampler: option } });
}

/** Checks a sampler spec and fills in defaults; bad options fail with KEEL_INVALID_ARGUMENT. */
export function resolveSamplerSpec(spec: SamplerSpec | undefined): ResolvedSamplerSpec {
  if (spec === undefined) return TPE_DEFAULTS;
  if (spec.type === 'random') return { type: 'random' };
  if (spec.type === 'grid') return { type: 'grid' };
  if (spec.type !== 'tpe') {
    throw invalid(
      `Unknown sampler type ${JSON.stringify((spec as { type: unknown }).type)}; use "tpe", "random" or "grid".`,
      'type',
    );
  }
  for (const key of Object.keys(spec)) {
    if (!Object.hasOwn(TPE_DEFAULTS, key)) {
      throw invalid(`Unknown TPE option "${key}" (known: ${Object.keys(TPE_DEFAULTS).join(', ')}).`, key);
    }
  }
  const r: ResolvedTpeSamplerSpec = { ...TPE_DEFAULTS, ...spec };
  if (!Number.isInteger(r.nStartupTrials) || r.nStartupTrials < 0) {
    throw invalid(`TPE nStartupTrials must be an integer ≥ 0 (got ${r.nStartupTrials}).`, 'nStartupTrials');
  }
  if (!Number.isInteger(r.nEiCandidates) || r.nEiCandidates < 1) {
    throw invalid(`TPE nEiCandidates must be an integer ≥ 1 (got ${r.nEiCandidates}).`, 'nEiCandidates');
  }
  if (!(r.priorWeight > 0) || !Number.isFinite(r.priorWeight)) {
    throw invalid(`TPE priorWeight must be a finite number > 0 (got ${r.priorWeight}).`, 'priorWeight');
  }
  if (r.gamma !== 'default' && r.gamma !== 'hyperopt') {
    throw invalid(`TPE gamma must be "default" or "hyperopt" (got ${JSON.stringify(r.gamma)}).`, 'gamma');
  }
  return r;
}

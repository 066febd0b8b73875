import type { ResolvedParam } from '../param.js';
import type { ParamValue } from '../space-spec.js';
import { argmax } from './numpy-compat.js';
import {
  collectObservations,
  defaultGamma,
  gatherValues,
  hyperoptGamma,
  type ObservationSet,
  splitObservations,
} from './observations.js';
import { ParzenEstimator, type ParzenOptions } from './parzen-estimator.js';
import { sampleUniform } from './random-sampler.js';
import { RandomState } from './random-state.js';
import type { SamplerImpl, SamplerStateData, SamplingContext } from './sampler-impl.js';

type Split = ReturnType<typeof splitObservations>;

/** TPE's resolved options (see `TpeSamplerSpec` for meanings and defaults). */
export interface TpeOptions extends ParzenOptions {
  readonly nStartupTrials: number;
  readonly nEiCandidates: number;
  readonly constantLiar: boolean;
  readonly gamma: 'default' | 'hyperopt';
}

/**
 * Optuna 3.1's TPESampler: random start-up trials, then per parameter (or jointly, multivariate) a
 * Parzen estimator l(x) of the best gamma(n) trials and g(x) of the rest; 24 candidates drawn from
 * l(x), the one maximising log l(x) − log g(x) wins. Two random streams seeded alike, as Optuna:
 * one for the start-up RandomSampler, one for TPE's own draws.
 */
export class TpeSamplerImpl implements SamplerImpl {
  private cache: { readonly ctx: SamplingContext; readonly obs: ObservationSet; split?: Split } | undefined;

  constructor(
    private readonly options: TpeOptions,
    private readonly random: RandomState,
    private readonly tpe: RandomState,
  ) {}

  static create(options: TpeOptions, seed: number, state: SamplerStateData | undefined): TpeSamplerImpl {
    return new TpeSamplerImpl(
      options,
      state?.random ? RandomState.fromData(state.random) : RandomState.fromSeed(seed),
      state?.tpe ? RandomState.fromData(state.tpe) : RandomState.fromSeed(seed),
    );
  }

  sampleRelative(ctx: SamplingContext): ReadonlyMap<string, ParamValue> {
    const out = new Map<string, ParamValue>();
    if (!this.options.multivariate) return out;
    const params = intersectionSpace(ctx);
    if (params.length === 0) return out;
    const obs = this.observations(ctx);
    if (obs.nFinished < this.options.nStartupTrials) return out;
    const best = this.suggest(obs, params);
    for (const [i, p] of params.entries()) out.set(p.name, best[i]!);
    return out;
  }

  sampleIndependent(ctx: SamplingContext, param: ResolvedParam): ParamValue {
    const obs = this.observations(ctx);
    if (obs.nFinished < this.options.nStartupTrials) return sampleUniform(this.random, param);
    return this.suggest(obs, [param])[0]!;
  }

  isExhausted(): boolean {
    return false;
  }

  toState(): SamplerStateData {
    return { random: this.random.toData(), tpe: this.tpe.toData() };
  }

  /** Observations of the trial being sampled; the same for all its parameters, so computed once. */
  private observations(ctx: SamplingContext): ObservationSet {
    if (this.cache?.ctx !== ctx) {
      this.cache = {
        ctx,
        obs: collectObservations(ctx.trials, ctx.direction, this.options.constantLiar, ctx.number),
      };
    }
    return this.cache.obs;
  }

  private split(obs: ObservationSet): Split {
    const gamma = this.options.gamma === 'hyperopt' ? hyperoptGamma : defaultGamma;
    if (this.cache?.obs !== obs) return splitObservations(obs, gamma(obs.nFinished));
    this.cache.split ??= splitObservations(obs, gamma(obs.nFinished));
    return this.cache.split;
  }

  /** Draws candidates from l(x) and returns the values (per parameter) of the best by l/g. */
  private suggest(obs: ObservationSet, params: readonly ResolvedParam[]): ParamValue[] {
    const { below, above } = this.split(obs);
    const l = new ParzenEstimator(params, gatherValues(obs, below, params), this.options);
    const g = new ParzenEstimator(params, gatherValues(obs, above, params), this.options);
    const samples = l.sample(this.tpe, this.options.nEiCandidates);
    const logL = l.logPdf(samples);
    const logG = g.logPdf(samples);
    const best = argmax(logL.map((v, i) => v - logG[i]!));
    return params.map((p, i) => p.toExternal(samples[i]![best]!));
  }
}

/**
 * The parameters every finished (complete or pruned) trial has, in sampling order, without
 * single-valued ones: the space multivariate TPE models jointly (Optuna's IntersectionSearchSpace).
 */
function intersectionSpace(ctx: SamplingContext): ResolvedParam[] {
  const finished = ctx.trials.filter((t) => t.state === 'complete' || t.state === 'pruned');
  if (finished.length === 0) return [];
  return ctx.space.params.filter((p) => !p.single && finished.every((t) => Object.hasOwn(t.params, p.name)));
}

import type { ResolvedParam } from '../param.js';
import type { SearchSpace } from '../space.js';
import type { Params, ParamValue } from '../space-spec.js';
import type { SamplerStateData } from '../study-data.js';
import type { Direction, TrialRecord } from '../trial.js';

/** Re-exported for the implementations: the stored shape lives in study-data.ts. */
export type { SamplerStateData };

/** What a sampler sees when it samples one trial. */
export interface SamplingContext {
  readonly space: SearchSpace;
  readonly direction: Direction;
  /** Every trial of the study in number order, the one being sampled included (state running). */
  readonly trials: readonly TrialRecord[];
  /** The number of the trial being sampled. */
  readonly number: number;
}

/** A sampler as Optuna structures one: joint ("relative") values first, then one parameter at a time. */
export interface SamplerImpl {
  /** Values for some parameters sampled jointly at the start of a trial (empty when not multivariate). */
  sampleRelative(ctx: SamplingContext): ReadonlyMap<string, ParamValue>;
  /** One parameter's value given the values already chosen for this trial. */
  sampleIndependent(ctx: SamplingContext, param: ResolvedParam, partial: Params): ParamValue;
  /** True when the sampler has nothing new to offer (a fully visited grid). */
  isExhausted(ctx: Omit<SamplingContext, 'number'>): boolean;
  /** The sampler's random state. */
  toState(): SamplerStateData;
}

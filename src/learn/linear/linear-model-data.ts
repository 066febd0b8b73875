import type { FeatureSpec, Task } from '../model.js';
import type { ResolvedLinearParams } from './params.js';
import type { FeaturePreprocessing } from './preprocessing.js';

/** How training ended. */
export interface LinearTrainingInfo {
  readonly iterations: number;
  /** True when the gradient tolerance was met (or no further decrease was numerically possible). */
  readonly converged: boolean;
  readonly stopReason: 'converged' | 'max-iterations' | 'no-progress' | 'stopped';
  /** Final objective value on the mean-loss scale (see `LinearParams`). */
  readonly objective: number;
  /** Rows and total row weight trained on. */
  readonly rows: number;
  readonly weightSum: number;
}

/** Everything that defines a trained linear model (what `serialize` stores). */
export interface LinearModelData {
  readonly task: Task;
  readonly target: string;
  readonly features: readonly FeatureSpec[];
  readonly classes: readonly string[] | null;
  readonly preprocessing: readonly FeaturePreprocessing[];
  /** Coefficients on the standardised design, K x d output-major (K = outputs, d = design columns). */
  readonly coef: Float64Array;
  /** One intercept per output. */
  readonly intercept: Float64Array;
  readonly params: ResolvedLinearParams;
  readonly training: LinearTrainingInfo;
}

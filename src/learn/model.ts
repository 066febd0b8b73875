import type { Frame } from '../core/index.js';

/**
 * The contract every Keel learner's model meets, so registry, serving and batch
 * prediction treat gradient-boosted trees and linear models the same way.
 */

/** What a model predicts. */
export type Task = 'binary' | 'multiclass' | 'regression';

/**
 * How one input column reaches a model. Numeric inputs (numeric, integer, boolean, timestamp)
 * are fed as numbers; categorical inputs as the index of their level in `levels`, with unseen
 * levels and missing values fed as NaN (routed like missing).
 */
export interface FeatureSpec {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  /** Training levels of a categorical feature; code = index. */
  readonly levels?: readonly string[];
  /** The column's logical type at training time (for signatures). */
  readonly type: 'numeric' | 'integer' | 'boolean' | 'timestamp' | 'categorical';
}

/** Importance of one feature in a trained model. */
export interface FeatureImportance {
  readonly name: string;
  /** Total loss reduction of splits on the feature (trees) or |coefficient| on the standardised scale (linear). */
  readonly gain: number;
  /** Number of splits on the feature (trees); 0 for linear models. */
  readonly splits: number;
}

/**
 * A trained model: pure, serialisable, and fast to call.
 *
 * Outputs per row (`outputWidth`): regression 1 (the value), binary 1 (probability of
 * `classes[1]`), multiclass k (one probability per class, in `classes` order).
 */
export interface Model {
  /** Which learner made it: `gbdt` or `linear`. */
  readonly learner: string;
  readonly task: Task;
  /** The target column name at training time. */
  readonly target: string;
  readonly features: readonly FeatureSpec[];
  /** Class labels in output order (classifiers), null for regression. */
  readonly classes: readonly string[] | null;
  readonly outputWidth: number;
  /**
   * Predicts `n` rows from an encoded row-major matrix `x` (n × features.length; categorical as
   * level code; missing and unseen as NaN) into `out` (n × outputWidth). Allocates nothing per row.
   */
  predictEncoded(x: Float64Array, n: number, out: Float64Array): void;
  /** The versioned, documented byte format (see docs/model-format.md). */
  serialize(): Uint8Array;
  /** Per-feature importance, in feature order. */
  featureImportance(): FeatureImportance[];
}

/** One boosting round (or optimiser iteration) reported while training. */
export interface RoundReport {
  /** 1-based round number. */
  readonly round: number;
  /** Metrics of the round, keyed `train.<metric>` and `validation.<metric>` (e.g. `validation.auc`). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Options shared by every learner's `train` function. */
export interface TrainOptions {
  /** Target column. */
  readonly target: string;
  /** Input columns; default: every column but the target, text columns and the weight column. */
  readonly features?: readonly string[];
  /** Task; default inferred from the target (see `inferTask`). */
  readonly task?: Task;
  /** A column of per-row weights. */
  readonly weightColumn?: string;
  /** Held-out rows for early stopping and per-round metrics. */
  readonly validation?: Frame;
  /** Called after every round; return `false` to stop training (tuning prunes this way). */
  readonly onRound?: (report: RoundReport) => boolean | undefined;
  /** Aborts training; the promise rejects with `KEEL_CANCELLED`. */
  readonly signal?: AbortSignal;
}

import { KeelError } from '../../core/index.js';
import type { Task } from '../model.js';

/** Loss a GBDT minimises: `logloss` (binary), `softmax` (multiclass), `l2` or `huber` (regression). */
export type GbdtObjective = 'logloss' | 'softmax' | 'l2' | 'huber';

/**
 * Hyperparameters of `trainGbdt`; every field is optional and unknown keys are refused with
 * `KEEL_LEARN_INVALID_PARAM`. Defaults are listed per field (close to XGBoost / LightGBM / HGB).
 */
export interface GbdtParams {
  /** Boosting rounds (trees per class). Default 100, range 1..100000. */
  readonly numTrees?: number;
  /** Shrinkage applied to every leaf. Default 0.1, range (0, 1]. */
  readonly learningRate?: number;
  /** Maximum tree depth; 0 = unlimited (needs `maxLeaves`). Default 6, range 0..64. */
  readonly maxDepth?: number;
  /**
   * Maximum leaves per tree. 0 (default) grows depth-wise: every node that passes the constraints is
   * split down to `maxDepth`. A positive value grows leaf-wise (best gain first, as LightGBM and
   * scikit-learn HGB) until this many leaves. Range 0 or 2..65536.
   */
  readonly maxLeaves?: number;
  /** Minimum hessian sum in a child (XGBoost min_child_weight). Default 1e-3, range >= 0. */
  readonly minChildWeight?: number;
  /** Minimum rows in a child (HGB min_samples_leaf). Default 20, range >= 1. */
  readonly minSamplesLeaf?: number;
  /** Minimum loss reduction to make a split (XGBoost gamma). Default 0, range >= 0. */
  readonly minSplitGain?: number;
  /** L2 penalty on leaf values (XGBoost lambda). Default 1, range >= 0. */
  readonly l2?: number;
  /** L1 penalty on leaf values (XGBoost alpha). Default 0, range >= 0. */
  readonly l1?: number;
  /** Fraction of rows sampled without replacement for each tree. Default 1, range (0, 1]. */
  readonly rowSubsample?: number;
  /** Fraction of features sampled for each tree. Default 1, range (0, 1]. */
  readonly colSubsample?: number;
  /** Class weights: `balanced` (n / (k * count)) or a map label → weight > 0 (missing labels weigh 1). */
  readonly classWeights?: 'balanced' | Readonly<Record<string, number>>;
  /** Maximum bins per feature (quantile bins for numbers, levels for categoricals). Default 255, range 2..255. */
  readonly maxBins?: number;
  /** Categorical features with at most this many levels in a node use one-vs-rest splits. Default 4. */
  readonly maxCatToOnehot?: number;
  /** At most this many categories on the left of a sorted-categories split (LightGBM). Default 32. */
  readonly maxCatThreshold?: number;
  /** Smoothing added to the hessian when sorting categories by gradient / hessian. Default 10. */
  readonly catSmooth?: number;
  /** Extra L2 penalty for categorical splits (LightGBM cat_l2). Default 10. */
  readonly catL2?: number;
  /** Huber threshold; default: the 90th percentile of |residual| each round (scikit-learn's alpha=0.9). */
  readonly huberDelta?: number;
  /** Stop when the validation metric has not improved for this many rounds; 0 = off (default). */
  readonly earlyStoppingRounds?: number;
  /** Seed of row/column sampling and bin sampling. Default 0. */
  readonly seed?: number;
  /** Threads: 0 = all cores (default), 1 = serial. Small training sets always train serially. */
  readonly threads?: number;
  /** `auto` (default) picks `logloss`, `softmax` or `l2` from the task. */
  readonly objective?: 'auto' | GbdtObjective;
}

/** Parameters after defaults and validation. */
export interface ResolvedGbdtParams {
  readonly numTrees: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly minChildWeight: number;
  readonly minSamplesLeaf: number;
  readonly minSplitGain: number;
  readonly l2: number;
  readonly l1: number;
  readonly rowSubsample: number;
  readonly colSubsample: number;
  readonly classWeights: 'balanced' | Readonly<Record<string, number>> | null;
  readonly maxBins: number;
  readonly maxCatToOnehot: number;
  readonly maxCatThreshold: number;
  readonly catSmooth: number;
  readonly catL2: number;
  readonly huberDelta: number | null;
  readonly earlyStoppingRounds: number;
  readonly seed: number;
  readonly threads: number;
  readonly objective: GbdtObjective;
}

/** The defaults `trainGbdt` applies (objective resolved from the task). */
export const GBDT_DEFAULTS = {
  numTrees: 100,
  learningRate: 0.1,
  maxDepth: 6,
  maxLeaves: 0,
  minChildWeight: 1e-3,
  minSamplesLeaf: 20,
  minSplitGain: 0,
  l2: 1,
  l1: 0,
  rowSubsample: 1,
  colSubsample: 1,
  maxBins: 255,
  maxCatToOnehot: 4,
  maxCatThreshold: 32,
  catSmooth: 10,
  catL2: 10,
  earlyStoppingRounds: 0,
  seed: 0,
  threads: 0,
} as const;

type NumericKey = keyof typeof GBDT_DEFAULTS;
interface Range {
  readonly min: number;
  readonly max: number;
  readonly minOpen?: boolean;
  readonly integer?: boolean;
}
const RANGES: Record<NumericKey, Range> = {
  numTrees: { min: 1, max: 100_000, integer: true },
  learningRate: { min: 0, max: 1, minOpen: true },
  maxDepth: { min: 0, max: 64, integer: true },
  maxLeaves: { min: 0, max: 65_536, integer: true },
  minChildWeight: { min: 0, max: Number.MAX_VALUE },
  minSamplesLeaf: { min: 1, max: 2 ** 31 - 1, integer: true },
  minSplitGain: { min: 0, max: Number.MAX_VALUE },
  l2: { min: 0, max: Number.MAX_VALUE },
  l1: { min: 0, max: Number.MAX_VALUE },
  rowSubsample: { min: 0, max: 1, minOpen: true },
  colSubsample: { min: 0, max: 1, minOpen: true },
  maxBins: { min: 2, max: 255, integer: true },
  maxCatToOnehot: { min: 1, max: 255, integer: true },
  maxCatThreshold: { min: 1, max: 255, integer: true },
  catSmooth: { min: 0, max: Number.MAX_VALUE },
  catL2: { min: 0, max: Number.MAX_VALUE },
  earlyStoppingRounds: { min: 0, max: 100_000, integer: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  threads: { min: 0, max: 256, integer: true },
};
const OTHER_KEYS = ['classWeights', 'huberDelta', 'objective'] as const;
const OBJECTIVES: readonly GbdtObjective[] = ['logloss', 'softmax', 'l2', 'huber'];
const TASK_OF: Record<GbdtObjective, Task> = {
  logloss: 'binary',
  softmax: 'multiclass',
  l2: 'regression',
  huber: 'regression',
};

function invalid(param: string, message: string, value: unknown): KeelError {
  return new KeelError('KEEL_LEARN_INVALID_PARAM', `GBDT parameter "${param}" ${message}.`, {
    details: { param, value: typeof value === 'object' ? JSON.stringify(value) : String(value) },
  });
}

function describeRange(r: Range): string {
  const hi = r.max === Number.MAX_VALUE ? 'Infinity' : String(r.max);
  return `${r.integer ? 'an integer' : 'a number'} in ${r.minOpen ? '(' : '['}${r.min}, ${hi}]`;
}

function checkNumber(key: string, value: unknown, r: Range): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (r.minOpen ? value > r.min : value >= r.min) &&
    value <= r.max &&
    (!r.integer || Number.isInteger(value));
  if (!ok) throw invalid(key, `must be ${describeRange(r)}, got ${JSON.stringify(value)}`, value);
  return value as number;
}

function checkClassWeights(value: unknown, task: Task): ResolvedGbdtParams['classWeights'] {
  if (value === undefined) return null;
  if (task === 'regression') throw invalid('classWeights', 'applies to classification only', value);
  if (value === 'balanced') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(
      'classWeights',
      `must be "balanced" or a map of label to weight, got ${JSON.stringify(value)}`,
      value,
    );
  }
  for (const [label, w] of Object.entries(value)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw invalid('classWeights', `weight of class "${label}" must be a finite number > 0`, value);
    }
  }
  return value as Record<string, number>;
}

function resolveObjective(value: unknown, task: Task): GbdtObjective {
  const auto: GbdtObjective = task === 'binary' ? 'logloss' : task === 'multiclass' ? 'softmax' : 'l2';
  if (value === undefined || value === 'auto') return auto;
  if (!OBJECTIVES.includes(value as GbdtObjective)) {
    throw invalid(
      'objective',
      `must be one of auto, ${OBJECTIVES.join(', ')}; got ${JSON.stringify(value)}`,
      value,
    );
  }
  const objective = value as GbdtObjective;
  if (TASK_OF[objective] !== task) {
    throw invalid(
      'objective',
      `"${objective}" is for ${TASK_OF[objective]} targets but the task is ${task}`,
      value,
    );
  }
  return objective;
}

/**
 * Applies defaults and validates every parameter for `task`; `KEEL_LEARN_INVALID_PARAM` names the
 * parameter and its allowed range, and refuses unknown keys (listing the known ones).
 */
export function resolveGbdtParams(params: GbdtParams, task: Task): ResolvedGbdtParams {
  if (params === null || typeof params !== 'object') throw invalid('params', 'must be an object', params);
  const known = new Set<string>([...Object.keys(RANGES), ...OTHER_KEYS]);
  for (const key of Object.keys(params)) {
    if (!known.has(key)) {
      throw invalid(key, `is unknown; known parameters: ${[...known].sort().join(', ')}`, key);
    }
  }
  const raw = params as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(RANGES) as NumericKey[]) {
    const v = raw[key];
    out[key] = v === undefined ? GBDT_DEFAULTS[key] : checkNumber(key, v, RANGES[key]);
  }
  const r = out as Record<NumericKey, number>;
  if (r.maxLeaves === 1) throw invalid('maxLeaves', 'must be 0 (depth-wise) or at least 2', 1);
  if (r.maxDepth === 0 && r.maxLeaves === 0) {
    throw invalid('maxDepth', 'may be 0 (unlimited) only when maxLeaves bounds the tree', 0);
  }
  const huber = raw.huberDelta;
  if (huber !== undefined) checkNumber('huberDelta', huber, { min: 0, max: Number.MAX_VALUE, minOpen: true });
  const objective = resolveObjective(raw.objective, task);
  if (huber !== undefined && objective !== 'huber') {
    throw invalid('huberDelta', 'applies to objective "huber" only', huber);
  }
  return {
    ...(r as Omit<ResolvedGbdtParams, 'classWeights' | 'huberDelta' | 'objective'>),
    classWeights: checkClassWeights(raw.classWeights, task),
    huberDelta: (huber as number | undefined) ?? null,
    objective,
  };
}

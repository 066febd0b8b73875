import { isKeelError, KeelError } from '../../core/index.js';
import type { Task } from '../model.js';
import {
  accuracyScore,
  balancedAccuracyScore,
  f1Score,
  matthewsCorrcoef,
  precisionRecallFscoreSupport,
  topKAccuracyScore,
} from './classification.js';
import type { Numbers } from './internal/inputs.js';
import { brierScoreLoss, logLoss } from './probabilistic.js';
import { averagePrecisionScore, rocAucScore } from './ranking.js';
import {
  explainedVarianceScore,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  r2Score,
} from './regression.js';

/**
 * The metric keys `evaluate` returns per task, in order. Binary labels are predicted with
 * P(classes[1]) >= 0.5, multiclass labels by argmax; `auc` is one-vs-rest macro for multiclass;
 * `mape` is a fraction; `max_error` ignores weights. Names are stable: runs, gates and monitoring use them.
 */
export const EVALUATION_METRICS = {
  binary: [
    'auc',
    'average_precision',
    'logloss',
    'brier',
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'mcc',
  ],
  multiclass: [
    'accuracy',
    'balanced_accuracy',
    'logloss',
    'auc',
    'top2_accuracy',
    'precision_macro',
    'recall_macro',
    'f1_macro',
    'f1_weighted',
  ],
  regression: ['rmse', 'mse', 'mae', 'r2', 'mape', 'median_ae', 'explained_variance', 'max_error'],
} as const satisfies Record<Task, readonly string[]>;

const LOWER_IS_BETTER = new Set(['logloss', 'brier', 'rmse', 'mse', 'mae', 'mape', 'median_ae', 'max_error']);

/** Whether a larger value of an `evaluate` metric is better (`maximize`) or worse (`minimize`). */
export function metricGoal(name: string): 'maximize' | 'minimize' {
  const bare = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
  return LOWER_IS_BETTER.has(bare) ? 'minimize' : 'maximize';
}

function attempt(out: Record<string, number>, key: string, f: () => number): void {
  try {
    out[key] = f();
  } catch (error) {
    // Undefined metrics (one class in a window, say) are left out rather than failing the whole set.
    if (!isKeelError(error, 'KEEL_LEARN_METRIC_UNDEFINED')) throw error;
  }
}

function evaluateBinary(y: Numbers, p: Numbers, w: Numbers | undefined): Record<string, number> {
  const o = w ? { sampleWeight: w } : {};
  const pred = Float64Array.from({ length: y.length }, (_, i) => (p[i]! >= 0.5 ? 1 : 0));
  const out: Record<string, number> = {};
  attempt(out, 'auc', () => rocAucScore(y, p, o));
  attempt(out, 'average_precision', () => averagePrecisionScore(y, p, o));
  out.logloss = logLoss(y, p, { ...o, labels: [0, 1] });
  out.brier = brierScoreLoss(y, p, o);
  out.accuracy = accuracyScore(y, pred, o);
  out.balanced_accuracy = balancedAccuracyScore(y, pred, o);
  const prf = precisionRecallFscoreSupport(y, pred, o);
  out.precision = prf.precision;
  out.recall = prf.recall;
  out.f1 = prf.fscore;
  out.mcc = matthewsCorrcoef(y, pred, o);
  return out;
}

function evaluateMulticlass(
  y: Numbers,
  p: Numbers,
  k: number,
  w: Numbers | undefined,
): Record<string, number> {
  const o = w ? { sampleWeight: w } : {};
  const labels = Array.from({ length: k }, (_, c) => c);
  const pred = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
    pred[i] = best;
  }
  const out: Record<string, number> = {};
  out.accuracy = accuracyScore(y, pred, o);
  out.balanced_accuracy = balancedAccuracyScore(y, pred, o);
  out.logloss = logLoss(y, p, { ...o, labels });
  attempt(out, 'auc', () => rocAucScore(y, p, { ...o, labels }));
  out.top2_accuracy = topKAccuracyScore(y, p, { ...o, labels, k: 2 });
  const macro = precisionRecallFscoreSupport(y, pred, { ...o, average: 'macro' });
  out.precision_macro = macro.precision;
  out.recall_macro = macro.recall;
  out.f1_macro = macro.fscore;
  out.f1_weighted = f1Score(y, pred, { ...o, average: 'weighted' });
  return out;
}

function evaluateRegression(y: Numbers, p: Numbers, w: Numbers | undefined): Record<string, number> {
  const o = w ? { sampleWeight: w } : {};
  const mse = meanSquaredError(y, p, o);
  return {
    rmse: Math.sqrt(mse),
    mse,
    mae: meanAbsoluteError(y, p, o),
    r2: r2Score(y, p, o),
    mape: meanAbsolutePercentageError(y, p, o),
    median_ae: medianAbsoluteError(y, p, o),
    explained_variance: explainedVarianceScore(y, p, o),
    max_error: maxError(y, p),
  };
}

/**
 * The standard metric set of a task (keys in `EVALUATION_METRICS`), from true labels (class index
 * 0..k-1 for classifiers, as `prepareLabels` gives; values for regression) and model outputs
 * (n x outputWidth, as `Model.predictEncoded` writes). Metrics undefined for the input (AUC with a
 * single class present) are left out; everything else equals scikit-learn 1.2.1.
 */
export function evaluate(
  task: Task,
  yTrue: Numbers,
  outputs: Numbers,
  classes: readonly string[] | null,
  weights?: Numbers,
): Record<string, number> {
  if (task === 'regression') return evaluateRegression(yTrue, outputs, weights);
  const k = classes?.length ?? 0;
  if (k < 2 || (task === 'binary') !== (k === 2)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `evaluate: task "${task}" does not fit ${k} classes (binary needs 2, multiclass more).`,
      { details: { task, classes: k } },
    );
  }
  return task === 'binary'
    ? evaluateBinary(yTrue, outputs, weights)
    : evaluateMulticlass(yTrue, outputs, k, weights);
}

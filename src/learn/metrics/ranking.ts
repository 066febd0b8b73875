import { precisionRecallCurve, rocCurve } from './curves.js';
import {
  assertBinaryLabels,
  badMetricArgument,
  checkInputs,
  type Numbers,
  scoreWidth,
  undefinedMetric,
} from './internal/inputs.js';
import { average, mean, pairwiseSum, uniqueSorted } from './internal/numeric.js';

/** Options of `rocAucScore`. */
export interface RocAucOptions {
  readonly sampleWeight?: Numbers;
  /** Multiclass only: one-vs-rest (default) or one-vs-one (Hand & Till; no sample weights). */
  readonly multiClass?: 'ovr' | 'ovo';
  /** Multiclass only: `macro` (default), `weighted` (by class support) or `micro` (ovr only). */
  readonly average?: 'macro' | 'weighted' | 'micro';
  /** Multiclass only: the class label of each score column, sorted; default the sorted labels of `yTrue`. */
  readonly labels?: readonly number[];
}

/** `np.trapz(y, x)` with scikit-learn's `auc` direction check. */
function trapezoid(x: Float64Array, y: Float64Array): number {
  const terms = new Float64Array(Math.max(0, x.length - 1));
  let increasing = true;
  let decreasing = true;
  for (let i = 0; i < terms.length; i++) {
    const dx = x[i + 1]! - x[i]!;
    if (dx < 0) increasing = false;
    if (dx > 0) decreasing = false;
    terms[i] = (dx * (y[i + 1]! + y[i]!)) / 2;
  }
  if (!increasing && !decreasing) throw badMetricArgument('auc', 'x is neither increasing nor decreasing.');
  const area = pairwiseSum(terms);
  return increasing ? area : -area;
}

function binaryRocAuc(yTrue: Numbers, yScore: Numbers, sampleWeight?: Numbers): number {
  let seen0 = false;
  let seen1 = false;
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 0) seen0 = true;
    else if (yTrue[i] === 1) seen1 = true;
  }
  if (!(seen0 && seen1)) {
    assertBinaryLabels('rocAucScore', yTrue);
    throw undefinedMetric('rocAucScore', 'only one class is present in yTrue; ROC AUC needs both.');
  }
  const roc = rocCurve(yTrue, yScore, sampleWeight ? { sampleWeight } : {});
  return trapezoid(roc.fpr, roc.tpr);
}

/**
 * Area under the ROC curve, equal to scikit-learn 1.2's `roc_auc_score`. Binary: `yTrue` in {0, 1}
 * and one score per row (ties count one half). Multiclass: `yScore` is a row-major n x k matrix of
 * probabilities (rows must sum to 1), averaged one-vs-rest or one-vs-one. A class missing from
 * `yTrue` makes it undefined (`KEEL_LEARN_METRIC_UNDEFINED`).
 */
export function rocAucScore(yTrue: Numbers, yScore: Numbers, options: RocAucOptions = {}): number {
  const k = scoreWidth('rocAucScore', yTrue.length, yScore);
  if (k === 1) {
    checkInputs('rocAucScore', yTrue, yScore, 'yScore', options.sampleWeight);
    return binaryRocAuc(yTrue, yScore, options.sampleWeight);
  }
  return multiclassRocAuc(yTrue, yScore, k, options);
}

function classIndex(metric: string, yTrue: Numbers, k: number, labels?: readonly number[]): Int32Array {
  const classes = labels ? [...labels] : uniqueSorted(yTrue);
  if (labels) {
    const sorted = uniqueSorted(labels);
    if (sorted.length !== labels.length || sorted.some((v, i) => v !== labels[i])) {
      throw badMetricArgument(metric, 'labels must be unique and sorted.');
    }
  }
  if (classes.length !== k) {
    throw badMetricArgument(
      metric,
      `${classes.length} classes ${labels ? 'in labels' : 'in yTrue'} but yScore has ${k} columns; pass all classes as labels.`,
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const out = new Int32Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const c = index.get(yTrue[i]!);
    if (c === undefined)
      throw badMetricArgument(metric, `yTrue[${i}] = ${yTrue[i]} is not one of the labels.`);
    out[i] = c;
  }
  return out;
}

function multiclassRocAuc(yTrue: Numbers, yScore: Numbers, k: number, options: RocAucOptions): number {
  const metric = 'rocAucScore';
  const n = yTrue.length;
  const w = options.sampleWeight;
  checkInputs(metric, yTrue, yScore, 'yScore', w, k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += yScore[i * k + c]!;
    if (!(Math.abs(1 - s) <= 1e-8 + 1e-5 * Math.abs(s))) {
      throw badMetricArgument(
        metric,
        `multiclass scores must be probabilities summing to 1 (row ${i} sums to ${s}).`,
      );
    }
  }
  const y = classIndex(metric, yTrue, k, options.labels);
  const multiClass = options.multiClass ?? 'ovr';
  const avg = options.average ?? 'macro';
  if (multiClass === 'ovo') {
    if (w) throw badMetricArgument(metric, 'sample weights are not supported for one-vs-one ROC AUC.');
    if (avg === 'micro') throw badMetricArgument(metric, "average 'micro' is only defined for one-vs-rest.");
    return ovoRocAuc(y, yScore, k, avg);
  }
  const column = (c: number): Float64Array => Float64Array.from({ length: n }, (_, i) => yScore[i * k + c]!);
  if (avg === 'micro') {
    const yy = new Float64Array(n * k);
    for (let i = 0; i < n; i++) yy[i * k + y[i]!] = 1;
    const ww = w ? Float64Array.from({ length: n * k }, (_, j) => w[Math.floor(j / k)]!) : undefined;
    return binaryRocAuc(yy, yScore, ww);
  }
  const scores = new Float64Array(k);
  const support = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const yc = Float64Array.from(y, (v) => (v === c ? 1 : 0));
    for (let i = 0; i < n; i++) support[c]! += yc[i]! * (w ? w[i]! : 1);
    scores[c] = binaryRocAuc(yc, column(c), w);
  }
  if (avg === 'macro') return mean(scores);
  const total = pairwiseSum(support);
  if (Math.abs(total) <= 1e-8) return 0;
  for (let c = 0; c < k; c++) if (support[c] === 0) scores[c] = 0;
  return average(scores, support);
}

function ovoRocAuc(y: Int32Array, yScore: Numbers, k: number, avg: 'macro' | 'weighted'): number {
  const n = y.length;
  const present = uniqueSorted(y);
  const pairs: number[] = [];
  const prevalence: number[] = [];
  for (let ai = 0; ai < present.length; ai++) {
    for (let bi = ai + 1; bi < present.length; bi++) {
      const a = present[ai]!;
      const b = present[bi]!;
      const aTrue: number[] = [];
      const bTrue: number[] = [];
      const aScore: number[] = [];
      const bScore: number[] = [];
      for (let i = 0; i < n; i++) {
        if (y[i] !== a && y[i] !== b) continue;
        aTrue.push(y[i] === a ? 1 : 0);
        bTrue.push(y[i] === b ? 1 : 0);
        aScore.push(yScore[i * k + a]!);
        bScore.push(yScore[i * k + b]!);
      }
      prevalence.push(aTrue.length / n);
      pairs.push((binaryRocAuc(aTrue, aScore) + binaryRocAuc(bTrue, bScore)) / 2);
    }
  }
  return average(pairs, avg === 'weighted' ? prevalence : null);
}

/**
 * Average precision (area under the step-wise precision-recall curve, not interpolated), equal to
 * scikit-learn 1.2's `average_precision_score` for binary labels in {0, 1} (positive = 1).
 */
export function averagePrecisionScore(
  yTrue: Numbers,
  yScore: Numbers,
  options: { readonly sampleWeight?: Numbers } = {},
): number {
  const { precision, recall } = precisionRecallCurve(yTrue, yScore, options);
  const terms = new Float64Array(recall.length - 1);
  for (let i = 0; i < terms.length; i++) terms[i] = (recall[i + 1]! - recall[i]!) * precision[i]!;
  return -pairwiseSum(terms);
}

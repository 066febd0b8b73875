import { confusionMatrix, type LabelMetricOptions } from './confusion.js';
import { badMetricArgument, checkInputs, type Numbers, scoreWidth } from './internal/inputs.js';
import { average, mean, pairwiseSum, uniqueSorted } from './internal/numeric.js';

/** Fraction of rows whose predicted label equals the true label (weighted), as scikit-learn's `accuracy_score`. */
export function accuracyScore(
  yTrue: Numbers,
  yPred: Numbers,
  options: { readonly sampleWeight?: Numbers } = {},
): number {
  checkInputs('accuracyScore', yTrue, yPred, 'yPred', options.sampleWeight);
  const hits = Float64Array.from({ length: yTrue.length }, (_, i) => (yTrue[i] === yPred[i] ? 1 : 0));
  return average(hits, options.sampleWeight);
}

/**
 * Mean per-class recall over the classes present in `yTrue`, as scikit-learn's `balanced_accuracy_score`
 * (classes only predicted, never true, are left out).
 */
export function balancedAccuracyScore(
  yTrue: Numbers,
  yPred: Numbers,
  options: { readonly sampleWeight?: Numbers } = {},
): number {
  const { matrix } = confusionMatrix(yTrue, yPred, options);
  const perClass: number[] = [];
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    if (total !== 0) perClass.push(row[i]! / total);
  });
  return mean(perClass);
}

/** How precision, recall and F are averaged over labels (`binary`: the positive label 1 only). */
export type Averaging = 'binary' | 'micro' | 'macro' | 'weighted';

/** Options of precision, recall and F-scores. */
export interface PrfOptions extends LabelMetricOptions {
  /** Default `binary`, which needs labels within {0, 1} and scores label 1. */
  readonly average?: Averaging;
  /** Value when a ratio has a zero denominator: 0 (default, scikit-learn's "warn") or 1. */
  readonly zeroDivision?: 0 | 1;
  /** F-beta weight of recall; default 1 (F1). */
  readonly beta?: number;
}

/** Precision, recall, F-beta and support: one value each when averaged, one per label otherwise. */
export interface PrfScores<T> {
  readonly precision: T;
  readonly recall: T;
  readonly fscore: T;
  /** True (weighted) count per label; null when averaged. */
  readonly support: T extends number ? null : Float64Array;
}

function prfLabels(yTrue: Numbers, yPred: Numbers, options: PrfOptions): number[] {
  const present = uniqueSorted(yTrue, yPred);
  if ((options.average ?? 'binary') !== 'binary') return options.labels ? [...options.labels] : present;
  if (present.length > 2) {
    throw badMetricArgument(
      'precisionRecallFscoreSupport',
      `target is multiclass (${present.length} labels) but average is 'binary'; use micro, macro or weighted.`,
    );
  }
  if (!present.includes(1) && present.length >= 2) {
    throw badMetricArgument('precisionRecallFscoreSupport', `the positive label 1 is not among ${present}.`);
  }
  return [1];
}

function counts(yTrue: Numbers, yPred: Numbers, labels: number[], w?: Numbers) {
  const index = new Map(labels.map((l, i) => [l, i]));
  const k = labels.length;
  const tp = new Float64Array(k);
  const pred = new Float64Array(k);
  const truth = new Float64Array(k);
  for (let i = 0; i < yTrue.length; i++) {
    const wi = w ? w[i]! : 1;
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t !== undefined) truth[t]! += wi;
    if (p !== undefined) pred[p]! += wi;
    if (t !== undefined && t === p) tp[t]! += wi;
  }
  return { tp, pred, truth };
}

function divide(num: Float64Array, den: Float64Array, zeroDivision: number): Float64Array {
  return Float64Array.from(num, (v, i) => (den[i] === 0 ? zeroDivision : v / den[i]!));
}

/**
 * Precision, recall, F-beta and support, equal to scikit-learn 1.2's `precision_recall_fscore_support`
 * (pass `perClass: true` for per-label arrays, as `average=None`).
 */
export function precisionRecallFscoreSupport(
  yTrue: Numbers,
  yPred: Numbers,
  options: PrfOptions & { readonly perClass: true },
): PrfScores<Float64Array>;
export function precisionRecallFscoreSupport(
  yTrue: Numbers,
  yPred: Numbers,
  options?: PrfOptions & { readonly perClass?: false },
): PrfScores<number>;
export function precisionRecallFscoreSupport(
  yTrue: Numbers,
  yPred: Numbers,
  options: PrfOptions & { readonly perClass?: boolean } = {},
): PrfScores<number> | PrfScores<Float64Array> {
  checkInputs('precisionRecallFscoreSupport', yTrue, yPred, 'yPred', options.sampleWeight);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw badMetricArgument('precisionRecallFscoreSupport', 'beta must be >= 0.');
  const zd = options.zeroDivision ?? 0;
  const avg = options.perClass ? null : (options.average ?? 'binary');
  const labels = options.perClass
    ? options.labels
      ? [...options.labels]
      : uniqueSorted(yTrue, yPred)
    : prfLabels(yTrue, yPred, options);
  let { tp, pred, truth } = counts(yTrue, yPred, labels, options.sampleWeight);
  if (avg === 'micro') {
    tp = Float64Array.of(pairwiseSum(tp));
    pred = Float64Array.of(pairwiseSum(pred));
    truth = Float64Array.of(pairwiseSum(truth));
  }
  const precision = divide(tp, pred, zd);
  const recall = divide(tp, truth, zd);
  const beta2 = beta * beta;
  const fscore = Float64Array.from(precision, (p, i) => {
    if (beta === Number.POSITIVE_INFINITY) return recall[i]!;
    const denom = beta2 * p + recall[i]!;
    return ((1 + beta2) * p * recall[i]!) / (denom === 0 ? 1 : denom);
  });
  if (avg === null) return { precision, recall, fscore, support: truth };
  let weights: Float64Array | null = null;
  if (avg === 'weighted') {
    weights = truth;
    if (pairwiseSum(truth) === 0) {
      const z = zd;
      return pairwiseSum(pred) === 0
        ? { precision: z, recall: z, fscore: z, support: null }
        : { precision: 0, recall: z, fscore: 0, support: null };
    }
  }
  return {
    precision: average(precision, weights),
    recall: average(recall, weights),
    fscore: average(fscore, weights),
    support: null,
  };
}

/** Precision (tp / predicted positives), as scikit-learn's `precision_score`; default average `binary`. */
export function precisionScore(yTrue: Numbers, yPred: Numbers, options: PrfOptions = {}): number {
  return precisionRecallFscoreSupport(yTrue, yPred, options).precision;
}

/** Recall (tp / actual positives), as scikit-learn's `recall_score`; default average `binary`. */
export function recallScore(yTrue: Numbers, yPred: Numbers, options: PrfOptions = {}): number {
  return precisionRecallFscoreSupport(yTrue, yPred, options).recall;
}

/** F1 (harmonic mean of precision and recall), as scikit-learn's `f1_score`; default average `binary`. */
export function f1Score(yTrue: Numbers, yPred: Numbers, options: Omit<PrfOptions, 'beta'> = {}): number {
  return precisionRecallFscoreSupport(yTrue, yPred, { ...options, beta: 1 }).fscore;
}

/**
 * Matthews correlation coefficient (binary or multiclass), as scikit-learn's `matthews_corrcoef`;
 * 0 when a marginal is constant.
 */
export function matthewsCorrcoef(
  yTrue: Numbers,
  yPred: Numbers,
  options: { readonly sampleWeight?: Numbers } = {},
): number {
  const { matrix } = confusionMatrix(yTrue, yPred, options);
  const k = matrix.length;
  const tSum = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const pSum = matrix[0]!.map((_, j) => matrix.reduce((a, row) => a + row[j]!, 0));
  let correct = 0;
  for (let i = 0; i < k; i++) correct += matrix[i]![i]!;
  const nSamples = pairwiseSum(pSum);
  const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
  const covYtYp = correct * nSamples - dot(tSum, pSum);
  const covYpYp = nSamples * nSamples - dot(pSum, pSum);
  const covYtYt = nSamples * nSamples - dot(tSum, tSum);
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/**
 * Fraction of rows whose true class is among the `k` highest scores (default 2), as scikit-learn's
 * `top_k_accuracy_score` for a row-major n x classes score matrix; ties rank the later class first.
 */
export function topKAccuracyScore(
  yTrue: Numbers,
  yScore: Numbers,
  options: { readonly k?: number; readonly labels?: readonly number[]; readonly sampleWeight?: Numbers } = {},
): number {
  const metric = 'topKAccuracyScore';
  const width = scoreWidth(metric, yTrue.length, yScore);
  checkInputs(metric, yTrue, yScore, 'yScore', options.sampleWeight, width);
  const k = options.k ?? 2;
  if (!Number.isInteger(k) || k < 1) throw badMetricArgument(metric, `k must be an integer >= 1, got ${k}.`);
  const classes = options.labels ? [...options.labels] : uniqueSorted(yTrue);
  if (classes.length !== width) {
    throw badMetricArgument(
      metric,
      `${classes.length} classes but yScore has ${width} columns; pass labels.`,
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const hits = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const c = index.get(yTrue[i]!);
    if (c === undefined)
      throw badMetricArgument(metric, `yTrue[${i}] = ${yTrue[i]} is not one of the labels.`);
    const s = yScore[i * width + c]!;
    let above = 0;
    for (let j = 0; j < width; j++) {
      const v = yScore[i * width + j]!;
      if (v > s || (v === s && j > c)) above++;
    }
    hits[i] = above < k ? 1 : 0;
  }
  return average(hits, options.sampleWeight);
}

import { checkInputs, type Numbers } from './internal/inputs.js';
import { average, median, pairwiseSum } from './internal/numeric.js';

/** Options of the regression metrics. */
export interface RegressionMetricOptions {
  /** Per-row weights. */
  readonly sampleWeight?: Numbers;
}

function errors(
  metric: string,
  yTrue: Numbers,
  yPred: Numbers,
  w: Numbers | undefined,
  f: (t: number, p: number) => number,
) {
  checkInputs(metric, yTrue, yPred, 'yPred', w);
  return Float64Array.from({ length: yTrue.length }, (_, i) => f(yTrue[i]!, yPred[i]!));
}

/** scikit-learn's `force_finite` rule: 1 for a perfect fit, 0 when only the denominator is 0. */
function assembleScore(numerator: number, denominator: number): number {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

/**
 * Coefficient of determination, equal to scikit-learn's `r2_score` (1 = perfect; with a constant
 * `yTrue` it is 1.0 for perfect predictions, else 0.0; NaN for fewer than two rows, as scikit-learn).
 */
export function r2Score(yTrue: Numbers, yPred: Numbers, options: RegressionMetricOptions = {}): number {
  const w = options.sampleWeight;
  if (yTrue.length < 2) return Number.NaN;
  const sq = errors('r2Score', yTrue, yPred, w, (t, p) => (t - p) ** 2);
  const yMean = average(yTrue, w);
  const dev = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const ww = w ? w[i]! : 1;
    sq[i] = ww * sq[i]!;
    dev[i] = ww * (yTrue[i]! - yMean) ** 2;
  }
  return assembleScore(pairwiseSum(sq), pairwiseSum(dev));
}

/** Explained variance (R² of the de-biased residuals), equal to scikit-learn's `explained_variance_score`. */
export function explainedVarianceScore(
  yTrue: Numbers,
  yPred: Numbers,
  options: RegressionMetricOptions = {},
): number {
  const w = options.sampleWeight;
  const diff = errors('explainedVarianceScore', yTrue, yPred, w, (t, p) => t - p);
  const diffMean = average(diff, w);
  const num = average(
    Float64Array.from(diff, (d) => (d - diffMean) ** 2),
    w,
  );
  const yMean = average(yTrue, w);
  const den = average(
    Float64Array.from({ length: yTrue.length }, (_, i) => (yTrue[i]! - yMean) ** 2),
    w,
  );
  return assembleScore(num, den);
}

/** Mean absolute error, equal to scikit-learn's `mean_absolute_error`. */
export function meanAbsoluteError(
  yTrue: Numbers,
  yPred: Numbers,
  options: RegressionMetricOptions = {},
): number {
  const w = options.sampleWeight;
  return average(
    errors('meanAbsoluteError', yTrue, yPred, w, (t, p) => Math.abs(p - t)),
    w,
  );
}

/** Mean squared error, equal to scikit-learn's `mean_squared_error`. */
export function meanSquaredError(
  yTrue: Numbers,
  yPred: Numbers,
  options: RegressionMetricOptions = {},
): number {
  const w = options.sampleWeight;
  return average(
    errors('meanSquaredError', yTrue, yPred, w, (t, p) => (t - p) ** 2),
    w,
  );
}

/** Root mean squared error: the square root of `meanSquaredError` (scikit-learn's `squared=False`). */
export function rootMeanSquaredError(
  yTrue: Numbers,
  yPred: Numbers,
  options: RegressionMetricOptions = {},
): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, options));
}

/**
 * Mean absolute percentage error as a fraction (0.1 = 10%), equal to scikit-learn's
 * `mean_absolute_percentage_error` (|yTrue| is floored at machine epsilon, so zeros give huge values).
 */
export function meanAbsolutePercentageError(
  yTrue: Numbers,
  yPred: Numbers,
  options: RegressionMetricOptions = {},
): number {
  const w = options.sampleWeight;
  return average(
    errors(
      'meanAbsolutePercentageError',
      yTrue,
      yPred,
      w,
      (t, p) => Math.abs(p - t) / Math.max(Math.abs(t), 2 ** -52),
    ),
    w,
  );
}

/**
 * Median absolute error, equal to scikit-learn's `median_absolute_error`; with weights, the weighted
 * 50th percentile (the smallest error whose cumulative weight reaches half the total).
 */
export function medianAbsoluteError(
  yTrue: Numbers,
  yPred: Numbers,
  options: RegressionMetricOptions = {},
): number {
  const w = options.sampleWeight;
  const abs = errors('medianAbsoluteError', yTrue, yPred, w, (t, p) => Math.abs(p - t));
  if (!w) return median(abs);
  const order = Array.from(abs.keys()).sort((a, b) => abs[a]! - abs[b]! || a - b);
  const cdf = new Float64Array(order.length);
  let acc = 0;
  order.forEach((r, j) => {
    acc += w[r]!;
    cdf[j] = acc;
  });
  let target = 0.5 * cdf[cdf.length - 1]!;
  if (target === 0) target = Number.MIN_VALUE;
  let j = 0;
  while (j < cdf.length && cdf[j]! < target) j++;
  return abs[order[Math.min(j, order.length - 1)]!]!;
}

/** The largest absolute error, equal to scikit-learn's `max_error` (sample weights do not apply). */
export function maxError(yTrue: Numbers, yPred: Numbers): number {
  const abs = errors('maxError', yTrue, yPred, undefined, (t, p) => Math.abs(t - p));
  let m = 0;
  for (const v of abs) if (v > m) m = v;
  return m;
}

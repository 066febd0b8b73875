import {
  assertBinaryLabels,
  badMetricArgument,
  checkInputs,
  type Numbers,
  scoreWidth,
  undefinedMetric,
} from './internal/inputs.js';
import { average, uniqueSorted } from './internal/numeric.js';

/** Float64 machine epsilon: scikit-learn 1.2's `eps="auto"` for float64 probabilities. */
const EPS = 2 ** -52;

/**
 * Cross-entropy loss, equal to scikit-learn 1.2.1's `log_loss`: probabilities are clipped to
 * [eps, 1 - eps] (eps = float64 machine epsilon) and each row renormalised. `yPred` is one probability
 * per row (of the greater of two labels) or a row-major n x k matrix (columns = sorted labels).
 * With a single label in `yTrue` and no `labels`, it is undefined (`KEEL_LEARN_METRIC_UNDEFINED`).
 */
export function logLoss(
  yTrue: Numbers,
  yPred: Numbers,
  options: {
    readonly labels?: readonly number[];
    readonly sampleWeight?: Numbers;
    readonly eps?: number;
  } = {},
): number {
  const metric = 'logLoss';
  const n = yTrue.length;
  const k = scoreWidth(metric, n, yPred);
  checkInputs(metric, yTrue, yPred, 'yPred', options.sampleWeight, k);
  const classes = uniqueSorted(options.labels ?? yTrue);
  if (classes.length === 1) {
    if (!options.labels) {
      throw undefinedMetric(
        metric,
        `yTrue contains only one label (${classes[0]}); pass all labels explicitly through options.labels.`,
      );
    }
    throw badMetricArgument(metric, `labels needs at least two labels, got [${classes}].`);
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const width = k === 1 ? 2 : k;
  if (classes.length !== width) {
    throw badMetricArgument(
      metric,
      `yTrue ${options.labels ? 'labels' : ''} has ${classes.length} classes but yPred has ${width}; pass all labels.`,
    );
  }
  const eps = options.eps ?? EPS;
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps);
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = index.get(yTrue[i]!);
    if (c === undefined)
      throw badMetricArgument(metric, `yTrue[${i}] = ${yTrue[i]} is not one of the labels.`);
    let sum = 0;
    let p: number;
    if (k === 1) {
      const q = clip(yPred[i]!);
      sum = 1 - q + q;
      p = c === 1 ? q : 1 - q;
    } else {
      for (let j = 0; j < k; j++) sum += clip(yPred[i * k + j]!);
      p = clip(yPred[i * k + c]!);
    }
    loss[i] = -Math.log(p / sum);
  }
  return average(loss, options.sampleWeight);
}

/**
 * Mean squared difference between the predicted probability of the positive class (1) and the 0/1
 * outcome, equal to scikit-learn's `brier_score_loss`; probabilities must lie in [0, 1].
 */
export function brierScoreLoss(
  yTrue: Numbers,
  yProb: Numbers,
  options: { readonly sampleWeight?: Numbers } = {},
): number {
  const metric = 'brierScoreLoss';
  checkInputs(metric, yTrue, yProb, 'yProb', options.sampleWeight);
  assertBinaryLabels(metric, yTrue);
  const sq = new Float64Array(yTrue.length);
  for (let i = 0; i < yTrue.length; i++) {
    const p = yProb[i]!;
    if (p < 0 || p > 1) throw badMetricArgument(metric, `yProb[${i}] = ${p} is not a probability in [0, 1].`);
    sq[i] = (yTrue[i]! - p) ** 2;
  }
  return average(sq, options.sampleWeight);
}

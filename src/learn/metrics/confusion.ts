import { badMetricArgument, checkInputs, type Numbers } from './internal/inputs.js';
import { uniqueSorted } from './internal/numeric.js';

/** A confusion matrix: `matrix[i][j]` = (weighted) count of rows with true label `labels[i]` predicted `labels[j]`. */
export interface ConfusionMatrix {
  readonly labels: readonly number[];
  readonly matrix: number[][];
}

/** Options of the label metrics. */
export interface LabelMetricOptions {
  /** Per-row weights. */
  readonly sampleWeight?: Numbers;
  /** Labels to include, in order; default the sorted union of `yTrue` and `yPred`. */
  readonly labels?: readonly number[];
}

/**
 * The confusion matrix of predicted against true labels, equal to scikit-learn's `confusion_matrix`
 * (rows = true label, columns = predicted label; rows with a label outside `labels` are ignored).
 */
export function confusionMatrix(
  yTrue: Numbers,
  yPred: Numbers,
  options: LabelMetricOptions = {},
): ConfusionMatrix {
  checkInputs('confusionMatrix', yTrue, yPred, 'yPred', options.sampleWeight);
  const labels = options.labels ? [...options.labels] : uniqueSorted(yTrue, yPred);
  if (labels.length === 0) throw badMetricArgument('confusionMatrix', 'labels is empty.');
  const index = new Map(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw badMetricArgument('confusionMatrix', 'labels must be unique.');
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const w = options.sampleWeight;
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i]!);
    const p = index.get(yPred[i]!);
    if (t === undefined || p === undefined) continue;
    matrix[t]![p]! += w ? w[i]! : 1;
  }
  return { labels, matrix };
}

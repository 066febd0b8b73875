import { assertBinaryLabels, badMetricArgument, checkInputs, type Numbers } from './internal/inputs.js';

/** Options shared by the threshold curves. */
export interface CurveOptions {
  /** Per-row weights; rows of weight 0 are dropped first (as scikit-learn does). */
  readonly sampleWeight?: Numbers;
}

/** A ROC curve: false and true positive rates for each threshold (score >= threshold is positive). */
export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Decreasing; `thresholds[0]` is max(score) + 1 (nothing predicted positive). */
  readonly thresholds: Float64Array;
}

/** A precision-recall curve; the last point (precision 1, recall 0) has no threshold. */
export interface PrecisionRecallCurve {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  /** Increasing distinct scores. */
  readonly thresholds: Float64Array;
}

/** Cumulative false/true positives at each distinct score, highest score first (scikit-learn `_binary_clf_curve`). */
export interface ClassifierCurve {
  readonly fps: Float64Array;
  readonly tps: Float64Array;
  readonly thresholds: Float64Array;
}

/**
 * Counts (weighted) false and true positives at every distinct score, in decreasing score order.
 * Ties are visited in the order of scikit-learn's reversed stable argsort so weighted sums round alike.
 */
export function binaryClassifierCurve(
  metric: string,
  yTrue: Numbers,
  yScore: Numbers,
  sampleWeight?: Numbers,
): ClassifierCurve {
  checkInputs(metric, yTrue, yScore, 'yScore', sampleWeight);
  assertBinaryLabels(metric, yTrue);
  let rows: number[] = [];
  for (let i = 0; i < yTrue.length; i++) if (sampleWeight?.[i] !== 0) rows.push(i);
  // Stable ascending by score, then reversed: ties end up with the later row first.
  rows = rows.sort((a, b) => yScore[a]! - yScore[b]! || a - b).reverse();
  const n = rows.length;
  if (n === 0) throw badMetricArgument(metric, 'every sample weight is 0.');
  const tpsAll = new Float64Array(n);
  const fpsAll = sampleWeight ? new Float64Array(n) : null;
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < n; j++) {
    const r = rows[j]!;
    const w = sampleWeight ? sampleWeight[r]! : 1;
    tp += yTrue[r]! * w;
    tpsAll[j] = tp;
    if (fpsAll) {
      fp += (1 - yTrue[r]!) * w;
      fpsAll[j] = fp;
    }
  }
  const idx: number[] = [];
  for (let j = 0; j < n - 1; j++) if (yScore[rows[j + 1]!]! - yScore[rows[j]!]! !== 0) idx.push(j);
  if (n > 0) idx.push(n - 1);
  const m = idx.length;
  const fps = new Float64Array(m);
  const tps = new Float64Array(m);
  const thresholds = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    const j = idx[t]!;
    tps[t] = tpsAll[j]!;
    fps[t] = fpsAll ? fpsAll[j]! : 1 + j - tpsAll[j]!;
    thresholds[t] = yScore[rows[j]!]!;
  }
  return { fps, tps, thresholds };
}

/**
 * The ROC curve of binary labels (0/1, positive = 1) against scores, as scikit-learn 1.2's `roc_curve`:
 * with `dropIntermediate` (default true) collinear points are dropped; with no negatives (or no
 * positives) the false (or true) positive rates are NaN.
 */
export function rocCurve(
  yTrue: Numbers,
  yScore: Numbers,
  options: CurveOptions & { readonly dropIntermediate?: boolean } = {},
): RocCurve {
  let { fps, tps, thresholds } = binaryClassifierCurve('rocCurve', yTrue, yScore, options.sampleWeight);
  if ((options.dropIntermediate ?? true) && fps.length > 2) {
    const keep: number[] = [0];
    for (let i = 0; i < fps.length - 2; i++) {
      const d2f = fps[i + 2]! - fps[i + 1]! - (fps[i + 1]! - fps[i]!);
      const d2t = tps[i + 2]! - tps[i + 1]! - (tps[i + 1]! - tps[i]!);
      if (d2f !== 0 || d2t !== 0) keep.push(i + 1);
    }
    keep.push(fps.length - 1);
    fps = Float64Array.from(keep, (i) => fps[i]!);
    tps = Float64Array.from(keep, (i) => tps[i]!);
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!);
  }
  const m = fps.length + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const th = new Float64Array(m);
  const fpTotal = fps[m - 2] ?? 0;
  const tpTotal = tps[m - 2] ?? 0;
  th[0] = (thresholds[0] ?? 0) + 1;
  fpr[0] = fpTotal <= 0 ? Number.NaN : 0;
  tpr[0] = tpTotal <= 0 ? Number.NaN : 0;
  for (let i = 1; i < m; i++) {
    fpr[i] = fpTotal <= 0 ? Number.NaN : fps[i - 1]! / fpTotal;
    tpr[i] = tpTotal <= 0 ? Number.NaN : tps[i - 1]! / tpTotal;
    th[i] = thresholds[i - 1]!;
  }
  return { fpr, tpr, thresholds: th };
}

/**
 * Precision and recall at every distinct score, as scikit-learn 1.2's `precision_recall_curve`
 * (precision 0 where nothing is predicted positive; recall 1 everywhere when there are no positives).
 */
export function precisionRecallCurve(
  yTrue: Numbers,
  yScore: Numbers,
  options: CurveOptions = {},
): PrecisionRecallCurve {
  const { fps, tps, thresholds } = binaryClassifierCurve(
    'precisionRecallCurve',
    yTrue,
    yScore,
    options.sampleWeight,
  );
  const m = tps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const th = new Float64Array(m);
  const tpTotal = tps[m - 1]!;
  for (let i = 0; i < m; i++) {
    const j = m - 1 - i;
    const ps = tps[j]! + fps[j]!;
    precision[i] = ps !== 0 ? tps[j]! / ps : 0;
    recall[i] = tpTotal === 0 ? 1 : tps[j]! / tpTotal;
    th[i] = thresholds[j]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: th };
}

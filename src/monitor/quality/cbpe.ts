import type { Calibrator } from './calibration.js';

/** An ESTIMATE of a binary classifier's quality from its confidence alone (NannyML's CBPE). */
export interface CbpeEstimate {
  readonly method: 'cbpe';
  /** Rows the estimate covers. */
  readonly rows: number;
  /** True when scores were calibrated (isotonic) before estimating. */
  readonly calibrated: boolean;
  /** The expected confusion matrix (fractional counts). */
  readonly confusion: { readonly tp: number; readonly fp: number; readonly fn: number; readonly tn: number };
  /** Estimated accuracy, precision, recall, specificity, f1 and auc; undefined ones are left out. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Options of `estimateCbpe`. */
export interface CbpeOptions {
  /** Calibrated P(positive) from a raw score (see `chooseCalibrator`); identity when absent. */
  readonly calibrator?: Calibrator | null;
  /** Score at or above which the model predicts the positive class. Default 0.5. */
  readonly threshold?: number;
}

/**
 * Confidence-based performance estimation (NannyML CBPE, binary): with calibrated probabilities p̂
 * and predicted labels ŷ, the expected confusion matrix is TP = Σ[ŷ=1]p̂, FP = Σ[ŷ=1](1−p̂),
 * FN = Σ[ŷ=0]p̂, TN = Σ[ŷ=0](1−p̂), and accuracy = (TP+TN)/n, precision = TP/(TP+FP),
 * recall = TP/(TP+FN), specificity = TN/(TN+FP), F1 = TP/(TP+½(FP+FN)). ROC AUC: rows sorted by
 * the raw score descending, expected true positives = cumsum(p̂), false positives = rank − TPs,
 * normalised to TPR/FPR (rounded to 5 decimals as NannyML does), trapezoid area. Valid only while
 * P(y | x) is unchanged (no concept drift) and the scores are (or were calibrated to be) probabilities.
 */
export function estimateCbpe(scores: ArrayLike<number>, options: CbpeOptions = {}): CbpeEstimate {
  const threshold = options.threshold ?? 0.5;
  const cal = options.calibrator ?? null;
  const n = scores.length;
  const p = new Float64Array(n);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < n; i++) {
    const raw = scores[i]!;
    const q = Math.min(1, Math.max(0, cal ? cal(raw) : raw));
    p[i] = q;
    if (raw >= threshold) {
      tp += q;
      fp += 1 - q;
    } else {
      fn += q;
      tn += 1 - q;
    }
  }
  const metrics: Record<string, number> = {};
  const put = (name: string, num: number, den: number): void => {
    if (den > 0) metrics[name] = num / den;
  };
  put('accuracy', tp + tn, n);
  put('precision', tp, tp + fp);
  put('recall', tp, tp + fn);
  put('specificity', tn, tn + fp);
  put('f1', tp, tp + 0.5 * (fp + fn));
  const auc = estimatedAuc(scores, p);
  if (auc !== null) metrics.auc = auc;
  return { method: 'cbpe', rows: n, calibrated: cal !== null, confusion: { tp, fp, fn, tn }, metrics };
}

/** NannyML's estimated ROC AUC (see `estimateCbpe`), or null when one class has no expected mass. */
export function estimatedAuc(scores: ArrayLike<number>, calibrated: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const tps = new Float64Array(n);
  let acc = 0;
  order.forEach((i, k) => {
    acc += calibrated[i]!;
    tps[k] = acc;
  });
  const totalTp = acc;
  const totalFp = n - acc;
  if (!(totalTp > 0) || !(totalFp > 0)) return null;
  const round = (v: number): number => Math.round(v * 1e5) / 1e5;
  let area = 0;
  let prevTpr = 0;
  let prevFpr = 0;
  for (let k = 0; k < n; k++) {
    const tpr = round(tps[k]! / totalTp);
    const fpr = round((k + 1 - tps[k]!) / totalFp);
    area += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
    prevTpr = tpr;
    prevFpr = fpr;
  }
  return area;
}

/**
 * Population Stability Index on reference-decile bins, with the conventions of Keel's drift
 * oracle: cut points are the unique linear-interpolated deciles of the reference (numpy
 * `quantile(ref, linspace(.1, .9, 9))`), bins are (-inf, c1], (c1, c2], ..., (ck, inf), shares
 * are count / n, a zero share becomes 1e-4 (no renormalisation), PSI = Σ (c - r) ln(c / r).
 */
import { KeelError } from '../../../core/index.js';
import { quantileSorted, sortedSample, upperBound } from './sample.js';

/** The quantile levels of the PSI cut points: numpy.linspace(0.1, 0.9, 9), bit for bit. */
export const PSI_QUANTILES: readonly number[] = [
  0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9,
];

/** The share used in place of an empty bin's zero share. */
export const PSI_EPSILON = 1e-4;

/** PSI with the bins it was computed on. */
export interface PsiResult {
  readonly value: number;
  /** Ascending, unique cut points; bins are right-closed. */
  readonly cutPoints: number[];
  readonly referenceCounts: number[];
  readonly currentCounts: number[];
}

/** The PSI cut points of an ascending, NaN-free reference sample (unique deciles). */
export function psiCutPoints(sortedReference: ArrayLike<number>): number[] {
  if (sortedReference.length === 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', 'PSI: the reference sample is empty.', { details: {} });
  }
  const cuts = PSI_QUANTILES.map((q) => quantileSorted(sortedReference, q)).sort((a, b) => a - b);
  return cuts.filter((c, i) => i === 0 || c !== cuts[i - 1]);
}

/**
 * Counts of an ascending, NaN-free sample in the bins (-inf, c1], ..., (ck, inf) — one binary
 * search per cut point.
 */
export function binCountsSorted(sorted: ArrayLike<number>, cutPoints: readonly number[]): number[] {
  const counts = new Array<number>(cutPoints.length + 1);
  let below = 0;
  for (let b = 0; b < cutPoints.length; b++) {
    const upTo = upperBound(sorted, cutPoints[b]!, below);
    counts[b] = upTo - below;
    below = upTo;
  }
  counts[cutPoints.length] = sorted.length - below;
  return counts;
}

/** Counts of an unsorted sample in the same bins (NaNs skipped): numpy searchsorted side='left' + bincount. */
export function binCounts(values: ArrayLike<number>, cutPoints: readonly number[]): number[] {
  const counts = new Array<number>(cutPoints.length + 1).fill(0);
  const k = cutPoints.length;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) continue;
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cutPoints[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts;
}

/** PSI from bin (or category) counts of the two samples, with the 1e-4 share for empty bins. */
export function psiFromCounts(referenceCounts: readonly number[], currentCounts: readonly number[]): number {
  if (referenceCounts.length !== currentCounts.length) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `PSI: ${referenceCounts.length} reference bins but ${currentCounts.length} current bins.`,
      { details: {} },
    );
  }
  const nr = referenceCounts.reduce((a, b) => a + b, 0);
  const nc = currentCounts.reduce((a, b) => a + b, 0);
  if (nr <= 0 || nc <= 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `PSI needs counts on both sides (got ${nr} and ${nc}).`, {
      details: { nReference: nr, nCurrent: nc },
    });
  }
  let value = 0;
  for (let b = 0; b < referenceCounts.length; b++) {
    const pr = referenceCounts[b]! / nr || PSI_EPSILON;
    const pc = currentCounts[b]! / nc || PSI_EPSILON;
    value += (pc - pr) * Math.log(pc / pr);
  }
  return value;
}

/** PSI of two ascending, NaN-free samples on the reference's decile bins. */
export function psiSorted(reference: Float64Array, current: Float64Array): PsiResult {
  const cutPoints = psiCutPoints(reference);
  const referenceCounts = binCountsSorted(reference, cutPoints);
  const currentCounts = binCountsSorted(current, cutPoints);
  return { value: psiFromCounts(referenceCounts, currentCounts), cutPoints, referenceCounts, currentCounts };
}

/** PSI of two numeric samples (NaNs dropped first) on the reference's decile bins. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): PsiResult {
  return psiSorted(sortedSample(reference).values, sortedSample(current).values);
}

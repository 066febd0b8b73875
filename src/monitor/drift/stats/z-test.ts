/**
 * Evidently's two-proportion Z-test for binary (or binarised) columns: the share of values that
 * are not the first key (in sorted key order), pooled variance, two-sided normal p-value.
 */
import { ndtr } from './normal.js';

/** Result of the Z-test. */
export interface ZTestResult {
  /** (p_ref - p_cur) / sqrt(P(1-P)(1/n_ref + 1/n_cur)); 0 when both sides are the same constant. */
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Z-test for the difference of proportions. `referenceCounts` / `currentCounts` are counts over
 * the same keys in sorted key order; the "event" is any key but the first. Both sides constant
 * and equal gives p = 1. The p-value is 2Φ(-|z|), which equals Evidently's 2(1 - Φ(|z|)) without
 * its cancellation for large |z|.
 */
export function proportionsZTest(
  referenceCounts: readonly number[],
  currentCounts: readonly number[],
): ZTestResult {
  const n1 = referenceCounts.reduce((a, b) => a + b, 0);
  const n2 = currentCounts.reduce((a, b) => a + b, 0);
  const present = (counts: readonly number[]): number[] => counts.flatMap((c, i) => (c > 0 ? [i] : []));
  const pr = present(referenceCounts);
  const pc = present(currentCounts);
  if (pr.length === 1 && pc.length === 1 && pr[0] === pc[0]) return { statistic: 0, pValue: 1 };
  const p1 = (n1 - referenceCounts[0]!) / n1;
  const p2 = (n2 - currentCounts[0]!) / n2;
  const P = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2));
  return { statistic: z, pValue: 2 * ndtr(-Math.abs(z)) };
}

import { KeelError } from '../../../core/index.js';

/**
 * NumPy's pairwise summation (`np.sum` on a contiguous float64 array), so sums and means
 * round exactly like scikit-learn's: blocks of 8 accumulators up to 128 values, halving above.
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, end = a.length): number {
  const n = end - start;
  if (n < 8) {
    let res = 0;
    for (let i = start; i < end; i++) res += a[i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!;
    let r1 = a[start + 1]!;
    let r2 = a[start + 2]!;
    let r3 = a[start + 3]!;
    let r4 = a[start + 4]!;
    let r5 = a[start + 5]!;
    let r6 = a[start + 6]!;
    let r7 = a[start + 7]!;
    let i = start + 8;
    const stop = end - (n % 8);
    for (; i < stop; i += 8) {
      r0 += a[i]!;
      r1 += a[i + 1]!;
      r2 += a[i + 2]!;
      r3 += a[i + 3]!;
      r4 += a[i + 4]!;
      r5 += a[i + 5]!;
      r6 += a[i + 6]!;
      r7 += a[i + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < end; i++) res += a[i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, start + n2) + pairwiseSum(a, start + n2, end);
}

/** `np.mean`: pairwise sum divided by the count. */
export function mean(a: ArrayLike<number>): number {
  return pairwiseSum(a) / a.length;
}

/**
 * `np.average(values, weights=weights)`: the plain mean without weights, else
 * sum(values * weights) / sum(weights); a zero weight sum is refused as NumPy does.
 */
export function average(values: ArrayLike<number>, weights?: ArrayLike<number> | null): number {
  if (!weights) return mean(values);
  const n = values.length;
  const prod = new Float64Array(n);
  for (let i = 0; i < n; i++) prod[i] = values[i]! * weights[i]!;
  const scale = pairwiseSum(weights);
  if (scale === 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      'Sample weights sum to zero; give at least one row a weight.',
    );
  }
  return pairwiseSum(prod) / scale;
}

/** `np.median`: the middle value, or the mean of the two middle values. */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sorted distinct values of one or more arrays (`np.unique` of their union). */
export function uniqueSorted(...arrays: ArrayLike<number>[]): number[] {
  const set = new Set<number>();
  for (const a of arrays) for (let i = 0; i < a.length; i++) set.add(a[i]!);
  return [...set].sort((x, y) => x - y);
}

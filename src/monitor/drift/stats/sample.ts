/**
 * Sorted numeric samples: the shared input of the numeric drift statistics. NaNs are dropped
 * and counted first (SciPy's `ks_2samp` gives nonsense with NaNs), and the sort happens once
 * per column so KS, Wasserstein and PSI can all walk the same arrays.
 */
import { sortFloat64 } from './radix-sort.js';

/** A sample with NaNs removed, sorted ascending, with how many NaNs were dropped. */
export interface SortedSample {
  readonly values: Float64Array;
  readonly nanCount: number;
}

/** Drops NaNs (and, with `dropInfinite`, ±Infinity) from `values` and sorts the rest ascending. */
export function sortedSample(values: ArrayLike<number>, dropInfinite = false): SortedSample {
  const n = values.length;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (
      !Number.isNaN(v) &&
      (!dropInfinite || (v !== Number.POSITIVE_INFINITY && v !== Number.NEGATIVE_INFINITY))
    ) {
      out[k++] = v;
    }
  }
  const sorted = sortFloat64(k === n ? out : out.slice(0, k));
  return { values: sorted, nanCount: n - k };
}

/** Index of the first element of the ascending `sorted` that is > x (numpy searchsorted side='right'). */
export function upperBound(sorted: ArrayLike<number>, x: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * numpy.quantile(a, q) with the default 'linear' method on an ascending sample, including
 * numpy's two-sided lerp (b - (b - a)(1 - t) for t >= 0.5) so cut points agree bit for bit.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual < 0) return sorted[0]!;
  const prev = Math.floor(virtual);
  const a = sorted[prev]!;
  const b = sorted[prev + 1]!;
  const t = virtual - prev;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** Population mean and standard deviation (numpy `mean`, `std` with ddof = 0). */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

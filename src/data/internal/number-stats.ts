/**
 * Order statistics and distinct counts of float64 values in linear time, for per-column summaries:
 * sorting a million values per column would dominate `keel data inspect`.
 */

import { quickselect } from '../../core/index.js';

/**
 * Quantiles with linear interpolation between order statistics (pandas/NumPy's default):
 * position `(n - 1) * q`. `values` (no NaN) is reordered. Returns null for an empty array.
 */
export function quantiles(values: Float64Array, qs: readonly number[]): (number | null)[] {
  const n = values.length;
  if (n === 0) return qs.map(() => null);
  const ranks = [
    ...new Set(qs.flatMap((q) => [Math.floor((n - 1) * q), Math.min(n - 1, Math.floor((n - 1) * q) + 1)])),
  ].sort((x, y) => x - y);
  const at = new Map<number, number>();
  let from = 0;
  for (const k of ranks) {
    quickselect(values, k, from, n);
    at.set(k, values[k]!);
    from = k + 1;
  }
  return qs.map((q) => {
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const a = at.get(lo)!;
    const t = pos - lo;
    return t === 0 ? a : a + (at.get(Math.min(n - 1, lo + 1))! - a) * t;
  });
}

/** The number of distinct values (no NaN; `-0` counts as `0`), with an open-addressing hash set on the bits. */
export function distinctCount(values: Float64Array): number {
  const n = values.length;
  let capacity = 1024;
  while (capacity < n * 2) capacity *= 2;
  const mask = capacity - 1;
  const keys = new Float64Array(capacity);
  const used = new Uint8Array(capacity);
  const bits = new Uint32Array(1 * 2);
  const view = new Float64Array(bits.buffer);
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]! === 0 ? 0 : values[i]!;
    view[0] = v;
    let h = Math.imul(bits[0]! ^ Math.imul(bits[1]!, 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (used[h] === 1 && keys[h] !== v) h = (h + 1) & mask;
    if (used[h] === 0) {
      used[h] = 1;
      keys[h] = v;
      distinct++;
    }
  }
  return distinct;
}

/**
 * Small numeric helpers that reproduce NumPy's results bit for bit where Optuna relies on them:
 * pairwise summation (`np.sum`), `np.round` (half to even), `np.logaddexp`, `np.argmax` and
 * `np.nanpercentile` with linear interpolation.
 */

/** `np.round(x)`: nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `np.logaddexp(x, y)` = log(exp(x) + exp(y)) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === y) return x + Math.LN2;
  const d = x - y;
  if (d > 0) return x + Math.log1p(Math.exp(-d));
  if (d <= 0) return y + Math.log1p(Math.exp(d));
  return d;
}

/** `np.argmax`: index of the first maximum; a NaN counts as the maximum (its first occurrence wins). */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  let bestValue = a[0]!;
  if (Number.isNaN(bestValue)) return 0;
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isNaN(v)) return i;
    if (v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** `np.nanpercentile(values, q)` with the default linear method; NaN when no non-NaN value. */
export function nanPercentile(values: readonly number[], q: number): number {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const f = q / 100;
  // NumPy's virtual index for the linear method: n·q + (1 + q·(1 − α − β)) − 1 with α = β = 1.
  const virtual = s.length * f + (1 + f * -1) - 1;
  const lo = Math.floor(virtual);
  const hi = Math.min(lo + 1, s.length - 1);
  const t = virtual - lo;
  const a = s[lo]!;
  const b = s[hi]!;
  const diff = b - a;
  // NumPy's _lerp: a + diff·t, or b − diff·(1 − t) when t ≥ 0.5 (monotone and exact at the ends).
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's split constant for doubles

/** a·b + c with a single rounding (an FMA), by Dekker's exact product and Knuth's two-sum. */
export function fusedMultiplyAdd(a: number, b: number, c: number): number {
  const p = a * b;
  if (!Number.isFinite(p) || p === 0 || c === 0) return p + c;
  const ta = SPLITTER * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLITTER * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const bb = s - p;
  const se = p - (s - bb) + (c - bb);
  return s + (se + pe);
}

/**
 * Σ_k w[k]·P[k·K + c] (column c of a row-major n × K matrix P times w) with the rounding of
 * `np.inner(P.T, w)` on NumPy 1.24 with OpenBLAS 0.3.21's Haswell dgemv (Debian 12, where the
 * oracles were made): exact ties between columns then break as they do in Optuna.
 */
export function openblasColumnDot(p: Float64Array, w: Float64Array, nChoices: number, c: number): number {
  const n = w.length;
  const at = (k: number) => p[k * nChoices + c]! * w[k]!;
  let y = 0;
  let i = 0;
  if (nChoices === 2 || nChoices === 3) {
    // OpenBLAS's C tail for 2 or 3 rows: pairs of products, no FMA.
    for (; i < (n & -4); i += 4) {
      y = y + (at(i) + at(i + 1));
      y = y + (at(i + 2) + at(i + 3));
    }
    for (; i < n; i++) y = y + at(i);
    return y;
  }
  if (nChoices < 4 || c >= (nChoices & -4)) {
    for (; i < n; i++) y = y + at(i);
    return y;
  }
  // The AVX2 4×4 kernel: y + (fma(a2, x2, a0·x0) + fma(a3, x3, a1·x1)) per block of 4 columns.
  const a = (k: number) => p[k * nChoices + c]!;
  for (; i + 4 <= n; i += 4) {
    const lo = fusedMultiplyAdd(a(i + 2), w[i + 2]!, at(i));
    const hi = fusedMultiplyAdd(a(i + 3), w[i + 3]!, at(i + 1));
    y = y + (lo + hi);
  }
  if ((n - i) & 2) {
    y = y + (at(i) + at(i + 1));
    i += 2;
  }
  if ((n - i) & 1) y = y + at(i);
  return y;
}

/** NumPy's `less` for doubles: NaN sorts last. */
function less(a: number, b: number): boolean {
  return a < b || (Number.isNaN(b) && !Number.isNaN(a));
}

/** NumPy's heapsort fallback of `aquicksort`, on idx[lo..lo+n). */
function aheapsort(v: ArrayLike<number>, idx: Int32Array, lo: number, n: number): void {
  const a = (i: number) => idx[lo + i - 1]!;
  const set = (i: number, x: number) => {
    idx[lo + i - 1] = x;
  };
  const siftDown = (start: number, size: number, tmp: number) => {
    let i = start;
    let j = start << 1;
    while (j <= size) {
      if (j < size && less(v[a(j)]!, v[a(j + 1)]!)) j += 1;
      if (!less(v[tmp]!, v[a(j)]!)) break;
      set(i, a(j));
      i = j;
      j += j;
    }
    set(i, tmp);
  };
  for (let l = n >> 1; l > 0; --l) siftDown(l, n, a(l));
  for (let size = n; size > 1; ) {
    const tmp = a(size);
    set(size, a(1));
    size -= 1;
    siftDown(1, size, tmp);
  }
}

/**
 * `np.argsort(v)` with NumPy 1.24's default introsort (`aquicksort`): not stable, and the order it
 * gives equal values matters to TPE's bandwidths, so it is reproduced step for step.
 */
export function argsortQuick(v: ArrayLike<number>): Int32Array {
  const num = v.length;
  const idx = Int32Array.from({ length: num }, (_, i) => i);
  const swap = (i: number, j: number) => {
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  };
  const stack: number[] = [];
  const depths: number[] = [];
  let pl = 0;
  let pr = num - 1;
  let cdepth = num > 0 ? 2 * Math.floor(Math.log2(num)) : 0;
  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, idx, pl, pr - pl + 1);
    } else {
      while (pr - pl > 15) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[idx[pm]!]!, v[idx[pl]!]!)) swap(pm, pl);
        if (less(v[idx[pr]!]!, v[idx[pm]!]!)) swap(pr, pm);
        if (less(v[idx[pm]!]!, v[idx[pl]!]!)) swap(pm, pl);
        const vp = v[idx[pm]!]!;
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi;
          while (less(v[idx[pi]!]!, vp));
          do --pj;
          while (less(vp, v[idx[pj]!]!));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depths.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = idx[pi]!;
        const vp = v[vi]!;
        let pj = pi;
        while (pj > pl && less(vp, v[idx[pj - 1]!]!)) {
          idx[pj] = idx[pj - 1]!;
          pj--;
        }
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depths.pop()!;
  }
  return idx;
}

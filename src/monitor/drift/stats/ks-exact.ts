/**
 * Exact null distribution of the two-sample Kolmogorov–Smirnov statistic by lattice-path
 * counting, ported from SciPy 1.10 (`_compute_prob_outside_square`,
 * `_compute_outer_prob_inside_method`, `_count_paths_outside_method`, `_attempt_exact_2kssamp`),
 * including the cases where SciPy gives up and falls back to the asymptotic formula.
 */
import { binom } from './gamma.js';

/** Outcome of an exact attempt: `ok: false` is SciPy's "Exact calculation unsuccessful". */
export interface ExactKsAttempt {
  readonly ok: boolean;
  /** The statistic rounded to the lattice, h / lcm(n1, n2) (SciPy returns this as the statistic). */
  readonly d: number;
  readonly pValue: number;
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy.round: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D_{n,n} >= h/n), two-sided, equal sample sizes (Horner-like alternating sum). */
function probOutsideSquare(n: number, h: number): number {
  let P = 0.0;
  let k = Math.floor(n / h);
  while (k >= 0) {
    let p1 = 1.0;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1.0 - P);
    k -= 1;
  }
  return 2 * P;
}

/** Pr(D_{m,n} >= h/lcm), two-sided, by Viehmann's recursion for 1 - p ("inside method"). */
function outerProbInsideMethod(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.max(Math.floor((ng * i - h) / mg) + 1, 0);
    minj = Math.min(minj, n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1.0;
    let val = minj === 0 ? 0.0 : 1.0;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1]!;
}

/**
 * Number of lattice paths from (0,0) to (m,n) that go below the diagonal by h (one-sided),
 * Hodges' method. Returns NaN where SciPy's float arithmetic overflows (its FloatingPointError).
 */
function countPathsOutside(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  const lxj = n + Math.floor((mg - h) / mg);
  if (lxj === 0) return binom(m + n, n);
  const xj = new Float64Array(lxj);
  for (let j = 0; j < lxj; j++) xj[j] = Math.floor((h + mg * j + ng - 1) / ng);
  const B = new Float64Array(lxj);
  B[0] = 1;
  for (let j = 1; j < lxj; j++) {
    let Bj = binom(xj[j]! + j, j);
    if (!Number.isFinite(Bj)) return Number.NaN;
    for (let i = 0; i < j; i++) {
      const bin = binom(xj[j]! - xj[i]! + j - i, j - i);
      Bj -= bin * B[i]!;
      if (!Number.isFinite(Bj)) return Number.NaN;
    }
    B[j] = Bj;
  }
  let numPaths = 0;
  for (let j = 0; j < lxj; j++) {
    const bin = binom(m - xj[j]! + (n - j), n - j);
    numPaths += B[j]! * bin;
    if (!Number.isFinite(numPaths)) return Number.NaN;
  }
  return numPaths;
}

/**
 * SciPy's `_attempt_exact_2kssamp(n1, n2, g, d, alternative)`: the exact p-value of statistic
 * `d` for sample sizes n1, n2, or `ok: false` where SciPy's float arithmetic overflows.
 */
export function attemptExactKs(
  n1: number,
  n2: number,
  d: number,
  alternative: 'two-sided' | 'less' | 'greater',
): ExactKsAttempt {
  const g = gcd(n1, n2);
  const lcm = Math.floor(n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dd = (h * 1.0) / lcm;
  if (h === 0) return { ok: true, d: dd, pValue: 1.0 };
  let prob: number;
  if (alternative === 'two-sided') {
    prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInsideMethod(n1, n2, g, h);
  } else if (n1 === n2) {
    prob = 1;
    for (let j = 0; j < h; j++) prob *= (n1 - j) / (n1 + j + 1.0);
  } else {
    const numPaths = countPathsOutside(n1, n2, g, h);
    const bin = binom(n1 + n2, n1);
    if (!Number.isFinite(numPaths) || !Number.isFinite(bin) || numPaths > bin) {
      return { ok: false, d: dd, pValue: Number.NaN };
    }
    prob = numPaths / bin;
  }
  if (!(prob >= 0 && prob <= 1)) return { ok: false, d: dd, pValue: prob };
  return { ok: true, d: dd, pValue: prob };
}

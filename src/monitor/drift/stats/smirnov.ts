/**
 * The one-sided Kolmogorov–Smirnov (Smirnov) survival function P(D+_n >= x), as
 * `scipy.special.smirnov` computes it: the Birnbaum–Tingey sum with SciPy's special cases
 * and early stop. Terms are taken in logs (SciPy uses double-double); agreement is ~1e-10 relative.
 */
import { lgam, MINLOG } from './gamma.js';

const SPLITTER = 134217729; // 2^27 + 1
const EPS = 2.220446049250313e-16;
const SMIRNOV_MAX_COMPUTE_N = 1_000_000;

/** Exact product a*b as hi + lo (Dekker's two-product). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/** floor(n*x) and the fractional part, computed exactly. */
function modNX(n: number, x: number): { nxfl: number; alpha: number } {
  const [hi, lo] = twoProduct(n, x);
  let nxfl = Math.floor(hi);
  let alpha = hi - nxfl + lo;
  if (alpha < 0) {
    nxfl -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    nxfl += 1;
    alpha = 0;
  }
  return { nxfl, alpha };
}

/** (a + b)^m with the rounding error of a + b carried into the power (SciPy's pow_D). */
function powOfSum(a: number, b: number, m: number): number {
  const s = a + b;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  if (s === 0) return m === 0 ? 1 : 0;
  const ans = s ** m;
  const r = err / s;
  let adj = m * r;
  if (Math.abs(adj) > 1e-8) {
    adj = Math.abs(adj) < 1e-4 ? adj + m * r * (((m - 1) / 2.0) * r) : Math.expm1(m * Math.log1p(r));
  }
  return ans + ans * adj;
}

const clip01 = (p: number): number => (p < 0 ? 0 : Math.min(p, 1));

/** P(D+_n >= x) for a sample of size n (SciPy `special.smirnov(n, x)`); NaN outside 0 <= x <= 1. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { nxfl, alpha } = modNX(n, x);
  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return clip01(1 - x * powOfSum(1, x, n - 1));
  if (-2 * n * x * x < MINLOG) return 0;
  if (nxfl >= n - 1) return clip01(powOfSum(1, -x, n));
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6.0 * n * x + 1) ** 2) / 18.0 / n;
    return clip01(logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp));
  }
  const nUpperTerms = n - n1mxceil + 1;
  const useUpper = (nUpperTerms <= 1 && x < 0.5) || (n >= 10 && nUpperTerms <= 3 && x <= 0.5 / Math.sqrt(n));
  if (useUpper) return clip01(1 - x * upperSum(n, x, nxfl, alpha, nUpperTerms));
  return clip01(x * lowerSum(n, x, nxfl, alpha, n1mxfl + 1));
}

/** Σ_{v=0}^{nTerms-1} C(n,v) (1-x-v/n)^(n-v) (x+v/n)^(v-1): every term positive. */
function lowerSum(n: number, x: number, nxfl: number, alpha: number, nTerms: number): number {
  let sum = powOfSum(1, -x, n) / x;
  const lgn1 = lgam(n + 1);
  const vmid = Math.floor(n / 2);
  for (let v = 1; v < nTerms; v++) {
    const t2x = (n - v - nxfl - alpha) / n; // 1 - x - v/n, exact up to one rounding
    const t1x = (nxfl + v + alpha) / n; // x + v/n
    const logA = lgn1 - lgam(v + 1) - lgam(n - v + 1) + (n - v) * Math.log(t2x) + (v - 1) * Math.log(t1x);
    const a = Math.exp(logA);
    if (Number.isFinite(a) && a !== 0) sum += a;
    if (a !== 0) {
      if (4 * (nTerms - v) * Math.abs(a) < EPS * sum && v !== nTerms - 1) break;
    } else if (v > vmid) {
      break;
    }
  }
  return sum;
}

/** Σ over the few top terms v = n, n-1, ... (signs alternate), used when x is small. */
function upperSum(n: number, x: number, nxfl: number, alpha: number, nTerms: number): number {
  let sum = powOfSum(1, x, n - 1);
  let c = 1;
  for (let j = 1; j < nTerms; j++) {
    const v = n - j;
    c = (c * (n - j + 1)) / j; // C(n, v) = C(n, j)
    const t2x = (n - v - nxfl - alpha) / n;
    const t1x = (nxfl + v + alpha) / n;
    sum += c * t2x ** (n - v) * t1x ** (v - 1);
  }
  return sum;
}

/**
 * The chi-squared survival function through the regularised upper incomplete gamma function
 * Q(a, x) = Γ(a, x) / Γ(a): a power series below x < a + 1, a Lentz continued fraction above,
 * with the x^a e^-x / Γ(a) prefactor taken in logs so large degrees of freedom do not overflow.
 */
import { lgam } from './gamma.js';

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const MAX_ITER = 100_000;

function logPrefactor(a: number, x: number): number {
  return a * Math.log(x) - x - lgam(a);
}

/** P(a, x) by its power series; converges for every x but is used only below a + 1. */
function lowerSeries(a: number, x: number): number {
  let ap = a;
  let term = 1.0 / a;
  let sum = term;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by the modified Lentz continued fraction; used for x >= a + 1. */
function upperFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

/** The regularised lower incomplete gamma function P(a, x), a > 0, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperFraction(a, x);
}

/** The regularised upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate in the tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
}

/**
 * The chi-squared survival function P(X > x) for `df` degrees of freedom (SciPy
 * `stats.chi2.sf`): 1 for x <= 0, 0 for x = +Infinity, NaN for df <= 0.
 */
export function chi2Sf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

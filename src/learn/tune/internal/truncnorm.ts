import { logAddExp } from './numpy-compat.js';
import { logNdtr, ndtr } from './special.js';

/**
 * The truncated standard normal as Optuna 3.1's `_truncnorm` computes it: log-mass of an interval,
 * the quantile function by bisection in log space, and the log-density.
 */

/** log √(2π), the normal density's log normaliser. */
export const NORM_LOG_C = Math.log(Math.sqrt(2 * Math.PI));

/** log(exp(logP) − exp(logQ)) for logP ≥ logQ. */
function logDiff(logP: number, logQ: number): number {
  return logP + Math.log1p(-Math.exp(logQ - logP));
}

/** log of the standard normal mass in [a, b] (a ≤ b), accurate in both tails. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  return Math.log1p(-ndtr(a) - ndtr(-b));
}

const LOG_NDTR_MINUS_100 = logNdtr(-100);

const AK = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const BK = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const CK = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const DK = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Acklam's rational approximation of the lower-tail quantile from q = √(−2 log p). */
function tailQuantile(q: number): number {
  const num = ((((CK[0]! * q + CK[1]!) * q + CK[2]!) * q + CK[3]!) * q + CK[4]!) * q + CK[5]!;
  const den = (((DK[0]! * q + DK[1]!) * q + DK[2]!) * q + DK[3]!) * q + 1;
  return num / den;
}

/** x with log Φ(x) ≈ y (Acklam's approximation refined by Newton steps), and the last step's size. */
function estimateNdtriExp(y: number): { x: number; lastStep: number } {
  let x: number;
  if (y < Math.log(0.02425)) x = tailQuantile(Math.sqrt(-2 * y));
  else if (y > Math.log1p(-0.02425)) x = -tailQuantile(Math.sqrt(-2 * Math.log(-Math.expm1(y))));
  else {
    const q = Math.exp(y) - 0.5;
    const r = q * q;
    x =
      ((((((AK[0]! * r + AK[1]!) * r + AK[2]!) * r + AK[3]!) * r + AK[4]!) * r + AK[5]!) * q) /
      (((((BK[0]! * r + BK[1]!) * r + BK[2]!) * r + BK[3]!) * r + BK[4]!) * r + 1);
  }
  let step = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 4 && Number.isFinite(x); i++) {
    const f = logNdtr(x);
    step = (f - y) / Math.exp(-0.5 * x * x - NORM_LOG_C - f);
    x -= step;
    if (Math.abs(step) <= 1e-15 * (1 + Math.abs(x))) break;
  }
  return { x, lastStep: Math.abs(step) };
}

/**
 * The x with log Φ(x) = y as Optuna's `_ndtri_exp` finds it: bisection on [−100, 100] until the
 * midpoint stops moving. The result is reproduced exactly, but cheaper: a Newton estimate decides
 * the midpoints far from the root without evaluating log Φ (they fall on the same side either way);
 * log Φ is evaluated only within 1e-12·(1 + |x|) of the estimate (wider where log Φ is flat).
 */
export function ndtriExp(y: number): number {
  let a = -100;
  let b = 100;
  if (LOG_NDTR_MINUS_100 > y) [a, b] = [b, a];
  const est = a < b ? estimateNdtriExp(y) : { x: Number.NaN, lastStep: Number.POSITIVE_INFINITY };
  // log Φ carries ~1e-16·(1 + |y|) absolute error, so near a flat stretch (x ≳ 5) the root is only
  // known to that error over the slope φ/Φ: the unevaluated zone must stay clear of it.
  const slope = Math.exp(-0.5 * est.x * est.x - NORM_LOG_C - y);
  const delta = Math.max(1e-12 * (1 + Math.abs(est.x)), (1e3 * Number.EPSILON * (1 + Math.abs(y))) / slope);
  const guided = Number.isFinite(est.x) && est.lastStep < delta * 0.01;
  let m = 0;
  for (let i = 0; i < 100; i++) {
    m = (a + b) / 2;
    if (m === a || m === b) break;
    const below = guided && m < est.x - delta ? true : guided && m > est.x + delta ? false : logNdtr(m) < y;
    if (below) a = m;
    else b = m;
  }
  return m;
}

/** The same bisection, evaluating log Φ at every midpoint (the reference `ndtriExp` is checked against). */
export function ndtriExpBisect(y: number): number {
  let a = -100;
  let b = 100;
  if (LOG_NDTR_MINUS_100 > y) [a, b] = [b, a];
  let m = 0;
  for (let i = 0; i < 100; i++) {
    m = (a + b) / 2;
    if (m === a || m === b) break;
    if (logNdtr(m) < y) a = m;
    else b = m;
  }
  return m;
}

/** Quantile `q` of the standard normal truncated to [a, b] (`lgm` = logGaussMass(a, b)). */
export function truncnormPpf(q: number, a: number, b: number, lgm: number): number {
  if (a === b) return Number.NaN;
  if (q === 0) return a;
  if (q === 1) return b;
  if (a < 0) return ndtriExp(logAddExp(logNdtr(a), Math.log(q) + lgm));
  return -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + lgm));
}

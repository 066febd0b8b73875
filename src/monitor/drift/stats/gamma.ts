/**
 * Gamma, log-gamma, beta and binomial coefficients as SciPy 1.10 computes them (ports of
 * cephes `Gamma`, `lgam`, `beta` and of `scipy.special.binom`), so that the exact
 * Kolmogorov–Smirnov path counts round exactly where SciPy's do.
 */

/** Largest x for which Gamma(x) is finite in float64 (cephes MAXGAM). */
export const MAXGAM = 171.6243769563027;
/** log(DBL_MAX) (cephes MAXLOG). */
export const MAXLOG = 709.782712893384;
/** log(2**-1075), the log below which exp() underflows to 0 (cephes MINLOG with denormals). */
export const MINLOG = -745.1332191019412;

const LOGPI = 1.1447298858494002;
const LS2PI = 0.9189385332046728;
const SQTPI = 2.5066282746310007;
const MAXSTIR = 143.01608;
const MAXLGM = 2.556348e305;

const GP = [
  0.00016011952247675185, 0.0011913514700658638, 0.010421379756176158, 0.04763678004571372,
  0.20744822764843598, 0.4942148268014971, 1,
];
const GQ = [
  -0.000023158187332412014, 0.0005396055804933034, -0.004456419138517973, 0.011813978522206043,
  0.035823639860549865, -0.23459179571824335, 0.0714304917030273, 1,
];
const STIR = [
  0.0007873113957930937, -0.00022954996161337813, -0.0026813261780578124, 0.0034722222160545866,
  0.08333333333334822,
];
const LA = [
  0.0008116141674705085, -0.0005950619042843014, 0.0007936503404577169, -0.002777777777300997,
  0.08333333333333319,
];
const LB = [
  -1378.2515256912086, -38801.631513463784, -331612.9927388712, -1162370.974927623, -1721737.0082083966,
  -853555.6642457654,
];
const LC = [
  -351.81570143652345, -17064.210665188115, -220528.59055385445, -1139334.4436798252, -2532523.0717758294,
  -2018891.4143353277,
];

/** Evaluates the polynomial with coefficients `coef` (highest degree first) at x (cephes polevl). */
export function polevl(x: number, coef: readonly number[]): number {
  let ans = coef[0]!;
  for (let i = 1; i < coef.length; i++) ans = ans * x + coef[i]!;
  return ans;
}

/** Like `polevl` with an implicit leading coefficient of 1 (cephes p1evl). */
export function p1evl(x: number, coef: readonly number[]): number {
  let ans = x + coef[0]!;
  for (let i = 1; i < coef.length; i++) ans = ans * x + coef[i]!;
  return ans;
}

function stirf(x: number): number {
  if (x >= MAXGAM) return Number.POSITIVE_INFINITY;
  let w = 1.0 / x;
  w = 1.0 + w * polevl(w, STIR);
  let y = Math.exp(x);
  if (x > MAXSTIR) {
    const v = x ** (0.5 * x - 0.25);
    y = v * (v / y);
  } else {
    y = x ** (x - 0.5) / y;
  }
  return SQTPI * y * w;
}

/** The Gamma function (cephes `Gamma`); poles return +Infinity. */
export function gammaFn(x: number): number {
  if (!Number.isFinite(x)) return x;
  let q = Math.abs(x);
  let sgngam = 1;
  if (q > 33.0) {
    if (x >= 0) return stirf(x);
    let p = Math.floor(q);
    if (p === q) return Number.POSITIVE_INFINITY;
    if ((p & 1) === 0) sgngam = -1;
    let z = q - p;
    if (z > 0.5) {
      p += 1.0;
      z = q - p;
    }
    z = q * Math.sin(Math.PI * z);
    if (z === 0) return sgngam * Number.POSITIVE_INFINITY;
    return sgngam * (Math.PI / (Math.abs(z) * stirf(q)));
  }
  let z = 1.0;
  while (x >= 3.0) {
    x -= 1.0;
    z *= x;
  }
  while (x < 0.0) {
    if (x > -1e-9) return small(x, z);
    z /= x;
    x += 1.0;
  }
  while (x < 2.0) {
    if (x < 1e-9) return small(x, z);
    z /= x;
    x += 1.0;
  }
  if (x === 2.0) return z;
  x -= 2.0;
  q = polevl(x, GQ);
  return (z * polevl(x, GP)) / q;
}

function small(x: number, z: number): number {
  if (x === 0) return Number.POSITIVE_INFINITY;
  return z / ((1.0 + 0.5772156649015329 * x) * x);
}

/** log|Gamma(x)| (cephes `lgam`) and the sign of Gamma(x). */
export function lgamSign(x: number): { value: number; sign: number } {
  if (!Number.isFinite(x)) return { value: x, sign: 1 };
  if (x < -34.0) {
    const q = -x;
    const w = lgamSign(q).value;
    let p = Math.floor(q);
    if (p === q) return { value: Number.POSITIVE_INFINITY, sign: 1 };
    const sign = (p & 1) === 0 ? -1 : 1;
    let z = q - p;
    if (z > 0.5) {
      p += 1.0;
      z = p - q;
    }
    z = q * Math.sin(Math.PI * z);
    if (z === 0) return { value: Number.POSITIVE_INFINITY, sign };
    return { value: LOGPI - Math.log(z) - w, sign };
  }
  if (x < 13.0) {
    let z = 1.0;
    let p = 0.0;
    let u = x;
    while (u >= 3.0) {
      p -= 1.0;
      u = x + p;
      z *= u;
    }
    while (u < 2.0) {
      if (u === 0) return { value: Number.POSITIVE_INFINITY, sign: 1 };
      z /= u;
      p += 1.0;
      u = x + p;
    }
    let sign = 1;
    if (z < 0) {
      sign = -1;
      z = -z;
    }
    if (u === 2.0) return { value: Math.log(z), sign };
    p -= 2.0;
    const xx = x + p;
    return { value: Math.log(z) + (xx * polevl(xx, LB)) / p1evl(xx, LC), sign };
  }
  if (x > MAXLGM) return { value: Number.POSITIVE_INFINITY, sign: 1 };
  let q = (x - 0.5) * Math.log(x) - x + LS2PI;
  if (x > 1.0e8) return { value: q, sign: 1 };
  const p = 1.0 / (x * x);
  if (x >= 1000.0) {
    q += ((0.0007936507936507937 * p - 0.002777777777777778) * p + 0.08333333333333333) / x;
  } else {
    q += polevl(p, LA) / x;
  }
  return { value: q, sign: 1 };
}

/** log|Gamma(x)| (cephes `lgam`). */
export function lgam(x: number): number {
  return lgamSign(x).value;
}

function lbetaAsymp(a: number, b: number): { value: number; sign: number } {
  const g = lgamSign(b);
  let r = g.value;
  r -= b * Math.log(a);
  r += (b * (1 - b)) / (2 * a);
  r += (b * (1 - b) * (1 - 2 * b)) / (12 * a * a);
  r += -(b * b * (1 - b) * (1 - b)) / (12 * a * a * a);
  return { value: r, sign: g.sign };
}

function betaNegint(a: number, b: number): number {
  if (b === Math.trunc(b) && 1 - a - b > 0) {
    const sgn = Math.trunc(b) % 2 === 0 ? 1 : -1;
    return sgn * beta(1 - a - b, b);
  }
  return Number.POSITIVE_INFINITY;
}

/** The beta function B(a, b) (cephes `beta`); overflow returns ±Infinity, underflow 0. */
export function beta(a: number, b: number): number {
  if (a <= 0.0 && a === Math.floor(a)) return betaNegint(a, b);
  if (b <= 0.0 && b === Math.floor(b)) return betaNegint(b, a);
  if (Math.abs(a) < Math.abs(b)) [a, b] = [b, a];
  if (Math.abs(a) > 1e6 * Math.abs(b) && a > 1e6) {
    const r = lbetaAsymp(a, b);
    return r.sign * Math.exp(r.value);
  }
  let y = a + b;
  if (Math.abs(y) > MAXGAM || Math.abs(a) > MAXGAM || Math.abs(b) > MAXGAM) {
    const gy = lgamSign(y);
    const gb = lgamSign(b);
    const ga = lgamSign(a);
    const sign = gy.sign * gb.sign * ga.sign;
    y = ga.value + (gb.value - gy.value);
    if (y > MAXLOG) return sign * Number.POSITIVE_INFINITY;
    return sign * Math.exp(y);
  }
  y = gammaFn(y);
  const ga = gammaFn(a);
  const gb = gammaFn(b);
  if (y === 0) return Number.POSITIVE_INFINITY;
  if (Math.abs(Math.abs(ga) - Math.abs(y)) > Math.abs(Math.abs(gb) - Math.abs(y))) return (gb / y) * ga;
  return (ga / y) * gb;
}

/** log|B(a, b)| (cephes `lbeta`). */
export function lbeta(a: number, b: number): number {
  if (Math.abs(a) < Math.abs(b)) [a, b] = [b, a];
  if (Math.abs(a) > 1e6 * Math.abs(b) && a > 1e6) return lbetaAsymp(a, b).value;
  const y = a + b;
  if (Math.abs(y) > MAXGAM || Math.abs(a) > MAXGAM || Math.abs(b) > MAXGAM) {
    return lgam(a) + (lgam(b) - lgam(y));
  }
  return Math.log(Math.abs(beta(a, b)));
}

/**
 * The binomial coefficient C(n, k) for real n, k exactly as `scipy.special.binom` (SciPy 1.10):
 * a product for integer k < 20, else 1/(n+1)/B(1+n-k, 1+k). Returns +Infinity when the
 * result overflows float64 (SciPy's beta underflows to 0 there).
 */
export function binom(n: number, k: number): number {
  if (n < 0 && n === Math.floor(n)) return Number.NaN;
  let kx = Math.floor(k);
  if (k === kx && (Math.abs(n) > 1e-8 || n === 0)) {
    const nx = Math.floor(n);
    if (nx === n && kx > nx / 2 && nx > 0) kx = nx - kx;
    if (kx >= 0 && kx < 20) {
      let num = 1.0;
      let den = 1.0;
      for (let i = 1; i < 1 + kx; i++) {
        num *= i + n - kx;
        den *= i;
        if (Math.abs(num) > 1e50) {
          num /= den;
          den = 1.0;
        }
      }
      return num / den;
    }
  }
  if (n >= 1e10 * k && k > 0) return Math.exp(-lbeta(1 + n - k, 1 + k) - Math.log(n + 1));
  if (k > 1e8 * Math.abs(n)) {
    // Only reached for tiny |n| relative to k; never by the KS path counts.
    let num = gammaFn(1 + n) / Math.abs(k) + (gammaFn(1 + n) * n) / (2 * k ** 2);
    num /= Math.PI * Math.abs(k) ** n;
    if (k > 0) {
      kx = Math.floor(k);
      const dk = k - kx;
      const sgn = kx % 2 === 0 ? 1 : -1;
      return num * Math.sin((dk - n) * Math.PI) * sgn;
    }
    kx = Math.floor(k);
    return kx === k ? 0 : num * Math.sin(k * Math.PI);
  }
  return 1 / (n + 1) / beta(1 + n - k, 1 + k);
}

/**
 * The error function and the standard normal CDF in log space, ported from FreeBSD/fdlibm
 * `s_erf.c` (as glibc and Optuna 3.1 use them), so TPE's kernels match Optuna's to rounding.
 */

const erx = 0.8450629115104675;
const efx = 0.1283791670955126;
const pp = [
  0.12837916709551256, -0.3250421072470015, -0.02848174957559851, -0.005770270296489442,
  -0.000023763016656650163,
] as const;
const qq = [
  0.39791722395915535, 0.0650222499887673, 0.005081306281875766, 0.00013249473800432164,
  -0.000003960228278775368,
] as const;
const pa = [
  -0.0023621185607526594, 0.41485611868374833, -0.3722078760357013, 0.31834661990116175, -0.11089469428239668,
  0.035478304325618236, -0.002166375594868791,
] as const;
const qa = [
  0.10642088040084423, 0.540397917702171, 0.07182865441419627, 0.12617121980876164, 0.01363708391202905,
  0.011984499846799107,
] as const;
const ra = [
  -0.009864944034847148, -0.6938585727071818, -10.558626225323291, -62.375332450326006, -162.39666946257347,
  -184.60509290671104, -81.2874355063066, -9.814329344169145,
] as const;
const sa = [
  19.651271667439257, 137.65775414351904, 434.56587747522923, 645.3872717332679, 429.00814002756783,
  108.63500554177944, 6.570249770319282, -0.0604244152148581,
] as const;
const rb = [
  -0.0098649429247001, -0.799283237680523, -17.757954917754752, -160.63638485582192, -637.5664433683896,
  -1025.0951316110772, -483.5191916086514,
] as const;
const sb = [
  30.33806074348246, 325.7925129965739, 1536.729586084437, 3199.8582195085955, 2553.0504064331644,
  474.52854120695537, -22.44095244658582,
] as const;

const SQRT1_2 = 1 / 2 ** 0.5;
const LOG_2PI_HALF = 0.5 * Math.log(2 * Math.PI);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** `x` with the low 32 bits of its IEEE-754 representation cleared (fdlibm's SET_LOW_WORD(z, 0)). */
function clearLowWord(x: number): number {
  f64[0] = x;
  u32[0] = 0;
  return f64[0];
}

function smallRatio(z: number): number {
  const r = pp[0] + z * (pp[1] + z * (pp[2] + z * (pp[3] + z * pp[4])));
  const s = 1 + z * (qq[0] + z * (qq[1] + z * (qq[2] + z * (qq[3] + z * qq[4]))));
  return r / s;
}

function midRatio(s: number): { p: number; q: number } {
  const p = pa[0] + s * (pa[1] + s * (pa[2] + s * (pa[3] + s * (pa[4] + s * (pa[5] + s * pa[6])))));
  const q = 1 + s * (qa[0] + s * (qa[1] + s * (qa[2] + s * (qa[3] + s * (qa[4] + s * qa[5])))));
  return { p, q };
}

/** R/S of the tail expansion for |x| ≥ 1.25 (`ax` = |x|; `near` picks the [1.25, 1/0.35) set). */
function tailRatio(ax: number, near: boolean): number {
  const s = 1 / (ax * ax);
  if (near) {
    const r =
      ra[0] + s * (ra[1] + s * (ra[2] + s * (ra[3] + s * (ra[4] + s * (ra[5] + s * (ra[6] + s * ra[7]))))));
    const d =
      1 +
      s *
        (sa[0] +
          s * (sa[1] + s * (sa[2] + s * (sa[3] + s * (sa[4] + s * (sa[5] + s * (sa[6] + s * sa[7])))))));
    return r / d;
  }
  const r = rb[0] + s * (rb[1] + s * (rb[2] + s * (rb[3] + s * (rb[4] + s * (rb[5] + s * rb[6])))));
  const d = 1 + s * (sb[0] + s * (sb[1] + s * (sb[2] + s * (sb[3] + s * (sb[4] + s * (sb[5] + s * sb[6]))))));
  return r / d;
}

/** erfc(|x|)·|x| scaled tail term exp(-x²-0.5625+R/S) as fdlibm computes it (with the split of x²). */
function tailExp(ax: number, near: boolean): number {
  const z = clearLowWord(ax);
  return Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + tailRatio(ax, near));
}

/** The error function (fdlibm `erf`). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + efx * x;
    return x + x * smallRatio(x * x);
  }
  if (ax < 1.25) {
    const { p, q } = midRatio(ax - 1);
    return x >= 0 ? erx + p / q : -erx - p / q;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const r = tailExp(ax, ax < 1 / 0.35);
  return x >= 0 ? 1 - r / ax : r / ax - 1;
}

/** The complementary error function 1 − erf(x), accurate in the right tail (fdlibm `erfc`). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const y = smallRatio(x * x);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const { p, q } = midRatio(ax - 1);
    return x >= 0 ? 1 - erx - p / q : 1 + (erx + p / q);
  }
  if (ax < 28) {
    if (x < 0 && ax >= 6) return 2;
    const r = tailExp(ax, ax < 2.857142857142857);
    return x > 0 ? r / ax : 2 - r / ax;
  }
  return x > 0 ? 0 : 2;
}

/**
 * The error function exactly as Optuna 3.1's vectorised `_erf.erf` computes it (fdlibm without the
 * SET_LOW_WORD split of x²); used where Optuna uses it (`_ndtr`), so results agree to the last bit.
 */
export function erfOptuna(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + efx * x;
    return x + x * smallRatio(x * x);
  }
  if (ax < 1.25) {
    const { p, q } = midRatio(ax - 1);
    return Math.sign(x) * (erx + p / q);
  }
  if (ax >= 6) return Math.sign(x);
  const r = Math.exp(-ax * ax - 0.5625) * Math.exp(tailRatio(ax, ax < 1 / 0.35));
  return Math.sign(x) * (1 - r / ax);
}

/** Standard normal CDF Φ(a) as Optuna's vectorised `_ndtr`: 0.5 + 0.5·erf(a/√2). */
export function ndtr(a: number): number {
  return 0.5 + 0.5 * erfOptuna(a / 2 ** 0.5);
}

/** Standard normal CDF Φ(a), choosing erf or erfc for accuracy in both tails (Optuna's `_ndtr_single`). */
export function ndtrAccurate(a: number): number {
  const x = a / 2 ** 0.5;
  if (x < -SQRT1_2) return 0.5 * erfc(-x);
  if (x < SQRT1_2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** log Φ(a), accurate far into both tails (Optuna's `_log_ndtr_single`; asymptotic series below −20). */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtrAccurate(-a);
  if (a > -20) return Math.log(ndtrAccurate(a));
  const logLhs = -0.5 * a * a - Math.log(-a) - LOG_2PI_HALF;
  let lastTotal = 0;
  let rhs = 1;
  let numerator = 1;
  let denomFactor = 1;
  const denomCons = 1 / (a * a);
  let sign = 1;
  let i = 0;
  while (Math.abs(lastTotal - rhs) > Number.EPSILON) {
    i += 1;
    lastTotal = rhs;
    sign = -sign;
    denomFactor *= denomCons;
    numerator *= 2 * i - 1;
    rhs += sign * numerator * denomFactor;
  }
  return logLhs + Math.log(rhs);
}

/**
 * The two-sample Kolmogorov–Smirnov test exactly as SciPy 1.10's `stats.ks_2samp`: statistic,
 * p-value, `statistic_location` and `statistic_sign`, methods auto/exact/asymp and the
 * one-sided alternatives, including SciPy's silent switch from exact to asymptotic.
 */
import { KeelError } from '../../../core/index.js';
import { kolmogorovSf } from './kolmogorov.js';
import { attemptExactKs, gcd } from './ks-exact.js';
import { sortedSample } from './sample.js';

/** Which alternative hypothesis: SciPy's 'two-sided', 'less' (F_ref < F_cur somewhere) or 'greater'. */
export type KsAlternative = 'two-sided' | 'less' | 'greater';
/** How the p-value is computed: exact when both samples have <= 10,000 values ('auto'), or forced. */
export type KsMethod = 'auto' | 'exact' | 'asymp';

/** Options of `ks2samp`. */
export interface KsOptions {
  /** Default 'two-sided'. */
  readonly alternative?: KsAlternative;
  /** Default 'auto' (exact when max(n1, n2) <= 10,000, asymptotic above). */
  readonly method?: KsMethod;
}

/** Result of a two-sample KS test, field for field SciPy's `KstestResult`. */
export interface KsResult {
  /** sup of F_ref - F_cur (or its negative / absolute value per alternative); h/lcm when exact. */
  readonly statistic: number;
  readonly pValue: number;
  /** The value (from the pooled sample) where the statistic is attained. */
  readonly statisticLocation: number;
  /** +1 when F_ref - F_cur is maximal there, -1 when minimal. */
  readonly statisticSign: 1 | -1;
  /** The method that produced the p-value. */
  readonly method: 'exact' | 'asymp';
  /** True when exact was tried and SciPy would warn "Exact calculation unsuccessful" (or lcm too big). */
  readonly exactFallback: boolean;
  readonly nReference: number;
  readonly nCurrent: number;
}

const MAX_AUTO_N = 10_000;
const INT32_MAX = 2 ** 31 - 1;

/** Largest and smallest F1 - F2 over the pooled sample, located as numpy's argmax/argmin would. */
interface Extremes {
  readonly maxS: number;
  readonly maxLoc: number;
  readonly minS: number;
  readonly minLoc: number;
}

function extremes(data1: Float64Array, data2: Float64Array): Extremes {
  const n1 = data1.length;
  const n2 = data2.length;
  // data_all = [sorted data1, sorted data2]; argmax takes the first index, so a value found in
  // data1 beats the same difference found only in data2, and smaller values beat larger ones.
  let max1 = Number.NEGATIVE_INFINITY;
  let loc1 = Number.NaN;
  let max2 = Number.NEGATIVE_INFINITY;
  let loc2 = Number.NaN;
  let min1 = Number.POSITIVE_INFINITY;
  let mloc1 = Number.NaN;
  let min2 = Number.POSITIVE_INFINITY;
  let mloc2 = Number.NaN;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const a = i < n1 ? data1[i]! : Number.POSITIVE_INFINITY;
    const b = j < n2 ? data2[j]! : Number.POSITIVE_INFINITY;
    const v = i < n1 && (j >= n2 || a <= b) ? a : b;
    const i0 = i;
    const j0 = j;
    while (i < n1 && data1[i]! <= v) i++;
    while (j < n2 && data2[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (i > i0) {
      if (diff > max1) [max1, loc1] = [diff, data1[i0]!];
      if (diff < min1) [min1, mloc1] = [diff, data1[i0]!];
    } else if (j > j0) {
      if (diff > max2) [max2, loc2] = [diff, data2[j0]!];
      if (diff < min2) [min2, mloc2] = [diff, data2[j0]!];
    }
  }
  const maxS = Math.max(max1, max2);
  const maxLoc = max1 >= max2 ? loc1 : loc2;
  const minRaw = Math.min(min1, min2);
  const minLoc = min1 <= min2 ? mloc1 : mloc2;
  return { maxS, maxLoc, minS: Math.min(Math.max(-minRaw, 0), 1), minLoc };
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** SciPy's asymptotic p-value: kstwo at round(en) two-sided, Hodges' eq. 5.3 one-sided. */
export function ksAsymptoticPValue(n1: number, n2: number, d: number, alternative: KsAlternative): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  if (alternative === 'two-sided') return kolmogorovSf(roundHalfEven(en), d);
  const z = Math.sqrt(en) * d;
  const expt = -2 * z ** 2 - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3.0;
  return Math.exp(expt);
}

/**
 * Two-sample KS test on samples already NaN-free and sorted ascending (see `sortedSample`);
 * the fast path used by drift reports. Throws `KEEL_INVALID_ARGUMENT` when a sample is empty.
 */
export function ks2sampSorted(data1: Float64Array, data2: Float64Array, options: KsOptions = {}): KsResult {
  const alternative = options.alternative ?? 'two-sided';
  let mode: KsMethod = options.method ?? 'auto';
  const n1 = data1.length;
  const n2 = data2.length;
  if (n1 === 0 || n2 === 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `The KS test needs at least one non-missing value on each side; got ${n1} reference and ${n2} current values.`,
      { details: { nReference: n1, nCurrent: n2 } },
    );
  }
  const ex = extremes(data1, data2);
  let d: number;
  let location: number;
  let sign: 1 | -1;
  if (alternative === 'less' || (alternative === 'two-sided' && ex.minS > ex.maxS)) {
    [d, location, sign] = [ex.minS, ex.minLoc, -1];
  } else {
    [d, location, sign] = [ex.maxS, ex.maxLoc, 1];
  }
  const g = gcd(n1, n2);
  let exactFallback = false;
  if (mode === 'auto') mode = Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp';
  else if (mode === 'exact' && Math.floor(n1 / g) >= INT32_MAX / Math.floor(n2 / g)) {
    mode = 'asymp';
    exactFallback = true;
  }
  let prob = Number.NEGATIVE_INFINITY;
  if (mode === 'exact') {
    const attempt = attemptExactKs(n1, n2, d, alternative);
    d = attempt.d;
    prob = attempt.pValue;
    if (!attempt.ok) {
      mode = 'asymp';
      exactFallback = true;
    }
  }
  if (mode === 'asymp') prob = ksAsymptoticPValue(n1, n2, d, alternative);
  const pValue = Math.min(Math.max(prob, 0), 1);
  return {
    statistic: d,
    pValue,
    statisticLocation: location,
    statisticSign: sign,
    method: mode,
    exactFallback,
    nReference: n1,
    nCurrent: n2,
  };
}

/**
 * Two-sample Kolmogorov–Smirnov test of `reference` against `current` (SciPy 1.10 `ks_2samp`);
 * NaNs are dropped first. Throws `KEEL_INVALID_ARGUMENT` when a side has no values.
 */
export function ks2samp(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: KsOptions = {},
): KsResult {
  return ks2sampSorted(sortedSample(reference).values, sortedSample(current).values, options);
}

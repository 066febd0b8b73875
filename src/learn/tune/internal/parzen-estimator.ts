import { pairwiseSum } from '../../metrics/internal/numeric.js';
import type { ResolvedParam } from '../param.js';
import { argsortQuick, openblasColumnDot, roundHalfEven } from './numpy-compat.js';
import type { RandomState } from './random-state.js';
import { logGaussMass, NORM_LOG_C, truncnormPpf } from './truncnorm.js';

/**
 * Optuna 3.1's `_ParzenEstimator`: a weighted mixture with one kernel per observation plus a prior
 * kernel. Floats and ints get truncated-normal kernels on the transformed (log) scale, discretised
 * for steps; categoricals get a categorical kernel smoothed by the prior. Univariate bandwidths come
 * from neighbour distances, multivariate ones from Scott's rule (0.2·n^(−1/(d+4))·range).
 */

/** Options of the estimator (TPE's defaults: prior weight 1, magic clip on, endpoints off). */
export interface ParzenOptions {
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
}

interface NumericKernels {
  readonly kind: 'numeric';
  /** Bounds on the transformed scale (log for log params, widened by step/2 for discrete ones). */
  readonly low: number;
  readonly high: number;
  /** Step on the transformed scale, null for continuous kernels. */
  readonly q: number | null;
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  /** Standardised bounds (low − μ)/σ and (high − μ)/σ of each kernel. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  /** log mass of each kernel inside [low, high]. */
  readonly logMass: Float64Array;
}

interface CategoricalKernels {
  readonly kind: 'categorical';
  readonly nChoices: number;
  /** Row-major (kernels × choices) probabilities. */
  readonly probs: Float64Array;
}

type Kernels = NumericKernels | CategoricalKernels;

const SIGMA0_MAGNITUDE = 0.2;
const EPS = 1e-12;

/** Optuna's default weights: 1 for up to 25 observations, else a ramp from 1/n over the oldest n − 25. */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n < 25) return w;
  const num = n - 25;
  const start = 1 / n;
  if (num === 1) w[0] = start;
  else if (num > 1) {
    const step = (1 - start) / (num - 1);
    for (let i = 0; i < num; i++) w[i] = i * step + start;
    w[num - 1] = 1;
  }
  return w;
}

/** Parzen bounds and step of a parameter on the transformed scale. */
function parzenBounds(p: ResolvedParam): { low: number; high: number; q: number | null } {
  if (p.kind === 'float') {
    if (p.log) return { low: Math.log(p.low), high: Math.log(p.high), q: null };
    if (p.step !== null) return { low: p.low - 0.5 * p.step, high: p.high + 0.5 * p.step, q: p.step };
    return { low: p.low, high: p.high, q: null };
  }
  if (p.log) return { low: Math.log(p.low - 0.5), high: Math.log(p.high + 0.5), q: null };
  const q = p.step!;
  return { low: p.low - 0.5 * q, high: p.high + 0.5 * q, q };
}

/** The internal value of `x` on the estimator's scale (log for log parameters). */
function toUniform(p: ResolvedParam, x: number): number {
  return p.kind !== 'categorical' && p.log ? Math.log(x) : x;
}

/** Maps a sample on the estimator's scale back to a parameter's internal value (rounded and clipped). */
function fromUniform(p: ResolvedParam, s: number, q: number | null): number {
  if (p.kind === 'categorical') return s;
  if (p.kind === 'float') {
    if (p.log) return Math.exp(s);
    if (p.step === null) return s;
    return Math.min(Math.max(roundHalfEven((s - p.low) / q!) * q! + p.low, p.low), p.high);
  }
  if (p.log) return Math.min(Math.max(roundHalfEven(Math.exp(s)), p.low), p.high);
  return Math.min(Math.max(roundHalfEven((s - p.low) / q!) * q! + p.low, p.low), p.high);
}

/** One Parzen estimator (l(x) or g(x)) over one parameter or, multivariate, several jointly. */
export class ParzenEstimator {
  /** Mixture weights of the n observation kernels and the prior kernel (last), summing to 1. */
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly kernels: readonly Kernels[];

  /**
   * @param params the parameters modelled jointly (one for univariate TPE)
   * @param observations per parameter, the internal values of the n observations (same n for all)
   */
  constructor(
    private readonly params: readonly ResolvedParam[],
    observations: readonly Float64Array[],
    options: ParzenOptions,
  ) {
    const n = observations[0]?.length ?? 0;
    const w = defaultWeights(n);
    const weights = new Float64Array(n + 1);
    weights.set(w);
    weights[n] = options.priorWeight;
    const total = pairwiseSum(weights);
    for (let i = 0; i <= n; i++) weights[i] = weights[i]! / total;
    this.weights = weights;
    this.logWeights = weights.map(Math.log);
    const sigma0 = options.multivariate
      ? SIGMA0_MAGNITUDE * Math.max(n, 1) ** (-1 / (params.length + 4))
      : null;
    this.kernels = params.map((p, i) =>
      p.kind === 'categorical'
        ? categoricalKernels(p.choices.length, observations[i]!, options.priorWeight)
        : numericKernels(
            p,
            observations[i]!.map((x) => toUniform(p, x)),
            options,
            sigma0,
          ),
    );
  }

  /** Draws `size` points (per parameter, internal values) from the mixture, consuming `rng` as Optuna. */
  sample(rng: RandomState, size: number): Float64Array[] {
    const active = rng.choice(this.weights, size);
    return this.params.map((p, i) => {
      const k = this.kernels[i]!;
      const out = new Float64Array(size);
      if (k.kind === 'categorical') {
        const u = new Float64Array(size);
        for (let j = 0; j < size; j++) u[j] = rng.randomSample();
        for (let j = 0; j < size; j++) {
          const row = active[j]! * k.nChoices;
          let cum = 0;
          let count = 0;
          for (let c = 0; c < k.nChoices; c++) if ((cum += k.probs[row + c]!) < u[j]!) count++;
          out[j] = count;
        }
        return out;
      }
      const u = new Float64Array(size);
      for (let j = 0; j < size; j++) u[j] = rng.uniform(0, 1);
      for (let j = 0; j < size; j++) {
        const a = active[j]!;
        const mu = k.mus[a]!;
        const sigma = k.sigmas[a]!;
        const lo = (k.low - mu) / sigma;
        const hi = (k.high - mu) / sigma;
        out[j] = fromUniform(p, truncnormPpf(u[j]!, lo, hi, k.logMass[a]!) * sigma + mu, k.q);
      }
      return out;
    });
  }

  /** log density of the mixture at each point (`samples` per parameter, internal values). */
  logPdf(samples: readonly Float64Array[]): Float64Array {
    const size = samples[0]?.length ?? 0;
    const nk = this.weights.length;
    if (this.params.length === 1 && this.kernels[0]!.kind === 'categorical') {
      return this.categoricalOnlyLogPdf(this.kernels[0]!, samples[0]!);
    }
    const comp = new Float64Array(size * nk);
    for (let i = 0; i < this.params.length; i++) {
      const k = this.kernels[i]!;
      const xs = samples[i]!.map((x) => toUniform(this.params[i]!, x));
      if (k.kind === 'categorical') addCategoricalLogPdf(comp, k, xs, nk);
      else if (k.q === null) addContinuousLogPdf(comp, k, xs, nk);
      else addDiscreteLogPdf(comp, k, xs, nk);
    }
    const out = new Float64Array(size);
    const tmp = new Float64Array(nk);
    const logWeights = this.logWeights;
    for (let j = 0; j < size; j++) {
      const row = j * nk;
      let max = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < nk; m++) {
        const v = comp[row + m]! + logWeights[m]!;
        comp[row + m] = v;
        if (v > max) max = v;
        else if (Number.isNaN(v)) {
          max = v; // np.max propagates NaN
          break;
        }
      }
      for (let m = 0; m < nk; m++) {
        const d = comp[row + m]! - max;
        // exp underflows to exactly 0 below −745.13; skipping the call changes nothing.
        tmp[m] = d < -746 ? 0 : Math.exp(d);
      }
      out[j] = Math.log(pairwiseSum(tmp)) + max;
    }
    return out;
  }

  private categoricalOnlyLogPdf(k: CategoricalKernels, xs: Float64Array): Float64Array {
    const mix = new Float64Array(k.nChoices);
    for (let c = 0; c < k.nChoices; c++)
      mix[c] = Math.log(openblasColumnDot(k.probs, this.weights, k.nChoices, c));
    return xs.map((x) => mix[x]!);
  }
}

/** Adds each categorical kernel's log probability of each sample to `comp` (samples × kernels). */
function addCategoricalLogPdf(comp: Float64Array, k: CategoricalKernels, xs: Float64Array, nk: number): void {
  const { probs, nChoices } = k;
  for (let j = 0; j < xs.length; j++) {
    const row = j * nk;
    const x = xs[j]!;
    for (let m = 0; m < nk; m++) comp[row + m] = comp[row + m]! + Math.log(probs[m * nChoices + x]!);
  }
}

/**
 * Adds Optuna 3.1's truncated-normal log-density of each sample under each kernel to `comp`:
 * log φ(z) − log mass, −∞ outside [a, b], without the −log σ term (as 3.1; see docs/tuning.md).
 */
function addContinuousLogPdf(comp: Float64Array, k: NumericKernels, xs: Float64Array, nk: number): void {
  const { mus, sigmas, a, b, logMass } = k;
  for (let j = 0; j < xs.length; j++) {
    const row = j * nk;
    const x = xs[j]!;
    for (let m = 0; m < nk; m++) {
      const z = (x - mus[m]!) / sigmas[m]!;
      const lp = z < a[m]! || b[m]! < z ? Number.NEGATIVE_INFINITY : -(z * z) / 2 - NORM_LOG_C - logMass[m]!;
      comp[row + m] = comp[row + m]! + lp;
    }
  }
}

/** Adds each discretised kernel's log mass over [x − q/2, x + q/2] (relative to its mass in bounds). */
function addDiscreteLogPdf(comp: Float64Array, k: NumericKernels, xs: Float64Array, nk: number): void {
  const { mus, sigmas, logMass, low, high } = k;
  const q = k.q!;
  for (let j = 0; j < xs.length; j++) {
    const row = j * nk;
    const ub = Math.min(xs[j]! + q / 2, high);
    const lb = Math.max(xs[j]! - q / 2, low);
    for (let m = 0; m < nk; m++) {
      const mu = mus[m]!;
      const sigma = sigmas[m]!;
      comp[row + m] = comp[row + m]! + (logGaussMass((lb - mu) / sigma, (ub - mu) / sigma) - logMass[m]!);
    }
  }
}

function categoricalKernels(nChoices: number, obs: Float64Array, priorWeight: number): CategoricalKernels {
  const n = obs.length;
  const probs = new Float64Array((n + 1) * nChoices).fill(priorWeight / (n + 1));
  for (let i = 0; i < n; i++) probs[i * nChoices + obs[i]!] = probs[i * nChoices + obs[i]!]! + 1;
  for (let r = 0; r <= n; r++) {
    const s = pairwiseSum(probs, r * nChoices, (r + 1) * nChoices);
    for (let c = 0; c < nChoices; c++) probs[r * nChoices + c] = probs[r * nChoices + c]! / s;
  }
  return { kind: 'categorical', nChoices, probs };
}

function numericKernels(
  p: ResolvedParam,
  obs: Float64Array,
  o: ParzenOptions,
  sigma0: number | null,
): NumericKernels {
  const { low, high, q } = parzenBounds(p);
  const n = obs.length;
  const mus = new Float64Array(n + 1);
  mus.set(obs);
  mus[n] = 0.5 * (low + high);
  const sigmas = new Float64Array(n + 1);
  if (sigma0 !== null) sigmas.fill(sigma0 * (high - low));
  else neighbourSigmas(mus, low, high, o.considerEndpoints, sigmas);
  const maxSigma = 1.0 * (high - low);
  const minSigma = o.considerMagicClip ? (1.0 * (high - low)) / Math.min(100.0, 1.0 + mus.length) : EPS;
  for (let i = 0; i <= n; i++) sigmas[i] = Math.min(Math.max(sigmas[i]!, minSigma), maxSigma);
  sigmas[n] = 1.0 * (high - low);
  const a = new Float64Array(n + 1);
  const b = new Float64Array(n + 1);
  const logMass = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    a[i] = (low - mus[i]!) / sigmas[i]!;
    b[i] = (high - mus[i]!) / sigmas[i]!;
    logMass[i] = logGaussMass(a[i]!, b[i]!);
  }
  return { kind: 'numeric', low, high, q, mus, sigmas, a, b, logMass };
}

/** Univariate bandwidths: each kernel's σ is the larger gap to its sorted neighbours (bounds as ends). */
function neighbourSigmas(
  mus: Float64Array,
  low: number,
  high: number,
  considerEndpoints: boolean,
  out: Float64Array,
): void {
  const m = mus.length;
  const order = argsortQuick(mus);
  const ends = new Float64Array(m + 2);
  ends[0] = low;
  for (let i = 0; i < m; i++) ends[i + 1] = mus[order[i]!]!;
  ends[m + 1] = high;
  const sorted = new Float64Array(m);
  for (let i = 0; i < m; i++) sorted[i] = Math.max(ends[i + 1]! - ends[i]!, ends[i + 2]! - ends[i + 1]!);
  if (!considerEndpoints && ends.length >= 4) {
    sorted[0] = ends[2]! - ends[1]!;
    sorted[m - 1] = ends[m]! - ends[m - 1]!;
  }
  for (let i = 0; i < m; i++) out[order[i]!] = sorted[i]!;
}

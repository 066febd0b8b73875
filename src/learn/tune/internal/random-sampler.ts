import type { ResolvedParam } from '../param.js';
import type { ParamValue } from '../space-spec.js';
import { roundHalfEven } from './numpy-compat.js';
import { RandomState } from './random-state.js';
import type { SamplerImpl, SamplerStateData } from './sampler-impl.js';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The largest double below `x` (x > 0 or x ≤ 0 alike), as `numpy.nextafter(x, x - 1)`. */
function nextBelow(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! - 1n : u64[0]! + 1n;
  return f64[0];
}

/**
 * One value drawn uniformly on the parameter's transformed scale, exactly as Optuna 3.1's
 * RandomSampler does (one `uniform` per bound, categoricals as the argmax of one draw per choice).
 */
export function sampleUniform(rng: RandomState, p: ResolvedParam): ParamValue {
  if (p.kind === 'categorical') {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < p.choices.length; c++) {
      const u = rng.uniform(0, 1);
      if (u > bestValue) {
        best = c;
        bestValue = u;
      }
    }
    return p.choices[best] ?? null;
  }
  const half = p.step === null ? 0 : 0.5 * p.step;
  if (p.kind === 'float') {
    if (p.log) return Math.min(Math.exp(rng.uniform(Math.log(p.low), Math.log(p.high))), nextBelow(p.high));
    if (p.step === null) return Math.min(rng.uniform(p.low, p.high), nextBelow(p.high));
    const x = rng.uniform(p.low - half, p.high + half);
    return Math.min(Math.max(roundHalfEven((x - p.low) / p.step) * p.step + p.low, p.low), p.high);
  }
  if (p.log) {
    const x = rng.uniform(Math.log(p.low - half), Math.log(p.high + half));
    return Math.min(Math.max(roundHalfEven(Math.exp(x)), p.low), p.high);
  }
  const x = rng.uniform(p.low - half, p.high + half);
  return Math.min(Math.max(roundHalfEven((x - p.low) / p.step!) * p.step! + p.low, p.low), p.high);
}

/** Optuna's RandomSampler: independent uniform draws (log scale for log parameters). */
export class RandomSamplerImpl implements SamplerImpl {
  constructor(private readonly rng: RandomState) {}

  static create(seed: number, state: SamplerStateData | undefined): RandomSamplerImpl {
    return new RandomSamplerImpl(
      state?.random ? RandomState.fromData(state.random) : RandomState.fromSeed(seed),
    );
  }

  sampleRelative(): ReadonlyMap<string, ParamValue> {
    return new Map();
  }

  sampleIndependent(_ctx: unknown, param: ResolvedParam): ParamValue {
    return sampleUniform(this.rng, param);
  }

  isExhausted(): boolean {
    return false;
  }

  toState(): SamplerStateData {
    return { random: this.rng.toData() };
  }
}

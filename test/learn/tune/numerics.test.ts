import { describe, expect, it } from 'vitest';
import { pairwiseSum } from '../../../src/learn/metrics/internal/numeric.js';
import { argsortQuick, nanPercentile, roundHalfEven } from '../../../src/learn/tune/internal/numpy-compat.js';
import { RandomState } from '../../../src/learn/tune/internal/random-state.js';
import { logNdtr } from '../../../src/learn/tune/internal/special.js';
import {
  logGaussMass,
  ndtriExp,
  ndtriExpBisect,
  truncnormPpf,
} from '../../../src/learn/tune/internal/truncnorm.js';

// Reference values printed once by NumPy 1.24.2 / Optuna 3.1.0 (Debian 12):
//   np.random.RandomState(42).random_sample() ×3; r.random_sample(1000); r.choice(5, 8, p=[.1,.2,.3,.25,.15])
//   np.sum(...), np.argsort(v) (default introsort), optuna.samplers._tpe._truncnorm._log_ndtr_single, ppf, _log_gauss_mass.

describe('NumPy-compatible Mersenne Twister', () => {
  it('draws what numpy.random.RandomState draws for the same seed', () => {
    const r = RandomState.fromSeed(42);
    expect([r.randomSample(), r.randomSample(), r.randomSample()]).toEqual([
      0.3745401188473625, 0.9507143064099162, 0.7319939418114051,
    ]);
    for (let i = 0; i < 1000; i++) r.randomSample();
    expect(Array.from(r.choice(new Float64Array([0.1, 0.2, 0.3, 0.25, 0.15]), 8))).toEqual([
      3, 3, 3, 3, 3, 1, 2, 1,
    ]);
    expect(RandomState.fromSeed(2 ** 32 - 1).randomSample()).toBe(0.0976320289940138);
  });

  it('saves and restores its state mid-stream as plain data', () => {
    const r = RandomState.fromSeed(7);
    for (let i = 0; i < 700; i++) r.nextUint32();
    const data = JSON.parse(JSON.stringify(r.toData()));
    const copy = RandomState.fromData(data);
    expect(Array.from({ length: 1000 }, () => copy.randomSample())).toEqual(
      Array.from({ length: 1000 }, () => r.randomSample()),
    );
  });
});

describe('NumPy numerics Optuna relies on', () => {
  it('argsort reproduces numpy introsort order of ties', () => {
    const v = [3, 1, 2, 1, 3, 3, 1, 2, 0.5, 2, 1, 3, 3, 1, 2, 1, 0.5, 3, 2, 1, 1, 2, 3];
    expect(Array.from(argsortQuick(v))).toEqual([
      8, 16, 3, 20, 19, 6, 15, 10, 13, 1, 2, 7, 9, 21, 18, 14, 0, 11, 12, 5, 4, 17, 22,
    ]);
  });

  it('pairwise sum, round-half-even and percentile behave as NumPy', () => {
    // np.sum of these (8 accumulators, then the tail) prints 5.0, 7.0 and 8.001; a plain loop gives 6, 8, 9.001.
    expect(pairwiseSum([1e16, 1, -1e16, 1, 1, 1, 1, 1, 1])).toBe(5);
    expect(pairwiseSum([1e16, 1, -1e16, 1, 1, 1, 1, 1, 1, 1, 1])).toBe(7);
    expect(pairwiseSum([1, 1e16, 1, -1e16, 1, 1, 1, 1, 1, 1, 1, 1, 1e-3])).toBe(8.001);
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, 2]);
    expect(nanPercentile([4, Number.NaN, 1, 3, 2], 50)).toBe(2.5);
    expect(nanPercentile([1, 2, 3, 4], 25)).toBe(1.75);
    expect(Number.isNaN(nanPercentile([Number.NaN], 50))).toBe(true);
  });
});

describe('truncated normal as Optuna 3.1 computes it', () => {
  it('log Φ over both tails', () => {
    const cases: [number, number][] = [
      [-40, -804.6084420137538],
      [-25, -316.6394080080202],
      [-5, -15.064998393988724],
      [0, -Math.LN2],
      [2.5, -0.006229025485860027],
      [7, -1.279812543885835e-12],
      [12, -1.776482112077702e-33],
    ];
    for (const [x, y] of cases) expect(logNdtr(x)).toBeCloseTo(y, 12);
  });

  it('log mass of an interval and the truncated quantile', () => {
    const lgm: [number, number, number][] = [
      [-1, 2, -0.20016629432446262],
      [3, 4, -6.631467786538224],
      [-12, -10, -53.2312851507456],
      [-0.1, 0.1, -2.5300420015472382],
    ];
    for (const [a, b, v] of lgm) expect(logGaussMass(a, b)).toBeCloseTo(v, 12);
    const ppf: [number, number, number, number][] = [
      [0.3, -1, 2, -0.24240381788922694],
      [0.9, 0.5, 3, 1.8512240709778358],
      [0.01, -8, -6, -6.707985268734321],
      [0.99, 5, 9, 5.824364544501924],
    ];
    for (const [q, a, b, v] of ppf) expect(truncnormPpf(q, a, b, logGaussMass(a, b))).toBeCloseTo(v, 12);
    expect(Math.abs(truncnormPpf(0.5, -30, 30, logGaussMass(-30, 30)))).toBeLessThan(1e-15);
  });

  it('the Newton-guided bisection returns exactly what the full bisection returns', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const ys = Array.from({ length: 4000 }, () => -(10 ** (rnd() * 14 - 11)));
    ys.push(-1e-300, -1e-17, -Math.LN2, -745, -4000, -5004, -6000);
    for (const y of ys) expect(ndtriExp(y), `y=${y}`).toBe(ndtriExpBisect(y));
  });
});

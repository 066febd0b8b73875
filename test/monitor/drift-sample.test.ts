// Sorting and sample helpers behind the numeric drift statistics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileSorted, sortedSample } from '../../src/monitor/index.js';

describe('sortedSample', () => {
  it('sorts like the built-in sort (radix path: -0 before +0, infinities, subnormals) and drops NaN', () => {
    const special = fc.constantFrom(
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      5e-324,
      -5e-324,
      1,
      -1,
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double(), special, fc.integer({ min: -3, max: 3 })), {
          minLength: 1000,
          maxLength: 3000,
        }),
        (xs) => {
          const s = sortedSample(xs);
          const expected = Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort();
          expect(s.nanCount).toBe(xs.length - expected.length);
          expect(s.values.length).toBe(expected.length);
          for (let i = 0; i < expected.length; i++) expect(Object.is(s.values[i], expected[i])).toBe(true);
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });

  it('can drop infinities as missing', () => {
    const s = sortedSample([3, Number.POSITIVE_INFINITY, Number.NaN, -1, Number.NEGATIVE_INFINITY], true);
    expect(Array.from(s.values)).toEqual([-1, 3]);
    expect(s.nanCount).toBe(3);
  });
});

describe('quantileSorted (numpy linear)', () => {
  it('interpolates like numpy, including the two-sided lerp', () => {
    const xs = Float64Array.from([1, 2, 4, 8, 16]);
    expect(quantileSorted(xs, 0)).toBe(1);
    expect(quantileSorted(xs, 1)).toBe(16);
    expect(quantileSorted(xs, 0.5)).toBe(4);
    expect(quantileSorted(xs, 0.3)).toBeCloseTo(2.4, 14);
    expect(quantileSorted(xs, 0.9)).toBeCloseTo(12.8, 14);
    expect(quantileSorted(Float64Array.from([7]), 0.7)).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { summarize } from '../../src/data/index.js';

describe('summarize', () => {
  const frame = Frame.fromColumns([
    numberColumn('x', [4, null, 1, 0, 2, 2]),
    numberColumn('flag', [1, 0, 1, null, 1, 0], 'boolean'),
    numberColumn(
      't',
      [Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 1), null, Date.UTC(2024, 0, 3), null, null],
      'timestamp',
    ),
    categoricalColumn('c', ['b', 'a', 'b', null, 'c', 'a'], ['z', 'a', 'b', 'c']),
    textColumn('s', ['p', 'q', 'p', null, null, 'r']),
  ]);
  const summary = summarize(frame, { topLevels: 2 });

  it('computes numeric stats like pandas (sample std, linear quantiles)', () => {
    // pandas: pd.Series([4, None, 1, 0, 2, 2]).describe() → mean 1.8, std 1.48324, 25% 1, 50% 2, 75% 2.
    expect(summary.columns[0]).toEqual({
      name: 'x',
      type: 'numeric',
      nullable: true,
      count: 5,
      missing: 1,
      missingShare: 1 / 6,
      distinct: 4,
      mean: 1.8,
      std: expect.closeTo(Math.sqrt(8.8 / 4), 12),
      min: 0,
      p25: 1,
      median: 2,
      p75: 2,
      max: 4,
      zeros: 1,
    });
  });

  it('interpolates quantiles between order statistics', () => {
    const q = summarize(Frame.fromColumns([numberColumn('v', [1, 2, 3, 4])])).columns[0]!;
    expect([q.p25, q.median, q.p75]).toEqual([1.75, 2.5, 3.25]);
  });

  it('treats booleans as 0/1 numbers', () => {
    expect(summary.columns[1]).toMatchObject({ count: 5, distinct: 2, mean: 0.6, zeros: 2, min: 0, max: 1 });
  });

  it('gives timestamps their range and distinct count only', () => {
    expect(summary.columns[2]).toEqual({
      name: 't',
      type: 'timestamp',
      nullable: true,
      count: 3,
      missing: 3,
      missingShare: 0.5,
      distinct: 2,
      min: Date.UTC(2024, 0, 1),
      max: Date.UTC(2024, 0, 3),
    });
  });

  it('counts categorical levels actually used, most frequent first, ties by value', () => {
    expect(summary.columns[3]).toMatchObject({
      distinct: 3,
      top: [
        { value: 'a', count: 2 },
        { value: 'b', count: 2 },
      ],
    });
    expect(summary.columns[4]).toMatchObject({ type: 'text', distinct: 3, missing: 2 });
  });

  it('returns nulls for statistics an empty or single-value column cannot have', () => {
    const one = summarize(Frame.fromColumns([numberColumn('v', [null, 5])])).columns[0]!;
    expect(one).toMatchObject({ mean: 5, std: null, median: 5 });
    const none = summarize(Frame.fromColumns([numberColumn('v', [null])])).columns[0]!;
    expect(none).toMatchObject({ count: 0, mean: null, min: null, median: null });
  });
});

describe('summarize on larger columns', () => {
  it('matches a sort-based reference for quantiles and distinct counts', () => {
    let seed = 7;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (const make of [
      () => Math.floor(next() * 30),
      () => next() * 1000 - 500,
      () => (next() < 0.5 ? -0 : 0),
    ]) {
      const values = Float64Array.from({ length: 10_001 }, make);
      const sorted = Float64Array.from(values, (v) => v + 0).sort();
      const at = (q: number): number => {
        const pos = (sorted.length - 1) * q;
        const lo = Math.floor(pos);
        return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
      };
      const distinct = new Set(Array.from(sorted, (v) => (v === 0 ? 0 : v))).size;
      const s = summarize(Frame.fromColumns([numberColumn('v', values)])).columns[0]!;
      expect([s.p25, s.median, s.p75]).toEqual([at(0.25), at(0.5), at(0.75)]);
      expect(s.distinct).toBe(distinct);
      expect([s.min, s.max]).toEqual([sorted[0], sorted.at(-1)]);
    }
  });
});

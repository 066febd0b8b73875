import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, isKeelError, numberColumn } from '../../../src/core/index.js';
import {
  kFold,
  randomSplit,
  splitFrame,
  stratifiedKFold,
  stratifiedSplit,
  timeSplit,
} from '../../../src/learn/index.js';

const union = (...parts: Int32Array[]): number[] => parts.flatMap((p) => [...p]).sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const foldOfRow = (folds: { test: Int32Array }[], n: number): number[] => {
  const out = new Array<number>(n).fill(-1);
  folds.forEach((f, k) => {
    for (const i of f.test) out[i] = k;
  });
  return out;
};
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  return null;
};

describe('randomSplit', () => {
  it('partitions the rows with ceil-sized held-out parts, sorted, reproducibly by seed', () => {
    const s = randomSplit(101, { test: 0.2, validation: 0.1, seed: 7 });
    expect(s.test.length).toBe(21);
    expect(s.validation.length).toBe(11);
    expect(s.train.length).toBe(69);
    expect(union(s.train, s.validation, s.test)).toEqual(range(101));
    expect([...s.test]).toEqual([...s.test].sort((a, b) => a - b));
    expect(randomSplit(101, { test: 0.2, validation: 0.1, seed: 7 })).toEqual(s);
    expect([...randomSplit(101, { test: 0.2, seed: 8 }).test]).not.toEqual([...s.test]);
  });

  it('refuses fractions that leave no training rows', () => {
    expect(
      isKeelError(
        thrown(() => randomSplit(10, { test: 0.6, validation: 0.4 })),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isKeelError(
        thrown(() => randomSplit(10, { test: -0.1 })),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('stratifiedSplit', () => {
  it('keeps each class share in every part and the same part sizes as a random split', () => {
    const labels = Float64Array.from({ length: 200 }, (_, i) => (i % 10 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
    const s = stratifiedSplit(labels, { test: 0.25, validation: 0.1, seed: 3 });
    expect(s.test.length).toBe(50);
    expect(s.validation.length).toBe(20);
    expect(union(s.train, s.validation, s.test)).toEqual(range(200));
    const count = (idx: Int32Array, c: number) => [...idx].filter((i) => labels[i] === c).length;
    for (const c of [0, 1, 2]) {
      const total = count(Int32Array.from(range(200)), c);
      expect(Math.abs(count(s.test, c) - total * 0.25)).toBeLessThanOrEqual(1);
      expect(Math.abs(count(s.validation, c) - total * 0.1)).toBeLessThanOrEqual(1);
    }
  });
});

describe('timeSplit', () => {
  it('puts the earliest rows in train and the latest in test, in time order', () => {
    const t = [50, 10, 40, 20, 30, 60, 90, 70, 80, 100];
    const s = timeSplit(t, { test: 0.2, validation: 0.2 });
    expect([...s.train].map((i) => t[i])).toEqual([10, 20, 30, 40, 50, 60]);
    expect([...s.validation].map((i) => t[i])).toEqual([70, 80]);
    expect([...s.test].map((i) => t[i])).toEqual([90, 100]);
  });

  it('never splits rows that share a timestamp', () => {
    const t = [1, 2, 3, 3, 3, 3, 4, 5, 6, 7];
    const s = timeSplit(t, { test: 0.7 }); // the cut at 3 would fall inside the group of 3s
    const maxTrain = Math.max(...[...s.train].map((i) => t[i]!));
    const minTest = Math.min(...[...s.test].map((i) => t[i]!));
    expect(maxTrain).toBeLessThan(minTest);
    expect(s.train.length).toBe(6);
    const late = timeSplit([1, 2, 3, 4, 4, 4], { test: 0.34 });
    expect([...late.test]).toEqual([3, 4, 5]);
  });

  it('refuses missing timestamps and a split that ties cannot allow', () => {
    expect(
      isKeelError(
        thrown(() => timeSplit([1, Number.NaN, 3])),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isKeelError(
        thrown(() => timeSplit([5, 5, 5, 5], { test: 0.25 })),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('splitFrame', () => {
  it('splits by a categorical class column and by a timestamp column', () => {
    const n = 40;
    const frame = Frame.fromColumns([
      categoricalColumn(
        'y',
        range(n).map((i) => (i < 10 ? 'rare' : 'common')),
      ),
      numberColumn(
        'ts',
        range(n).map((i) => 1_700_000_000_000 + (n - i) * 1000),
        'timestamp',
      ),
    ]);
    const strat = splitFrame(frame, { method: 'stratified', column: 'y', test: 0.2, seed: 1 });
    expect([...strat.test].filter((i) => i < 10).length).toBe(2);
    const byTime = splitFrame(frame, { method: 'time', column: 'ts', test: 0.25 });
    expect([...byTime.test].sort((a, b) => a - b)).toEqual(range(10));
    expect(
      isKeelError(
        thrown(() => splitFrame(frame, { method: 'time' })),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

describe('k-fold', () => {
  // Fold of each row from scikit-learn 1.2.1 (computed once with /usr/bin/python3):
  // KFold(5) and StratifiedKFold(4), StratifiedKFold(3) without shuffling on these labels.
  const y = [2, 0, 1, 1, 0, 2, 2, 0, 1, 0, 0, 2, 1, 0, 0, 2, 1, 1, 0, 0, 0, 2, 1];
  const SK_KFOLD5 = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
  const SK_STRAT4 = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3];
  const SK_STRAT3 = [0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 2, 1, 2, 2, 2, 2, 2, 2];

  it('equals scikit-learn without shuffling', () => {
    expect(foldOfRow(kFold(23, { k: 5 }), 23)).toEqual(SK_KFOLD5);
    expect(foldOfRow(stratifiedKFold(y, { k: 4 }), 23)).toEqual(SK_STRAT4);
    expect(foldOfRow(stratifiedKFold(y, { k: 3 }), 23)).toEqual(SK_STRAT3);
  });

  it('shuffles reproducibly, keeps folds a partition and classes balanced', () => {
    const folds = stratifiedKFold(y, { k: 4, shuffle: true, seed: 11 });
    expect(stratifiedKFold(y, { k: 4, shuffle: true, seed: 11 })).toEqual(folds);
    for (const f of folds) expect(union(f.train, f.test)).toEqual(range(23));
    const assignment = foldOfRow(folds, 23);
    expect(assignment).not.toContain(-1);
    for (const c of [0, 1, 2]) {
      const perFold = [0, 1, 2, 3].map((k) => y.filter((v, i) => v === c && assignment[i] === k).length);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    const shuffled = foldOfRow(kFold(23, { k: 5, shuffle: true, seed: 2 }), 23);
    expect(shuffled).not.toEqual(SK_KFOLD5);
    expect([...shuffled].sort((a, b) => a - b)).toEqual([...SK_KFOLD5]);
  });

  it('refuses bad k', () => {
    expect(
      isKeelError(
        thrown(() => kFold(3, { k: 4 })),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isKeelError(
        thrown(() => stratifiedKFold([0, 0, 1, 1], { k: 3 })),
        'KEEL_INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn } from '../../../src/core/index.js';
import { labelsOf, predictFrame, trainGbdt } from '../../../src/learn/index.js';

/** One split, no shrinkage, no leaf-size constraint: the tree is the closed-form Newton step. */
const ONE_SPLIT = {
  numTrees: 1,
  maxDepth: 1,
  learningRate: 1,
  minSamplesLeaf: 1,
  l2: 1,
  threads: 1,
} as const;

describe('trainGbdt: a single split equals the closed form', () => {
  it('L2 regression: best threshold, gain ½(G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)) and leaf values', async () => {
    // base = mean(y) = 4; g = base − y = [3,3,3,3,−1,−1,−5,−5], h = 1.
    const frame = Frame.fromColumns([
      numberColumn('x', [1, 1, 2, 2, 3, 3, 4, 4]),
      numberColumn('y', [1, 1, 1, 1, 5, 5, 9, 9]),
    ]);
    const model = await trainGbdt(frame, ONE_SPLIT, { target: 'y' });
    // x <= 2.5: G_L = 12, H_L = 4; G_R = −12, H_R = 4 → gain ½(144/5 + 144/5 − 0) = 28.8.
    expect(model.featureImportance()).toEqual([{ name: 'x', gain: 28.8, splits: 1 }]);
    const test = Frame.fromColumns([numberColumn('x', [0, 2.4, 2.6, 100]), numberColumn('y', [0, 0, 0, 0])]);
    // Leaves: −12/(4+1) = −2.4 and +2.4 around the base 4.
    expect(Array.from(predictFrame(model, test).outputs)).toEqual([1.6, 1.6, 6.4, 6.4]);
    expect(model.info.baseScore).toEqual([4]);
  });

  it('binary logloss: leaf values −G/(H+λ) on the log-odds scale', async () => {
    // base = logit(0.5) = 0, p = 0.5: g = p − y = ±0.5, h = 0.25.
    const frame = Frame.fromColumns([
      numberColumn('x', [0, 0, 0, 0, 1, 1, 1, 1]),
      numberColumn('y', [0, 0, 0, 1, 1, 1, 1, 0]),
    ]);
    const model = await trainGbdt(frame, ONE_SPLIT, { target: 'y' });
    // Left: G = 1, H = 1 → leaf −0.5; right: G = −1, H = 1 → +0.5; gain ½(1/2 + 1/2 − 0) = 0.5.
    expect(model.featureImportance()[0]).toEqual({ name: 'x', gain: 0.5, splits: 1 });
    const out = predictFrame(
      model,
      Frame.fromColumns([numberColumn('x', [0, 1]), numberColumn('y', [0, 1])]),
    );
    expect(out.outputs[0]).toBeCloseTo(1 / (1 + Math.exp(0.5)), 12);
    expect(out.outputs[1]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
  });

  it('L1 shrinks the gradient sums before squaring (XGBoost alpha)', async () => {
    const frame = Frame.fromColumns([
      numberColumn('x', [1, 1, 2, 2, 3, 3, 4, 4]),
      numberColumn('y', [1, 1, 1, 1, 5, 5, 9, 9]),
    ]);
    const model = await trainGbdt(frame, { ...ONE_SPLIT, l1: 2 }, { target: 'y' });
    // T(±12) = ±10: gain ½(100/5 + 100/5) = 20, leaves ∓10/5 = ∓2.
    expect(model.featureImportance()[0]!.gain).toBe(20);
    const out = predictFrame(
      model,
      Frame.fromColumns([numberColumn('x', [1, 4]), numberColumn('y', [0, 0])]),
    );
    expect(Array.from(out.outputs)).toEqual([2, 6]);
  });
});

describe('trainGbdt: missing values', () => {
  const grid = (n: number) => Array.from({ length: n }, (_, i) => 1 + (i % 10));
  const predictAt = async (frame: Frame, xs: (number | null)[]) => {
    const model = await trainGbdt(frame, ONE_SPLIT, { target: 'y' });
    const test = Frame.fromColumns([
      numberColumn('x', xs),
      numberColumn(
        'y',
        xs.map(() => 0),
      ),
    ]);
    return Array.from(predictFrame(model, test).outputs);
  };

  it('learns the direction of missing values from the training rows', async () => {
    for (const missingLabel of [0, 1]) {
      const x = [...grid(60), ...new Array<null>(20).fill(null)];
      const y = [...grid(60).map((v) => (v > 5 ? 1 : 0)), ...new Array<number>(20).fill(missingLabel)];
      const frame = Frame.fromColumns([numberColumn('x', x), numberColumn('y', y)]);
      const [low, high, missing] = await predictAt(frame, [1, 10, null]);
      expect(missing).toBe(missingLabel === 1 ? high : low);
      expect(high).toBeGreaterThan(low!);
    }
  });

  it('sends missing values to the bigger child when training had none', async () => {
    const x = grid(80).map((v, i) => (i < 60 ? Math.min(v, 5) : 5 + v));
    const y = x.map((v) => (v > 5 ? 1 : 0));
    const frame = Frame.fromColumns([numberColumn('x', x), numberColumn('y', y)]);
    const [low, , missing] = await predictAt(frame, [1, 15, null]);
    expect(missing).toBe(low);
  });
});

describe('trainGbdt: categorical features', () => {
  // Categories a, c, e are positive, b, d, f negative: one partition of the levels separates them.
  const levels = ['a', 'b', 'c', 'd', 'e', 'f'];
  const cats = Array.from({ length: 120 }, (_, i) => levels[i % 6]!);
  const y = cats.map((c) => (['a', 'c', 'e'].includes(c) ? 1 : 0));

  it('splits on a set of levels in one node, where one-hot needs several', async () => {
    const native = Frame.fromColumns([categoricalColumn('cat', cats), numberColumn('y', y)]);
    const oneHot = Frame.fromColumns([
      ...levels.map((l) =>
        numberColumn(
          `is_${l}`,
          cats.map((c) => (c === l ? 1 : 0)),
        ),
      ),
      numberColumn('y', y),
    ]);
    const params = { ...ONE_SPLIT, minSamplesLeaf: 5 };
    const nativeModel = await trainGbdt(native, params, { target: 'y' });
    const oneHotModel = await trainGbdt(oneHot, params, { target: 'y' });
    const acc = (m: Awaited<ReturnType<typeof trainGbdt>>, f: Frame) => {
      const labels = predictFrame(m, f).labels!;
      return labels.filter((l, i) => Number(l) === y[i]).length / y.length;
    };
    expect(acc(nativeModel, native)).toBe(1);
    expect(acc(oneHotModel, oneHot)).toBeCloseTo(4 / 6, 10);
    expect(nativeModel.featureImportance()[0]!.gain).toBeGreaterThan(
      Math.max(...oneHotModel.featureImportance().map((f) => f.gain)),
    );
  });

  it('routes levels unseen in training like missing values', async () => {
    const train = Frame.fromColumns([
      categoricalColumn('cat', [...cats, null, null, null, null, null, null, null, null, null, null]),
      numberColumn('y', [...y, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
    ]);
    const model = await trainGbdt(train, { numTrees: 20, minSamplesLeaf: 2, threads: 1 }, { target: 'y' });
    const test = Frame.fromColumns([
      categoricalColumn('cat', ['zzz', null, 'a', 'b']),
      numberColumn('y', [0, 0, 0, 0]),
    ]);
    const p = predictFrame(model, test);
    expect(p.outputs[0]).toBe(p.outputs[1]);
    expect(labelsOf(model, p.outputs, 4)).toEqual(['1', '1', '1', '0']);
  });
});

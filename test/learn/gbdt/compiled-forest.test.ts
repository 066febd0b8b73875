import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame } from '../../../src/core/index.js';
import { decodeArrays } from '../../../src/learn/gbdt/internal/codec.js';
import { CompiledForest } from '../../../src/learn/gbdt/internal/compiled-forest.js';
import { leafOf } from '../../../src/learn/gbdt/internal/forest-eval.js';
import { encodeFrame, readModelEnvelope, trainGbdt } from '../../../src/learn/index.js';
import { binaryFrame, rng } from './synthetic.js';

describe('CompiledForest (integer rank kernel)', () => {
  it('reaches the same leaves as the reference traversal, on thresholds, infinities and missing values', async () => {
    const model = await trainGbdt(
      binaryFrame(3000, 61),
      { numTrees: 25, minSamplesLeaf: 5, threads: 1 },
      { target: 'y' },
    );
    const { header, payload } = readModelEnvelope(model.serialize());
    const arrays = decodeArrays(header.arrays, payload);
    const p = model.features.length;
    const levels = model.features.map((f) => f.levels?.length ?? 0);
    // Rows mixing ordinary values with every threshold of the model, ±Infinity and NaN.
    const thresholds = Array.from(arrays.threshold).filter(
      (_t, i) => arrays.feature[i]! >= 0 && (arrays.flags[i]! & 2) === 0,
    );
    const x = encodeFrame(binaryFrame(700, 62), model.features);
    const r = rng(63);
    const specials = [...thresholds, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
    for (let i = 0; i < 700; i++) {
      for (let f = 0; f < p; f++) {
        if (levels[f]! > 0) continue;
        if (r() < 0.5) x[i * p + f] = specials[Math.floor(r() * specials.length)]!;
      }
    }
    const forest = new CompiledForest(arrays, p, 1, levels);
    const fast = new Float64Array(700);
    forest.add(x, 700, fast);
    for (let i = 0; i < 700; i++) {
      let expected = 0;
      for (let t = 0; t < arrays.treeStart.length; t++)
        expected += arrays.value[leafOf(arrays, arrays.treeStart[t]!, x, i * p)]!;
      expect(fast[i], `row ${i}`).toBeCloseTo(expected, 12);
      const one = new Float64Array(1);
      forest.add(x.subarray(i * p, (i + 1) * p), 1, one);
      expect(one[0], `row ${i} alone`).toBeCloseTo(expected, 12);
    }
  });

  it('adds each tree to its class, for single rows and blocks, on a multiclass model', async () => {
    const base = binaryFrame(2000, 71);
    const x1 = base.numberColumn('x1').values;
    const cls = Array.from(x1, (v) => (v < -0.7 ? 'low' : v < 0.7 ? 'mid' : 'high'));
    const frame = Frame.fromColumns([
      ...base.columns.filter((c) => c.name !== 'y'),
      categoricalColumn('y', cls),
    ]);
    // 25 rounds x 3 classes = 75 trees: nine groups of eight for single rows, and three left over.
    const model = await trainGbdt(frame, { numTrees: 25, minSamplesLeaf: 5, threads: 1 }, { target: 'y' });
    const { header, payload } = readModelEnvelope(model.serialize());
    const arrays = decodeArrays(header.arrays, payload);
    expect(arrays.treeStart.length).toBe(75);
    const p = model.features.length;
    const levels = model.features.map((f) => f.levels?.length ?? 0);
    const forest = new CompiledForest(arrays, p, 3, levels);
    const n = 301;
    const x = encodeFrame(binaryFrame(n, 72), model.features);
    const fast = new Float64Array(n * 3);
    forest.add(x, n, fast);
    for (let i = 0; i < n; i++) {
      const expected = [0, 0, 0];
      for (let t = 0; t < 75; t++)
        expected[t % 3]! += arrays.value[leafOf(arrays, arrays.treeStart[t]!, x, i * p)]!;
      const one = new Float64Array(3);
      forest.add(x.subarray(i * p, (i + 1) * p), 1, one);
      for (let c = 0; c < 3; c++) {
        expect(fast[i * 3 + c], `row ${i} class ${c}`).toBe(expected[c]);
        expect(one[c], `row ${i} class ${c} alone`).toBe(expected[c]);
      }
    }
  });
});

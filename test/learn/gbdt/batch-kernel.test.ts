import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn } from '../../../src/core/index.js';
import { decodeArrays } from '../../../src/learn/gbdt/internal/codec.js';
import { leafOf } from '../../../src/learn/gbdt/internal/forest-eval.js';
import {
  createGbdtBatchPredictor,
  type GbdtModel,
  type GbdtParams,
  readModelEnvelope,
  trainGbdt,
} from '../../../src/learn/index.js';
import { rng } from './synthetic.js';

/**
 * Numeric `a`..`d` (with missing values), categorical `wide` (31 levels: the kernel's mask limit,
 * so the mask's top bit is used), `narrow` (4 levels) and, when `extraWide`, `huge` (40 levels:
 * beyond the limit, the reference walk). `y3` is a 3-class label, `y` a binary one.
 */
function mixedFrame(n: number, seed: number, extraWide = false): Frame {
  const r = rng(seed);
  const nums = [[], [], [], []] as (number | null)[][];
  const wide: (string | null)[] = [];
  const narrow: (string | null)[] = [];
  const huge: (string | null)[] = [];
  const y: number[] = [];
  const y3: string[] = [];
  for (let i = 0; i < n; i++) {
    const v = nums.map((col, j) => {
      const x = r() * 10 - 5;
      col.push(r() < 0.08 * (j + 1) ? null : x);
      return x;
    });
    const w = Math.floor(r() * 31);
    const q = Math.floor(r() * 4);
    const h = Math.floor(r() * 40);
    wide.push(r() < 0.05 ? null : `w${w}`);
    narrow.push(r() < 0.1 ? null : `n${q}`);
    huge.push(`h${h}`);
    const z = v[0]! - 0.5 * v[1]! * v[1]! + ((w * 7) % 5) - 2 + (q - 1.5) + 0.3 * v[2]! * v[3]! + (h % 3);
    y.push(r() < 1 / (1 + Math.exp(-z / 2)) ? 1 : 0);
    y3.push(z < -2 ? 'low' : z < 1 ? 'mid' : 'high');
  }
  return Frame.fromColumns([
    numberColumn('a', nums[0]!),
    numberColumn('b', nums[1]!),
    numberColumn('c', nums[2]!),
    numberColumn('d', nums[3]!),
    categoricalColumn('wide', wide),
    categoricalColumn('narrow', narrow),
    ...(extraWide ? [categoricalColumn('huge', huge)] : []),
    numberColumn('y', y),
    categoricalColumn('y3', y3),
  ]);
}

/**
 * Random encoded rows: numeric values drawn around the data, with NaN, ±Infinity and the model's
 * own thresholds mixed in; categorical values are level codes or NaN.
 */
function randomRows(model: GbdtModel, thresholds: readonly number[], n: number, seed: number): Float64Array {
  const r = rng(seed);
  const p = model.features.length;
  const x = new Float64Array(n * p);
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < n; i++) {
    model.features.forEach((f, j) => {
      const u = r();
      if (f.kind === 'categorical') {
        x[i * p + j] = u < 0.1 ? Number.NaN : Math.floor(r() * (f.levels?.length ?? 1));
      } else if (u < 0.1) x[i * p + j] = specials[Math.floor(r() * specials.length)]!;
      else if (u < 0.35) x[i * p + j] = thresholds[Math.floor(r() * thresholds.length)]!;
      else x[i * p + j] = r() * 12 - 6;
    });
  }
  return x;
}

/** Raw scores by the reference traversal: base score, then every tree's leaf in tree order. */
function referenceRaw(
  model: GbdtModel,
  x: Float64Array,
  n: number,
): { raw: Float64Array; thresholds: number[] } {
  const { header, payload } = readModelEnvelope(model.serialize());
  const a = decodeArrays(header.arrays, payload);
  const p = model.features.length;
  const k = model.outputWidth;
  const raw = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) raw[i * k + c] = model.info.baseScore[c]!;
    for (let t = 0; t < a.treeStart.length; t++)
      raw[i * k + (t % k)]! += a.value[leafOf(a, a.treeStart[t]!, x, i * p)]!;
  }
  const thresholds = Array.from(a.threshold).filter((_t, i) => a.feature[i]! >= 0 && (a.flags[i]! & 2) === 0);
  return { raw, thresholds };
}

const cases: { name: string; target: string; params: GbdtParams; extraWide?: boolean }[] = [
  { name: 'binary, depth 6', target: 'y', params: { numTrees: 30, maxDepth: 6, minSamplesLeaf: 3 } },
  { name: '3 classes, depth 4', target: 'y3', params: { numTrees: 12, maxDepth: 4, minSamplesLeaf: 3 } },
  { name: 'binary, leaf-wise', target: 'y', params: { numTrees: 15, maxDepth: 0, maxLeaves: 40 } },
  {
    name: 'binary with a 40-level categorical (reference walk)',
    target: 'y',
    params: { numTrees: 10, maxDepth: 5 },
    extraWide: true,
  },
];

describe('GBDT batch kernel against the reference traversal', () => {
  for (const c of cases) {
    it(`gives bit-identical raw scores for any batch size: ${c.name}`, async () => {
      const frame = mixedFrame(3000, 71, c.extraWide).drop([c.target === 'y' ? 'y3' : 'y']);
      const model = await trainGbdt(frame, { ...c.params, threads: 1 }, { target: c.target });
      const k = model.outputWidth;
      const n = 1100; // several 128-row blocks, a ragged last block and a tail of fewer than 8 rows
      const probe = referenceRaw(model, new Float64Array(0), 0);
      const x = randomRows(model, probe.thresholds, n, 72);
      const { raw: expected } = referenceRaw(model, x, n);
      const p = model.features.length;

      const batch = new Float64Array(n * k);
      model.predictRaw(x, n, batch);
      expect(Array.from(batch)).toEqual(Array.from(expected));
      for (const size of [1, 7, 8, 9, 127, 129, 300]) {
        const part = new Float64Array(size * k);
        for (let s = 0; s + size <= n; s += 397) {
          model.predictRaw(x.subarray(s * p, (s + size) * p), size, part);
          expect(Array.from(part), `rows ${s}..${s + size}`).toEqual(
            Array.from(expected.subarray(s * k, (s + size) * k)),
          );
        }
      }
    });
  }

  it('the 2-thread batch predictor matches predictEncoded with plain and shared buffers', async () => {
    const frame = mixedFrame(3000, 73).drop(['y3']);
    const model = await trainGbdt(frame, { numTrees: 20, threads: 1 }, { target: 'y' });
    const n = 20_001;
    const p = model.features.length;
    const x = randomRows(model, referenceRaw(model, new Float64Array(0), 0).thresholds, n, 74);
    const expected = new Float64Array(n);
    model.predictEncoded(x, n, expected);
    const sharedX = new Float64Array(new SharedArrayBuffer(n * p * 8));
    sharedX.set(x);
    const predictor = await createGbdtBatchPredictor(model, { threads: 2 });
    try {
      for (const [input, output] of [
        [x, new Float64Array(n)],
        [sharedX, new Float64Array(new SharedArrayBuffer(n * 8))],
        [sharedX, new Float64Array(n)],
        [x, new Float64Array(new SharedArrayBuffer(n * 8))],
      ] as const) {
        output.fill(-1);
        await predictor.predict(input, n, output);
        expect(Array.from(output)).toEqual(Array.from(expected));
      }
      // A smaller batch after a larger one reuses the grown shared buffers.
      const small = new Float64Array(9000);
      await predictor.predict(x, 9000, small);
      expect(Array.from(small)).toEqual(Array.from(expected.subarray(0, 9000)));
    } finally {
      await predictor.close();
    }
  });
});

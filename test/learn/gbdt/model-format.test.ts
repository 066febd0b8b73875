import { describe, expect, it } from 'vitest';
import { categoricalColumn, isKeelError } from '../../../src/core/index.js';
import {
  createGbdtBatchPredictor,
  encodeFrame,
  GBDT_PARALLEL_MIN_ROWS,
  loadGbdtModel,
  predictFrame,
  readModelEnvelope,
  trainGbdt,
  writeModelEnvelope,
} from '../../../src/learn/index.js';
import { binaryFrame } from './synthetic.js';

const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function expectCode(run: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(isKeelError(thrown), String(thrown)).toBe(true);
  expect((thrown as { code: string }).code).toBe(code);
}

describe('GBDT determinism', () => {
  const frame = binaryFrame(2000, 7);
  const params = { numTrees: 10, rowSubsample: 0.7, colSubsample: 0.67, threads: 1, seed: 5 };

  it('gives the same bytes for the same data, parameters and seed', async () => {
    const a = await trainGbdt(frame, params, { target: 'y' });
    const b = await trainGbdt(frame, params, { target: 'y' });
    expect(bytesEqual(a.serialize(), b.serialize())).toBe(true);
    const c = await trainGbdt(frame, { ...params, seed: 6 }, { target: 'y' });
    expect(bytesEqual(a.serialize(), c.serialize())).toBe(false);
  });

  it.each([
    ['depth-wise', { maxDepth: 5, rowSubsample: 0.8 }],
    ['leaf-wise', { maxLeaves: 12, maxDepth: 0, colSubsample: 0.7 }],
  ])('gives the same bytes serial and on worker threads (%s)', async (_name, growth) => {
    const big = binaryFrame(GBDT_PARALLEL_MIN_ROWS + 8000, 11);
    const p = { numTrees: 3, ...growth };
    const serial = await trainGbdt(big, { ...p, threads: 1 }, { target: 'y' });
    const parallel = await trainGbdt(big, { ...p, threads: 2 }, { target: 'y' });
    expect(bytesEqual(serial.serialize(), parallel.serialize())).toBe(true);
  });

  it('gives the same bytes serial and on worker threads for multiclass', async () => {
    const frame = binaryFrame(GBDT_PARALLEL_MIN_ROWS + 8000, 12);
    const x1 = frame.numberColumn('x1').values;
    const band = Array.from(x1, (v, i) => (v + (i % 7) / 7 < 0 ? 'low' : v < 1 ? 'mid' : 'high'));
    const big = frame.drop(['y']).withColumn(categoricalColumn('band', band));
    const serial = await trainGbdt(big, { numTrees: 2, maxDepth: 4, threads: 1 }, { target: 'band' });
    const parallel = await trainGbdt(big, { numTrees: 2, maxDepth: 4, threads: 2 }, { target: 'band' });
    expect(serial.treeCount).toBe(6);
    expect(bytesEqual(serial.serialize(), parallel.serialize())).toBe(true);
  });
});

describe('GBDT growth strategies', () => {
  it('depth-wise growth (level scans) builds the same trees as leaf-wise growth with room for every leaf', async () => {
    const train = binaryFrame(4000, 13);
    const test = binaryFrame(500, 14);
    const base = { numTrees: 8, maxDepth: 4, rowSubsample: 0.8, colSubsample: 0.67, threads: 1 } as const;
    const levelWise = await trainGbdt(train, base, { target: 'y' });
    const leafWise = await trainGbdt(train, { ...base, maxLeaves: 16 }, { target: 'y' });
    expect(Array.from(predictFrame(leafWise, test).outputs)).toEqual(
      Array.from(predictFrame(levelWise, test).outputs),
    );
    expect(leafWise.featureImportance()).toEqual(levelWise.featureImportance());
    const payload = (m: typeof leafWise) => readModelEnvelope(m.serialize()).payload;
    expect(bytesEqual(payload(leafWise), payload(levelWise))).toBe(true);
  });
});

describe('GBDT model format', () => {
  it('round-trips: same bytes and identical predictions after loading', async () => {
    const train = binaryFrame(2000, 3);
    const test = binaryFrame(500, 4);
    const model = await trainGbdt(train, { numTrees: 20, threads: 1 }, { target: 'y' });
    const bytes = model.serialize();
    const loaded = loadGbdtModel(bytes);
    expect(bytesEqual(loaded.serialize(), bytes)).toBe(true);
    expect(Array.from(predictFrame(loaded, test).outputs)).toEqual(
      Array.from(predictFrame(model, test).outputs),
    );
    expect(loaded.featureImportance()).toEqual(model.featureImportance());
    const { header } = readModelEnvelope(bytes);
    expect(header).toMatchObject({
      format: 'keel-gbdt',
      version: 1,
      task: 'binary',
      objective: 'logloss',
      rounds: 20,
    });
    expect(header.features).toEqual(model.features);
  });

  it('batch, one-row and reference predictions agree', async () => {
    const train = binaryFrame(2000, 8);
    const test = binaryFrame(301, 9);
    const model = await trainGbdt(train, { numTrees: 30, threads: 1 }, { target: 'y' });
    const x = encodeFrame(test, model.features);
    const batch = new Float64Array(test.rowCount);
    model.predictEncoded(x, test.rowCount, batch);
    const p = model.features.length;
    for (let i = 0; i < test.rowCount; i++) {
      const one = new Float64Array(1);
      model.predictEncoded(x.subarray(i * p, (i + 1) * p), 1, one);
      expect(one[0]).toBeCloseTo(batch[i]!, 12);
    }
  });

  it('the batch predictor on worker threads gives the same outputs as predictEncoded', async () => {
    const model = await trainGbdt(binaryFrame(2000, 15), { numTrees: 10, threads: 1 }, { target: 'y' });
    const test = binaryFrame(10_000, 16);
    const x = encodeFrame(test, model.features);
    const expected = new Float64Array(test.rowCount);
    model.predictEncoded(x, test.rowCount, expected);
    const predictor = await createGbdtBatchPredictor(model, { threads: 2 });
    try {
      expect(predictor.threads).toBe(2);
      const out = new Float64Array(test.rowCount);
      await predictor.predict(x, test.rowCount, out);
      expect(Array.from(out)).toEqual(Array.from(expected));
      x[2] = 1e9; // not a level code of "color"
      await expect(predictor.predict(x, test.rowCount, out)).rejects.toThrow(/level code/);
    } finally {
      await predictor.close();
    }
  });

  it('refuses bytes that are not a GBDT model, or a newer version', async () => {
    expectCode(() => loadGbdtModel(new Uint8Array([1, 2, 3])), 'KEEL_LEARN_MODEL_FORMAT');
    expectCode(
      () => loadGbdtModel(writeModelEnvelope({ format: 'keel-linear', version: 1 }, new Uint8Array(0))),
      'KEEL_LEARN_MODEL_FORMAT',
    );
    const model = await trainGbdt(binaryFrame(300, 1), { numTrees: 2, threads: 1 }, { target: 'y' });
    const { header, payload } = readModelEnvelope(model.serialize());
    expectCode(
      () => loadGbdtModel(writeModelEnvelope({ ...header, version: 99 }, payload)),
      'KEEL_LEARN_MODEL_FORMAT',
    );
    expectCode(
      () => loadGbdtModel(writeModelEnvelope(header, payload.subarray(0, 16))),
      'KEEL_LEARN_MODEL_FORMAT',
    );
    const corrupt = payload.slice();
    // treeStart[1] pointing past the node arrays must be caught before any prediction.
    new DataView(corrupt.buffer).setInt32(4, 1 << 30, true);
    expectCode(() => loadGbdtModel(writeModelEnvelope(header, corrupt)), 'KEEL_LEARN_MODEL_FORMAT');
  });
});

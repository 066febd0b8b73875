import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, isKeelError, numberColumn } from '../../../src/core/index.js';
import {
  encodeFrame,
  LINEAR_FORMAT,
  type LinearModel,
  loadLinearModel,
  predictFrame,
  RecordEncoder,
  type RoundReport,
  readModelEnvelope,
  trainLinear,
  writeModelEnvelope,
} from '../../../src/learn/index.js';

/** A small seeded binary problem with a numeric column that has missing values and a categorical. */
function toyFrame(n = 400): Frame {
  let s = 12345;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const a: (number | null)[] = [];
  const b: number[] = [];
  const city: string[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const av = rand() * 4 - 2;
    const bv = rand() * 10;
    const c = ['paris', 'rome', 'oslo'][i % 3]!;
    const eta = 1.5 * av - 0.2 * bv + (c === 'rome' ? 1 : c === 'oslo' ? -1 : 0) + 0.5;
    y.push(rand() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    a.push(i % 7 === 0 ? null : av);
    b.push(bv);
    city.push(c);
  }
  return Frame.fromColumns([
    numberColumn('a', a),
    numberColumn('b', b),
    categoricalColumn('city', city),
    numberColumn('y', y),
  ]);
}

const thrown = async (f: () => Promise<unknown> | unknown): Promise<unknown> => {
  try {
    await f();
  } catch (error) {
    return error;
  }
  return null;
};

describe('LinearModel', () => {
  it('standardises, imputes and one-hot encodes inside the model (serving sends raw columns)', async () => {
    const frame = toyFrame();
    const model = await trainLinear(frame, {}, { target: 'y' });
    const c = model.coefficients();
    expect(c.columns).toEqual(['a', 'a:missing', 'b', 'city=oslo', 'city=paris', 'city=rome']);
    const [pa] = model.preprocessing();
    expect(pa?.kind === 'numeric' && pa.indicator !== null).toBe(true);
    // Recompute one prediction by hand from the standardised coefficients.
    const pre = model.preprocessing();
    const z = (v: number | null) => {
      const f = pre[0]!;
      if (f.kind !== 'numeric') throw new Error('numeric');
      const ind = f.indicator!;
      return [((v ?? f.median) - f.mean) / f.scale, ((v === null ? 1 : 0) - ind.mean) / ind.scale];
    };
    const fb = pre[1]!;
    const row = { a: null, b: 3, city: 'rome' };
    const [za, zm] = z(row.a);
    const zb = fb.kind === 'numeric' ? (row.b - fb.mean) / fb.scale : 0;
    const eta =
      c.intercept[0]! + c.coef[0]![0]! * za! + c.coef[0]![1]! * zm! + c.coef[0]![2]! * zb + c.coef[0]![5]!;
    const enc = new RecordEncoder(model.features);
    const x = new Float64Array(model.features.length);
    enc.encodeInto(row, x, 0);
    const out = new Float64Array(1);
    model.predictEncoded(x, 1, out);
    expect(out[0]).toBeCloseTo(1 / (1 + Math.exp(-eta)), 12);
  });

  it('treats unseen and missing categorical levels as all-zero one-hot', async () => {
    const model = await trainLinear(toyFrame(), {}, { target: 'y' });
    const enc = new RecordEncoder(model.features);
    const x = new Float64Array(6);
    enc.encodeInto({ a: 1, b: 2, city: 'lima' }, x, 0);
    enc.encodeInto({ a: 1, b: 2, city: null }, x, 3);
    const out = new Float64Array(2);
    model.predictEncoded(x, 2, out);
    expect(out[0]).toBe(out[1]);
    const c = model.coefficients();
    const eta = Math.log(out[0]! / (1 - out[0]!));
    // all-zero one-hot: only the intercept and numeric terms remain (one-hot columns are not centred by default)
    const pre = model.preprocessing();
    const fa = pre[0]!;
    const fb = pre[1]!;
    if (fa.kind !== 'numeric' || fb.kind !== 'numeric') throw new Error('numeric');
    const expected =
      c.intercept[0]! +
      (c.coef[0]![0]! * (1 - fa.mean)) / fa.scale +
      (c.coef[0]![1]! * (0 - fa.indicator!.mean)) / fa.indicator!.scale +
      (c.coef[0]![2]! * (2 - fb.mean)) / fb.scale;
    expect(eta).toBeCloseTo(expected, 10);
  });

  it('serialises to the documented envelope and loads back with identical predictions', async () => {
    const frame = toyFrame();
    const model = await trainLinear(frame, { penalty: 'elasticnet', C: 0.5 }, { target: 'y' });
    const bytes = model.serialize();
    const { header } = readModelEnvelope(bytes);
    expect(header.format).toBe(LINEAR_FORMAT);
    expect(header.version).toBe(1);
    expect(header.designColumns).toBe(6);
    const loaded = loadLinearModel(bytes);
    expect(Buffer.from(loaded.serialize()).equals(Buffer.from(bytes))).toBe(true);
    const x = encodeFrame(frame, model.features);
    const a = new Float64Array(frame.rowCount);
    const b = new Float64Array(frame.rowCount);
    model.predictEncoded(x, frame.rowCount, a);
    loaded.predictEncoded(x, frame.rowCount, b);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(loaded.featureImportance()).toEqual(model.featureImportance());
  });

  it('refuses other formats, versions and truncated payloads', async () => {
    const model = await trainLinear(toyFrame(), {}, { target: 'y' });
    const { header, payload } = readModelEnvelope(model.serialize());
    const code = async (bytes: Uint8Array) =>
      ((await thrown(() => loadLinearModel(bytes))) as { code?: string })?.code;
    expect(await code(writeModelEnvelope({ ...header, version: 2 }, payload))).toBe(
      'KEEL_LEARN_MODEL_FORMAT',
    );
    expect(await code(writeModelEnvelope({ ...header, format: 'keel-gbdt' }, payload))).toBe(
      'KEEL_LEARN_MODEL_FORMAT',
    );
    expect(await code(writeModelEnvelope(header, payload.subarray(8)))).toBe('KEEL_LEARN_MODEL_FORMAT');
    expect(await code(new Uint8Array(4))).toBe('KEEL_LEARN_MODEL_FORMAT');
  });

  it('trains deterministically and reports feature importance as |coef| on the standardised scale', async () => {
    const frame = toyFrame();
    const m1 = await trainLinear(frame, {}, { target: 'y' });
    const m2 = await trainLinear(frame, {}, { target: 'y' });
    expect(Buffer.from(m1.serialize()).equals(Buffer.from(m2.serialize()))).toBe(true);
    const imp = m1.featureImportance();
    const c = m1.coefficients().coef[0]!;
    expect(imp.map((f) => f.name)).toEqual(['a', 'b', 'city']);
    expect(imp[0]!.gain).toBeCloseTo(Math.abs(c[0]!) + Math.abs(c[1]!), 14);
    expect(imp[2]!.gain).toBeCloseTo(Math.abs(c[3]!) + Math.abs(c[4]!) + Math.abs(c[5]!), 14);
    expect(imp.every((f) => f.splits === 0)).toBe(true);
  });

  it('reports every iteration through onRound, with validation metrics, and stops when asked', async () => {
    const frame = toyFrame();
    const rounds: RoundReport[] = [];
    const model = await trainLinear(
      frame.slice(0, 300),
      {},
      { target: 'y', validation: frame.slice(300), onRound: (r) => void rounds.push(r) },
    );
    expect(rounds.length).toBe(model.training.iterations);
    expect(rounds.map((r) => r.round)).toEqual(rounds.map((_, i) => i + 1));
    const last = rounds.at(-1)!.metrics;
    expect(Object.keys(last)).toEqual(
      expect.arrayContaining(['train.logloss', 'train.objective', 'validation.auc', 'validation.logloss']),
    );
    expect(rounds[0]!.metrics['train.objective']!).toBeGreaterThan(last['train.objective']!);
    const stopped = await trainLinear(frame, {}, { target: 'y', onRound: () => false });
    expect(stopped.training.iterations).toBe(1);
    expect(stopped.training.stopReason).toBe('stopped');
  });

  it('cancels with KEEL_CANCELLED through the abort signal', async () => {
    const controller = new AbortController();
    const pending = trainLinear(
      toyFrame(),
      { tol: 1e-12 },
      {
        target: 'y',
        signal: controller.signal,
        onRound: (r) => {
          if (r.round === 2) controller.abort();
          return true;
        },
      },
    );
    expect(isKeelError(await thrown(() => pending), 'KEEL_CANCELLED')).toBe(true);
  });

  it('fits regression and multiclass tasks with numeric, boolean and timestamp inputs', async () => {
    const n = 120;
    const t0 = Date.UTC(2024, 0, 1);
    const frame = Frame.fromColumns([
      numberColumn(
        'x',
        Array.from({ length: n }, (_, i) => i / 10),
      ),
      numberColumn(
        'flag',
        Array.from({ length: n }, (_, i) => i % 2),
        'boolean',
      ),
      numberColumn(
        'when',
        Array.from({ length: n }, (_, i) => t0 + i * 3_600_000),
        'timestamp',
      ),
      numberColumn(
        'price',
        Array.from({ length: n }, (_, i) => 3 + 2 * (i / 10) - 4 * (i % 2)),
      ),
      categoricalColumn(
        'size',
        Array.from({ length: n }, (_, i) => ['s', 'm', 'l'][Math.floor(i / 40)]!),
      ),
    ]);
    const reg = await trainLinear(frame, { penalty: 'none' }, { target: 'price', features: ['x', 'flag'] });
    const pred = predictFrame(reg, frame.slice(0, 3)).outputs;
    expect(pred[0]).toBeCloseTo(3, 6);
    expect(pred[1]).toBeCloseTo(0.2 - 1, 6);
    const multi = await trainLinear(frame, {}, { target: 'size', features: ['x', 'when'] });
    expect(multi.task).toBe('multiclass');
    expect(multi.outputWidth).toBe(3);
    const p = predictFrame(multi, frame);
    expect(p.outputs[0]! + p.outputs[1]! + p.outputs[2]!).toBeCloseTo(1, 12);
    const acc = p.labels!.filter((l, i) => l === ['s', 'm', 'l'][Math.floor(i / 40)]).length / n;
    expect(acc).toBeGreaterThan(0.8);
    // multinomial intercepts are centred
    expect(multi.coefficients().intercept.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });
});

describe('trainLinear bad input', () => {
  const code = async (f: () => Promise<LinearModel>) => ((await thrown(f)) as { code?: string })?.code;

  it('refuses NaN labels and single-class targets', async () => {
    const frame = toyFrame(50);
    const y = Float64Array.from(frame.numberColumn('y').values);
    y[7] = Number.NaN;
    expect(await code(() => trainLinear(frame.withColumn(numberColumn('y', y)), {}, { target: 'y' }))).toBe(
      'KEEL_LEARN_BAD_LABELS',
    );
    const one = frame.withColumn(numberColumn('y', new Float64Array(50).fill(1)));
    expect(await code(() => trainLinear(one, {}, { target: 'y', task: 'binary' }))).toBe(
      'KEEL_LEARN_BAD_LABELS',
    );
  });

  it('keeps constant and all-missing columns at coefficient 0 and refuses when nothing varies', async () => {
    const frame = toyFrame(200)
      .withColumn(numberColumn('const', new Float64Array(200).fill(3)))
      .withColumn(numberColumn('empty', new Float64Array(200).fill(Number.NaN)));
    const model = await trainLinear(frame, {}, { target: 'y' });
    const c = model.coefficients();
    expect(c.coef[0]![c.columns.indexOf('const')]).toBe(0);
    expect(c.coef[0]![c.columns.indexOf('empty')]).toBe(0);
    expect(c.columns).not.toContain('empty:missing');
    const x = encodeFrame(frame.slice(0, 5), model.features);
    const out = new Float64Array(5);
    model.predictEncoded(x, 5, out);
    expect(out.every((v) => v > 0 && v < 1)).toBe(true);
    expect(await code(() => trainLinear(frame, {}, { target: 'y', features: ['const', 'empty'] }))).toBe(
      'KEEL_LEARN_BAD_FEATURES',
    );
  });

  it('refuses infinite feature values, unknown and conflicting parameters', async () => {
    const frame = toyFrame(60);
    const b = Float64Array.from(frame.numberColumn('b').values);
    b[3] = Number.POSITIVE_INFINITY;
    expect(await code(() => trainLinear(frame.withColumn(numberColumn('b', b)), {}, { target: 'y' }))).toBe(
      'KEEL_LEARN_BAD_FEATURES',
    );
    const bad = [
      { learningRate: 0.1 },
      { C: 0 },
      { C: 1, alpha: 1 },
      { penalty: 'none', C: 1 },
      { penalty: 'l2', l1: 0.1 },
      { penalty: 'l1', l1Ratio: 0.5 },
      { penalty: 'ridge' },
      { maxIter: 2.5 },
      { tol: 0 },
      { classWeights: { nope: 2 } },
      { classWeights: 'heavy' },
      { fitIntercept: 'yes' },
    ];
    for (const params of bad) {
      const e = await thrown(() => trainLinear(frame, params as never, { target: 'y' }));
      expect(isKeelError(e, 'KEEL_LEARN_INVALID_PARAM'), JSON.stringify(params)).toBe(true);
    }
    const e = (await thrown(() =>
      trainLinear(frame, { learningRate: 1 } as never, { target: 'y' }),
    )) as Error;
    expect(e.message).toContain('known parameters');
    const reg = frame.withColumn(
      numberColumn(
        'y',
        Float64Array.from({ length: 60 }, (_, i) => i * 1.5),
      ),
    );
    expect(await code(() => trainLinear(reg, { classWeights: 'balanced' }, { target: 'y' }))).toBe(
      'KEEL_LEARN_INVALID_PARAM',
    );
  });

  it('fails prediction on a missing column with KEEL_REGISTRY_SIGNATURE_MISMATCH', async () => {
    const frame = toyFrame(60);
    const model = await trainLinear(frame, {}, { target: 'y' });
    expect(
      isKeelError(
        await thrown(() => predictFrame(model, frame.drop(['b']))),
        'KEEL_REGISTRY_SIGNATURE_MISMATCH',
      ),
    ).toBe(true);
  });
});

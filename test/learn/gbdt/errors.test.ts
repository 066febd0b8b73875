import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, isKeelError, numberColumn, textColumn } from '../../../src/core/index.js';
import { encodeFrame, type GbdtParams, predictFrame, trainGbdt } from '../../../src/learn/index.js';
import { binaryFrame } from './synthetic.js';

async function rejection(
  run: Promise<unknown>,
): Promise<{ code: string; message: string; details: Record<string, unknown> }> {
  try {
    await run;
  } catch (error) {
    if (isKeelError(error)) return error;
    throw error;
  }
  throw new Error('expected a KeelError');
}

const frame = binaryFrame(200, 3);
const train = (params: GbdtParams, f: Frame = frame, target = 'y') =>
  trainGbdt(f, { threads: 1, ...params }, { target });

describe('trainGbdt: parameters', () => {
  it.each([
    [{ numTrees: 0 }, 'numTrees', 'an integer in [1, 100000]'],
    [{ learningRate: 0 }, 'learningRate', 'a number in (0, 1]'],
    [{ maxDepth: 2.5 }, 'maxDepth', 'an integer in [0, 64]'],
    [{ rowSubsample: 1.5 }, 'rowSubsample', 'a number in (0, 1]'],
    [{ maxBins: 256 }, 'maxBins', 'an integer in [2, 255]'],
    [{ l2: -1 }, 'l2', 'a number in [0, Infinity]'],
    [{ threads: -1 }, 'threads', 'an integer in [0, 256]'],
    [{ maxLeaves: 1 }, 'maxLeaves', 'at least 2'],
    [{ maxDepth: 0 }, 'maxDepth', 'only when maxLeaves'],
    [{ objective: 'l2' } as GbdtParams, 'objective', 'regression targets'],
    [{ objective: 'poisson' } as unknown as GbdtParams, 'objective', 'one of auto, logloss'],
    [{ classWeights: { 7: 2 } }, 'classWeights', 'not in the target'],
    [{ classWeights: { 1: -2 } }, 'classWeights', 'finite number > 0'],
    [{ huberDelta: 1 }, 'huberDelta', 'objective "huber" only'],
    [{ earlyStoppingRounds: 5 }, 'earlyStoppingRounds', 'validation frame'],
    [{ nTrees: 5 } as unknown as GbdtParams, 'nTrees', 'known parameters: catL2'],
  ])('rejects %j naming the parameter and range', async (params, name, text) => {
    const e = await rejection(train(params as GbdtParams));
    expect(e.code).toBe('KEEL_LEARN_INVALID_PARAM');
    expect(e.message).toContain(`"${name}"`);
    expect(e.message).toContain(text);
  });
});

describe('trainGbdt: bad input', () => {
  it('refuses missing labels and single-class targets', async () => {
    const nan = Frame.fromColumns([numberColumn('x', [1, 2, 3]), numberColumn('y', [0, Number.NaN, 1])]);
    expect((await rejection(train({}, nan))).code).toBe('KEEL_LEARN_BAD_LABELS');
    const one = Frame.fromColumns([numberColumn('x', [1, 2, 3]), categoricalColumn('y', ['a', 'a', 'a'])]);
    const e = await rejection(train({}, one));
    expect(e.code).toBe('KEEL_LEARN_BAD_LABELS');
    expect(e.message).toContain('single class');
  });

  it('refuses an empty frame and a frame without features', async () => {
    const empty = Frame.fromColumns([numberColumn('x', []), numberColumn('y', [])]);
    expect((await rejection(train({}, empty))).code).toBe('KEEL_DATA_EMPTY');
    const onlyText = Frame.fromColumns([textColumn('id', ['a', 'b']), numberColumn('y', [0, 1])]);
    expect((await rejection(train({}, onlyText))).code).toBe('KEEL_LEARN_BAD_FEATURES');
  });

  it('refuses features that are all constant or all missing', async () => {
    const flat = Frame.fromColumns([
      numberColumn('c', [1, 1, 1, 1]),
      numberColumn('m', [null, null, null, null]),
      numberColumn('y', [0, 1, 0, 1]),
    ]);
    const e = await rejection(train({}, flat));
    expect(e.code).toBe('KEEL_LEARN_BAD_FEATURES');
    expect(e.message).toContain('constant or entirely missing');
  });

  it('keeps constant and all-missing columns in the signature but never splits on them', async () => {
    const n = frame.rowCount;
    const withFlat = frame
      .withColumn(numberColumn('constant', new Array<number>(n).fill(3)))
      .withColumn(numberColumn('empty', new Array<null>(n).fill(null)));
    const model = await train({ numTrees: 5 }, withFlat);
    const imp = Object.fromEntries(model.featureImportance().map((f) => [f.name, f.splits]));
    expect(imp.constant).toBe(0);
    expect(imp.empty).toBe(0);
    expect(model.features.map((f) => f.name)).toContain('constant');
    const e = (() => {
      try {
        predictFrame(model, frame);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(isKeelError(e, 'KEEL_REGISTRY_SIGNATURE_MISMATCH')).toBe(true);
    expect(String((e as Error).message)).toContain('"constant"');
  });

  it('refuses negative weights and unknown feature columns', async () => {
    const weighted = frame.withColumn(
      numberColumn(
        'w',
        Array.from({ length: frame.rowCount }, (_, i) => (i === 7 ? -1 : 1)),
      ),
    );
    const e = await rejection(trainGbdt(weighted, { threads: 1 }, { target: 'y', weightColumn: 'w' }));
    expect(e.code).toBe('KEEL_LEARN_BAD_LABELS');
    expect(e.details).toMatchObject({ column: 'w', row: 7 });
    const f = await rejection(trainGbdt(frame, { threads: 1 }, { target: 'y', features: ['x1', 'nope'] }));
    expect(f.code).toBe('KEEL_LEARN_BAD_FEATURES');
    expect(f.message).toContain('"nope"');
  });

  it('refuses validation labels unseen in training', async () => {
    const validation = Frame.fromColumns([
      numberColumn('x1', [0]),
      numberColumn('x2', [0]),
      categoricalColumn('color', ['red']),
      numberColumn('y', [2]),
    ]);
    const e = await rejection(trainGbdt(frame, { threads: 1 }, { target: 'y', validation }));
    expect(e.code).toBe('KEEL_LEARN_BAD_LABELS');
  });

  it('refuses categorical inputs that are not level codes at prediction', async () => {
    const model = await train({ numTrees: 3 });
    const x = encodeFrame(frame.slice(0, 2), model.features);
    x[2] = 99;
    expect(() => model.predictEncoded(x, 2, new Float64Array(2))).toThrow(/level code/);
  });
});

import { describe, expect, it } from 'vitest';
import { NativePredictor, nativeSignature } from '../../src/serve/index.js';
import { regression, startEngine } from './helpers/engine.js';
import { MemoryRegistry } from './helpers/memory-registry.js';
import { LinearTestModel } from './helpers/test-models.js';

// A model with a numeric, a timestamp and a categorical feature: value = 1 + 2·amount + 10·code(country).
const mixed = new LinearTestModel({
  task: 'regression',
  features: [
    { name: 'amount', kind: 'numeric', type: 'numeric' },
    { name: 'seen_at', kind: 'numeric', type: 'timestamp' },
    { name: 'country', kind: 'categorical', type: 'categorical', levels: ['DE', 'FR', 'US'] },
  ],
  weights: [2, 0, 10],
  bias: 1,
});

describe('native model signatures', () => {
  it('derives the served signature from the model', () => {
    expect(nativeSignature(mixed)).toEqual({
      kind: 'columns',
      inputs: [
        { name: 'amount', type: 'numeric', nullable: true, datatype: 'FP64', shape: [-1] },
        { name: 'seen_at', type: 'timestamp', nullable: true, datatype: 'FP64', shape: [-1] },
        {
          name: 'country',
          type: 'categorical',
          nullable: true,
          levels: ['DE', 'FR', 'US'],
          datatype: 'BYTES',
          shape: [-1],
        },
      ],
      outputs: [{ name: 'value', type: 'numeric', datatype: 'FP64', shape: [-1] }],
      task: 'regression',
    });
    const cls = new LinearTestModel({ ...regression(0), task: 'binary', classes: ['no', 'yes'] });
    expect(nativeSignature(cls).outputs).toEqual([
      { name: 'label', type: 'categorical', levels: ['no', 'yes'], datatype: 'BYTES', shape: [-1] },
      { name: 'probabilities', type: 'numeric', datatype: 'FP64', shape: [-1, 2] },
    ]);
  });

  const p = new NativePredictor(mixed, 'test-linear');
  const strict = { extraFields: 'reject' } as const;
  const bad =
    (records: unknown[], options = strict) =>
    () =>
      p.encodeRecords(records as Record<string, unknown>[], options);

  it('encodes records: categoricals by level, null and unseen levels as missing, ISO timestamps', () => {
    const batch = p.encodeRecords(
      [
        { amount: 2, seen_at: '2024-01-01T00:00:00Z', country: 'US' },
        { amount: null, seen_at: 0, country: 'XX' },
      ],
      strict,
    );
    expect(Array.from(batch.tensors[0]!.data as Float64Array)).toEqual([
      2,
      Date.UTC(2024, 0, 1),
      2,
      Number.NaN,
      0,
      Number.NaN,
    ]);
    const out = p.run(batch);
    expect(p.formatRow(out, 0)).toEqual({ value: 1 + 4 + 20 });
    expect(p.formatRow(out, 1)).toEqual({ value: 1 });
  });

  it('names the row and field of missing, extra and mistyped fields and non-finite numbers', () => {
    const row = { amount: 1, seen_at: 0, country: 'DE' };
    const cases: [unknown[], RegExp, Record<string, unknown>][] = [
      [
        [row, { amount: 1, country: 'DE' }],
        /Record 1: Missing field "seen_at"/,
        { row: 1, field: 'seen_at' },
      ],
      [[{ ...row, amout: 3 }], /Record 0: field "amout" is not an input/, { row: 0, field: 'amout' }],
      [
        [row, row, { ...row, amount: 'ten' }],
        /Record 2: Field "amount" must be a number/,
        { row: 2, field: 'amount' },
      ],
      [[{ ...row, amount: Number.NaN }], /Record 0: Field "amount" must be a finite number/, { row: 0 }],
      [[{ ...row, amount: Number.POSITIVE_INFINITY }], /finite number/, { row: 0 }],
      [[{ ...row, country: { a: 1 } }], /Field "country" must be a string/, { field: 'country' }],
      [[row, null], /Record 1 must be an object/, { row: 1 }],
      [[[1, 2, 3]], /Record 0 must be an object/, { row: 0 }],
    ];
    for (const [records, message, details] of cases) {
      expect(bad(records)).toThrow(expect.objectContaining({ code: 'KEEL_SERVE_BAD_INPUT', status: 400 }));
      try {
        bad(records)();
      } catch (error) {
        expect((error as Error).message).toMatch(message);
        expect((error as { details: object }).details).toMatchObject(details);
      }
    }
  });

  it('ignores extra fields when asked, and always allows the allowed ones', () => {
    const record = { amount: 1, seen_at: 0, country: 'DE', user_id: 'u1', note: 'x' };
    expect(() => p.encodeRecords([record], { extraFields: 'ignore' })).not.toThrow();
    expect(() =>
      p.encodeRecords([record], { extraFields: 'reject', allowedFields: new Set(['user_id']) }),
    ).toThrow(/field "note"/);
  });

  it('encodes OIP columns (pd) and a numeric matrix (np), checking names, datatypes and shapes', () => {
    const columns = p.encodeTensors(
      [
        { name: 'country', datatype: 'BYTES', shape: [2], data: ['FR', 'ZZ'] },
        { name: 'amount', datatype: 'FP32', shape: [2, 1], data: Float32Array.from([1, Number.NaN]) },
        { name: 'seen_at', datatype: 'INT64', shape: [2], data: BigInt64Array.from([5n, 6n]) },
      ],
      'pd',
    );
    expect(Array.from(columns.tensors[0]!.data as Float64Array)).toEqual([
      1,
      5,
      1,
      Number.NaN,
      6,
      Number.NaN,
    ]);
    const numeric = new NativePredictor(new LinearTestModel(regression(0, [1, 2, 3])), 'test-linear');
    const matrix = numeric.encodeTensors(
      [{ name: 'input', datatype: 'FP64', shape: [1, 3], data: Float64Array.from([1, 2, 3]) }],
      undefined,
    );
    expect(numeric.formatRow(numeric.run(matrix), 0)).toEqual({ value: 14 });
    const fails: [Parameters<typeof p.encodeTensors>[0], RegExp][] = [
      [
        [{ name: 'amount', datatype: 'FP64', shape: [1], data: Float64Array.from([1]) }],
        /Input "seen_at" is missing/,
      ],
      [
        [{ name: 'input', datatype: 'FP64', shape: [1, 3], data: Float64Array.from([1, 2, 3]) }],
        /categorical feature "country"/,
      ],
      [
        [
          { name: 'amount', datatype: 'BYTES', shape: [1], data: ['1'] },
          { name: 'seen_at', datatype: 'FP64', shape: [1], data: Float64Array.from([1]) },
          { name: 'country', datatype: 'BYTES', shape: [1], data: ['DE'] },
        ],
        /"amount" is BYTES but feature "amount" is numeric/,
      ],
      [
        [
          { name: 'amount', datatype: 'FP64', shape: [2], data: Float64Array.from([1, 2]) },
          { name: 'seen_at', datatype: 'FP64', shape: [1], data: Float64Array.from([1]) },
          { name: 'country', datatype: 'BYTES', shape: [1], data: ['DE'] },
        ],
        /has 1 rows but the other inputs have 2/,
      ],
      [
        [
          { name: 'amount', datatype: 'FP64', shape: [1, 2], data: Float64Array.from([1, 2]) },
          { name: 'seen_at', datatype: 'FP64', shape: [1], data: Float64Array.from([1]) },
          { name: 'country', datatype: 'BYTES', shape: [1], data: ['DE'] },
        ],
        /a column takes shape \[rows\] or \[rows, 1\]/,
      ],
    ];
    for (const [inputs, message] of fails) {
      expect(() => p.encodeTensors(inputs, undefined)).toThrow(message);
    }
  });
});

describe('signature checks through the engine', async () => {
  const registry = new MemoryRegistry();
  registry.add('mixed', 'test-linear', mixed.serialize());
  const engine = await startEngine(registry);
  await engine.load('mixed');

  it('OIP requests: element counts, datatypes, missing values and unknown outputs', async () => {
    const ok = await engine.infer('mixed', undefined, {
      parameters: { content_type: 'pd' },
      inputs: [
        { name: 'amount', datatype: 'FP64', shape: [2], data: [1, null] },
        { name: 'seen_at', datatype: 'INT32', shape: [2], data: [0, 0] },
        { name: 'country', datatype: 'BYTES', shape: [2], data: ['US', 'DE'] },
      ],
    });
    expect(ok.outputs).toEqual([{ name: 'value', datatype: 'FP64', shape: [2], data: [23, 1] }]);
    const cases: [unknown, RegExp][] = [
      [
        { inputs: [{ name: 'amount', datatype: 'FP64', shape: [3], data: [1, 2] }] },
        /has 2 elements but shape \[3\] needs 3/,
      ],
      [
        { inputs: [{ name: 'amount', datatype: 'FP64', shape: [1], data: ['1'] }] },
        /element 0 must be a finite number/,
      ],
      [
        { inputs: [{ name: 'amount', datatype: 'FLOAT', shape: [1], data: [1] }] },
        /datatype "FLOAT"; use one of/,
      ],
      [
        { inputs: [{ name: 'amount', datatype: 'INT8', shape: [1], data: [300] }] },
        /whole number in \[-128, 127\]/,
      ],
      [{ inputs: [{ name: 'amount', datatype: 'FP16', shape: [1], data: [1] }] }, /cannot travel as JSON/],
      [
        {
          inputs: [
            { name: 'a', datatype: 'FP64', shape: [1], data: [1] },
            { name: 'a', datatype: 'FP64', shape: [1], data: [1] },
          ],
        },
        /appears twice/,
      ],
      [{ inputs: [] }, /non-empty array/],
      [{ inputs: [{ name: 'amount', datatype: 'FP64', shape: [-1], data: [] }] }, /whole numbers >= 0/],
    ];
    for (const [body, message] of cases) {
      await expect(engine.infer('mixed', undefined, body)).rejects.toThrow(message);
    }
    await expect(
      engine.infer('mixed', undefined, {
        inputs: [
          { name: 'amount', datatype: 'FP64', shape: [1], data: [1] },
          { name: 'seen_at', datatype: 'FP64', shape: [1], data: [1] },
          { name: 'country', datatype: 'BYTES', shape: [1], data: ['DE'] },
        ],
        outputs: [{ name: 'probability' }],
      }),
    ).rejects.toThrow(/Output "probability" does not exist/);
  });
});

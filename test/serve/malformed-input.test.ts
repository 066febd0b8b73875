import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKeelError } from '../../src/core/index.js';
import type { InferenceEngine } from '../../src/serve/index.js';
import { startEngine } from './helpers/engine.js';
import { MemoryRegistry } from './helpers/memory-registry.js';
import { boolAndStrings } from './helpers/onnx-builder.js';
import { LinearTestModel } from './helpers/test-models.js';

const mixed = new LinearTestModel({
  task: 'binary',
  features: [
    { name: 'x0', kind: 'numeric', type: 'numeric' },
    { name: 'x1', kind: 'numeric', type: 'timestamp' },
    { name: 'c', kind: 'categorical', type: 'categorical', levels: ['a', 'b'] },
  ],
  weights: [1, 0, 1],
  bias: 0,
  classes: ['n', 'y'],
});

/** Runs `call` and asserts it either answers or fails with a KeelError of a 4xx status — never a crash or a 5xx. */
async function neverCrashes(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isKeelError(error)) throw new Error(`not a KeelError: ${String(error)}`);
    if (error.status < 400 || error.status >= 500)
      throw new Error(`status ${error.status}: ${error.code} ${error.message}`);
  }
}

const scalar = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    2 ** 60,
    null,
    true,
    false,
  ),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('a', 'b', '2024-01-01T00:00:00Z', '1', ''),
);
const value = fc.oneof(
  { depthSize: 'small' },
  scalar,
  fc.array(scalar, { maxLength: 40 }),
  fc.array(fc.array(scalar, { maxLength: 31 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const fieldName = fc.constantFrom(
  'x0',
  'x1',
  'c',
  'input',
  'flag',
  'text',
  'extra',
  '__proto__',
  'constructor',
);
const record = fc.dictionary(fieldName, value, { maxKeys: 5 });
const datatype = fc.constantFrom(
  'FP32',
  'FP64',
  'INT64',
  'INT32',
  'INT8',
  'UINT8',
  'BOOL',
  'BYTES',
  'FP16',
  'fp32',
  'STRING',
  '',
);
const shape = fc.oneof(
  fc.array(fc.integer({ min: -2, max: 40 }), { maxLength: 4 }),
  fc.constant([1e9, 1e9]),
  fc.constant([2 ** 53, 3]),
  fc.constant([1, 30]),
  fc.constant([0, 30]),
  fc.constant(['1', 30]),
);
const tensor = fc.record(
  {
    name: fieldName,
    datatype,
    shape,
    data: value,
    parameters: fc.option(fc.dictionary(fc.string(), scalar, { maxKeys: 2 }), { nil: undefined }),
  },
  { requiredKeys: ['name'] },
);
const numberish = fc.oneof(
  { weight: 80, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: scalar },
);
// Near-valid requests: right names and datatypes, occasionally perturbed, so checks deep inside run.
const nearTrees = fc.record({
  inputs: fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(30, 30, 30, 29, 31),
      fc.integer({ min: -1, max: 1 }),
    )
    .chain(([n, w, skew]) =>
      fc
        .array(numberish, { minLength: Math.max(0, n * w + skew), maxLength: Math.max(0, n * w + skew) })
        .map((data) => [{ name: 'input', datatype: 'FP32', shape: [n, w], data }]),
    ),
});
const column = (name: string, dt: string) =>
  fc
    .tuple(
      fc.constantFrom([2], [2], [2, 1], [2, 2], [3]),
      fc.array(
        dt === 'BYTES'
          ? fc.oneof(
              { weight: 20, arbitrary: fc.constantFrom('a', 'b', 'zz') },
              { weight: 1, arbitrary: scalar },
            )
          : dt === 'INT32'
            ? fc.oneof({ weight: 20, arbitrary: fc.integer() }, { weight: 1, arbitrary: scalar })
            : numberish,
        { minLength: 2, maxLength: 3 },
      ),
    )
    .map(([sh, data]) => ({ name, datatype: dt, shape: sh, data }));
const nearMixed = fc.record({
  parameters: fc.constantFrom({ content_type: 'pd' }, {}),
  inputs: fc
    .tuple(column('x0', 'FP64'), column('x1', 'INT32'), column('c', 'BYTES'), fc.boolean())
    .map(([a, b, c, drop]) => (drop ? [a, c] : [a, b, c])),
});
const body = fc.oneof(
  fc.record({
    id: fc.option(fc.string(), { nil: undefined }),
    inputs: fc.array(tensor, { maxLength: 4 }),
    outputs: fc.option(fc.array(fc.record({ name: fieldName })), { nil: undefined }),
  }),
  nearTrees,
  nearMixed,
  fc.anything(),
);
const nearRecord = fc.record(
  {
    x0: numberish,
    x1: fc.oneof(numberish, fc.constant('2024-01-01T00:00:00Z')),
    c: fc.oneof(fc.constantFrom('a', 'b', 'q', null), scalar),
  },
  { requiredKeys: [] },
);

describe('malformed input never crashes the engine', async () => {
  const registry = new MemoryRegistry();
  registry.add('mixed', 'test-linear', mixed.serialize());
  registry.add(
    'trees',
    'onnx',
    readFileSync(new URL('../fixtures/onnx/trees_breast_cancer.onnx', import.meta.url)),
  );
  registry.add('flags', 'onnx', boolAndStrings());
  registry.put('live', { stickyKey: 'x0', variants: [{ name: 'primary', ref: 'mixed/1', weight: 1 }] });
  const engine: InferenceEngine = await startEngine(registry, {
    maxRowsPerRequest: 50,
    maxElementsPerRequest: 100_000,
  });
  await engine.load('trees/1');
  await engine.load('flags');
  await engine.load('mixed/1');

  it('records API: any records, any target name → an answer or a 4xx KeelError', async () => {
    const target = fc.constantFrom('live', 'mixed/1', 'trees/1', 'flags', 'nope', 'nope@x', '../etc');
    await fc.assert(
      fc.asyncProperty(
        target,
        fc.array(fc.oneof(record, nearRecord, nearRecord), { maxLength: 4 }),
        async (name, records) => {
          await neverCrashes(() =>
            name === 'live' ? engine.predictDeployment(name, records) : engine.predictModel(name, records),
          );
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('OIP API: any body, any model and version → an answer or a 4xx KeelError', async () => {
    const target = fc.constantFrom('live', 'mixed/1', 'trees/1', 'flags', 'unknown');
    const version = fc.constantFrom(undefined, 1, '1', '2', 'x', -1, 0);
    await fc.assert(
      fc.asyncProperty(target, version, body, async (name, v, b) => {
        await neverCrashes(() => engine.infer(name, v, b));
      }),
      { numRuns: 600, seed: 11 },
    );
  });

  it('huge inputs are refused with 413 before any work', async () => {
    const rows = Array.from({ length: 51 }, () => ({ x0: 1, x1: 1, c: 'a' }));
    await expect(engine.predictDeployment('live', rows)).rejects.toMatchObject({
      code: 'KEEL_SERVE_PAYLOAD_TOO_LARGE',
      status: 413,
    });
    await expect(
      engine.infer('trees/1', undefined, {
        inputs: [{ name: 'input', datatype: 'FP32', shape: [100_000, 30], data: [] }],
      }),
    ).rejects.toMatchObject({ code: 'KEEL_SERVE_PAYLOAD_TOO_LARGE' });
    await expect(
      engine.infer('trees/1', undefined, {
        inputs: [{ name: 'input', datatype: 'FP32', shape: [60, 30], data: new Float32Array(1800) }],
      }),
    ).rejects.toMatchObject({ code: 'KEEL_SERVE_PAYLOAD_TOO_LARGE' });
  });

  it('valid requests still answer after the fuzzing', async () => {
    expect(await engine.predictDeployment('live', [{ x0: 1, x1: 0, c: 'b' }])).toMatchObject({
      outputs: [{ label: 'y' }],
    });
    const zero = await engine.infer('trees/1', undefined, {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [0, 30], data: [] }],
    });
    expect(zero.outputs[1]).toMatchObject({ shape: [0, 2], data: [] });
  });
});

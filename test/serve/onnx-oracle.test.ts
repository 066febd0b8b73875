import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnxModelInfo, readOnnxSignature } from '../../src/serve/index.js';
import { startEngine } from './helpers/engine.js';
import { MemoryRegistry } from './helpers/memory-registry.js';
import { boolAndStrings, fixedShapeIdentity, int64Add, zipMapClassifier } from './helpers/onnx-builder.js';

const fixture = (name: string): URL => new URL(`../fixtures/onnx/${name}`, import.meta.url);

interface Expected {
  readonly features: readonly string[];
  readonly inputs: readonly (readonly (number | null)[])[];
  readonly outputs: Readonly<Record<string, readonly (number | readonly number[])[]>>;
}

/** |actual − expected| <= 1e-5 · max(1, |expected|): 1e-5 relative, absolute near zero (float32 models). */
function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
}

const ORACLES = [
  { file: 'linear_breast_cancer', task: 'binary', outputs: ['label', 'probabilities'] },
  { file: 'trees_breast_cancer', task: 'binary', outputs: ['label', 'probabilities'] },
  { file: 'trees_diabetes', task: 'regression', outputs: ['variable'] },
] as const;

describe('ONNX oracle models served by the engine', async () => {
  const registry = new MemoryRegistry();
  for (const o of ORACLES) registry.add(o.file, 'onnx', readFileSync(fixture(`${o.file}.onnx`)));
  const engine = await startEngine(registry);
  for (const o of ORACLES) await engine.load(`${o.file}/1`);

  for (const o of ORACLES) {
    it(`${o.file}: infer returns the recorded outputs (1e-5 relative), NaN rows included`, async () => {
      const expected = JSON.parse(readFileSync(fixture(`${o.file}.expected.json`), 'utf8')) as Expected;
      const rows = expected.inputs.length;
      const p = expected.features.length;
      const response = await engine.infer(o.file, 1, {
        id: 'req-1',
        inputs: [{ name: 'input', datatype: 'FP32', shape: [rows, p], data: expected.inputs }],
      });
      expect(response.model_name).toBe(o.file);
      expect(response.model_version).toBe('1');
      expect(response.id).toBe('req-1');
      expect(response.outputs.map((t) => t.name)).toEqual(o.outputs);
      let worst = 0;
      for (const out of response.outputs) {
        const want = expected.outputs[out.name]!.flat();
        expect(out.data).toHaveLength(want.length);
        out.data.forEach((v, i) => {
          const w = want[i] as number;
          worst = Math.max(worst, Math.abs((v as number) - w) / Math.max(1, Math.abs(w)));
          expect(close(v as number, w), `${out.name}[${i}] = ${v}, expected ${w}`).toBe(true);
        });
      }
      expect(worst).toBeLessThan(1e-5);
    });

    it(`${o.file}: the records API and single-row requests agree with the batch`, async () => {
      const expected = JSON.parse(readFileSync(fixture(`${o.file}.expected.json`), 'utf8')) as Expected;
      const records = expected.inputs.map((row) => ({ input: row }));
      const result = await engine.predictModel(`${o.file}/1`, records);
      expect(result).toMatchObject({
        model: o.file,
        version: 1,
        deployment: null,
        variant: null,
        cached: false,
      });
      const key = o.outputs[o.outputs.length - 1]!;
      result.outputs.forEach((row, i) => {
        const want = [expected.outputs[key]![i]!].flat() as number[];
        const got = [row[key]].flat() as number[];
        got.forEach((g, k) => {
          expect(close(g, want[k]!)).toBe(true);
        });
      });
      // onnxruntime may round a one-row call differently (float32 gemv vs gemm): compare with tolerance.
      const one = await engine.predictModel(`${o.file}/1`, [records[3]!]);
      const a = [one.outputs[0]![key]].flat() as number[];
      const b = [result.outputs[3]![key]].flat() as number[];
      a.forEach((v, k) => {
        expect(close(v, b[k]!)).toBe(true);
      });
    });
  }

  it('reads signatures: datatypes, dynamic dims as -1, class labels and task from the graph', async () => {
    const cls = await readOnnxSignature(fixture('trees_breast_cancer.onnx').pathname);
    expect(cls).toEqual({
      kind: 'tensors',
      inputs: [{ name: 'input', type: 'numeric', datatype: 'FP32', shape: [-1, 30] }],
      outputs: [
        { name: 'label', type: 'integer', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', type: 'numeric', datatype: 'FP32', shape: [-1, 2] },
      ],
      classes: ['0', '1'],
      task: 'binary',
    });
    const reg = readOnnxModelInfo(readFileSync(fixture('trees_diabetes.onnx')));
    expect(reg.signature.task).toBe('regression');
    expect(reg.signature.classes).toBeUndefined();
    expect(reg.signature.outputs).toEqual([
      { name: 'variable', type: 'numeric', datatype: 'FP32', shape: [-1, 1] },
    ]);
    expect(reg.opsets).toEqual(expect.arrayContaining([{ domain: 'ai.onnx.ml', version: 3 }]));
    const linear = await readOnnxSignature(readFileSync(fixture('linear_breast_cancer.onnx')));
    expect(linear.classes).toEqual(['0', '1']);
  });

  it('reads ZipMap string labels and leaves its non-tensor output out', () => {
    const info = readOnnxModelInfo(zipMapClassifier());
    expect(info.signature.classes).toEqual(['neg', 'pos']);
    expect(info.signature.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(info.omittedOutputs).toEqual([{ name: 'output_probability', kind: 'sequence' }]);
  });

  it('refuses bytes that are not an ONNX model with KEEL_SERVE_BAD_MODEL', async () => {
    expect(() => readOnnxModelInfo(new TextEncoder().encode('definitely not onnx'))).toThrow(
      expect.objectContaining({ code: 'KEEL_SERVE_BAD_MODEL' }),
    );
    await expect(readOnnxSignature('/no/such/file.onnx')).rejects.toMatchObject({
      code: 'KEEL_DATA_FILE_NOT_FOUND',
    });
  });
});

describe('ONNX datatypes through the engine', async () => {
  const registry = new MemoryRegistry();
  registry.add('zip', 'onnx', zipMapClassifier());
  registry.add('adder', 'onnx', int64Add());
  registry.add('flags', 'onnx', boolAndStrings());
  registry.add('fixed', 'onnx', fixedShapeIdentity());
  const engine = await startEngine(registry);
  for (const m of ['zip', 'adder', 'flags', 'fixed']) await engine.load(m);

  it('serves string labels from a ZipMap classifier', async () => {
    const r = await engine.infer('zip', undefined, {
      inputs: [
        {
          name: 'x',
          datatype: 'FP32',
          shape: [2, 2],
          data: [
            [3, 0],
            [0, 3],
          ],
        },
      ],
    });
    expect(r.outputs[0]).toEqual({ name: 'label', datatype: 'BYTES', shape: [2], data: ['pos', 'neg'] });
    const p = r.outputs[1]!.data as number[];
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
  });

  it('adds INT64 exactly, decimal strings beyond 2^53 included', async () => {
    const r = await engine.infer('adder', undefined, {
      inputs: [
        { name: 'a', datatype: 'INT64', shape: [2, 2], data: [1, 2, 3, '4000000000'] },
        { name: 'b', datatype: 'INT64', shape: [2, 2], data: [10, 20, 30, 40] },
      ],
      outputs: [{ name: 'sum' }],
    });
    expect(r.outputs[0]).toEqual({
      name: 'sum',
      datatype: 'INT64',
      shape: [2, 2],
      data: [11, 22, 33, 4000000040],
    });
  });

  it('handles BOOL and BYTES tensors', async () => {
    const r = await engine.infer('flags', undefined, {
      inputs: [
        { name: 'flag', datatype: 'BOOL', shape: [3], data: [true, false, true] },
        { name: 'text', datatype: 'BYTES', shape: [3], data: ['a', 'ü', ''] },
      ],
    });
    expect(r.outputs).toEqual([
      { name: 'negated', datatype: 'BOOL', shape: [3], data: [false, true, false] },
      { name: 'same', datatype: 'BYTES', shape: [3], data: ['a', 'ü', ''] },
    ]);
  });

  it('serves a fixed-shape model and refuses other shapes', async () => {
    const r = await engine.infer('fixed', undefined, {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, 2, 3] }],
    });
    expect(r.outputs[0]!.data).toEqual([1, 2, 3]);
    await expect(
      engine.infer('fixed', undefined, {
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
      }),
    ).rejects.toMatchObject({ code: 'KEEL_SERVE_BAD_INPUT', status: 400 });
  });
});

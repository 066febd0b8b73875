import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InferResponse } from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { classifier, regression, startEngine } from './helpers/engine.js';
import { Gate, gatedPredictors, MemoryRegistry } from './helpers/memory-registry.js';
import { fixedShapeIdentity } from './helpers/onnx-builder.js';
import { rng } from './helpers/test-models.js';

const gatedBytes = (bias: number): Uint8Array => new TextEncoder().encode(JSON.stringify(regression(bias)));

describe('dynamic batching', () => {
  it('coalesces concurrent requests into runtime calls of at most maxBatchSize rows, results unchanged', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', classifier(0.5, [1, -2, 0.25]));
    const batched = await startEngine(registry, { models: { m: { batching: { maxBatchSize: 16 } } } });
    const plain = await startEngine(registry);
    await batched.load('m');
    await plain.load('m');
    const r = rng(7);
    const records = Array.from({ length: 60 }, () => ({ x0: r() * 4 - 2, x1: r() * 4 - 2, x2: r() }));
    const together = await Promise.all(records.map((rec) => batched.predictModel('m', [rec])));
    const alone: unknown[] = [];
    for (const rec of records) alone.push((await plain.predictModel('m', [rec])).outputs[0]);
    expect(together.map((t) => t.outputs[0])).toEqual(alone);
    const [stats] = batched.modelStats();
    expect(stats).toMatchObject({ success: 60, rows: 60 });
    expect(stats!.executions).toBeGreaterThanOrEqual(4);
    expect(stats!.executions).toBeLessThan(60);
    expect(plain.modelStats()[0]).toMatchObject({ executions: 60, rows: 60 });
  });

  it('batched equals unbatched for any mix of request sizes (property)', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(3, [0.5, -1.5]));
    const batched = await startEngine(registry, { models: { m: { batching: { maxBatchSize: 8 } } } });
    await batched.load('m');
    const row = fc.record({
      x0: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      x1: fc.oneof(fc.constant(null), fc.integer()),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(row, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 10 }),
        async (requests) => {
          const results = await Promise.all(requests.map((recs) => batched.predictModel('m', recs)));
          results.forEach((res, k) => {
            const want = requests[k]!.map((rec) => ({ value: 3 + 0.5 * rec.x0 - 1.5 * (rec.x1 ?? 0) }));
            expect(res.outputs).toEqual(want);
          });
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });

  it('sends never more than maxBatchSize rows to the runtime and keeps request order', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.add('g', 'test-gated', gatedBytes(0));
    const engine = await startEngine(registry, {
      gate,
      models: { g: { batching: { maxBatchSize: 5 }, maxConcurrency: 1 } },
    });
    await engine.load('g');
    const predictor = gatedPredictors.at(-1)!;
    const pending = Array.from({ length: 12 }, (_, i) => engine.predictModel('g', [{ x0: i, x1: 0 }]));
    await waitFor(() => gate.waiting === 1);
    gate.release(true);
    const results = await Promise.all(pending);
    expect(results.map((r) => r.outputs[0]!.value)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(predictor.batchSizes.every((n) => n <= 5)).toBe(true);
    expect(predictor.batchSizes.reduce((a, b) => a + b, 0)).toBe(12);
    expect(predictor.batchSizes.length).toBeLessThanOrEqual(4);
  });

  it('holds a partial batch for up to maxQueueDelayUs to let later requests join', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(0));
    const engine = await startEngine(registry, {
      models: { m: { batching: { maxBatchSize: 64, maxQueueDelayUs: 50_000 } } },
    });
    await engine.load('m');
    const first = engine.predictModel('m', [{ x0: 1, x1: 0 }]);
    await new Promise((r) => setImmediate(r));
    const second = engine.predictModel('m', [{ x0: 2, x1: 0 }]);
    expect((await Promise.all([first, second])).map((r) => r.outputs[0]!.value)).toEqual([1, 2]);
    expect(engine.modelStats()[0]!.executions).toBe(1);
  });

  it('batches ONNX models by default with the same answers as single calls', async () => {
    const registry = new MemoryRegistry();
    registry.add(
      'trees',
      'onnx',
      readFileSync(new URL('../fixtures/onnx/trees_breast_cancer.onnx', import.meta.url)),
    );
    registry.add('fixed', 'onnx', fixedShapeIdentity());
    const engine = await startEngine(registry);
    await engine.load('trees');
    await engine.load('fixed');
    const r = rng(3);
    const rows = Array.from({ length: 40 }, () => Array.from({ length: 30 }, () => r() * 100));
    const infer = (row: number[]) =>
      engine.infer('trees', undefined, {
        inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 30], data: row }],
      });
    const together = await Promise.all(rows.map(infer));
    const alone: InferResponse[] = [];
    for (const row of rows) alone.push(await infer(row));
    together.forEach((t, i) => {
      const a = t.outputs[1]!.data as number[];
      const b = alone[i]!.outputs[1]!.data as number[];
      a.forEach((v, k) => {
        expect(Math.abs(v - b[k]!)).toBeLessThan(1e-6);
      });
      expect(t.outputs[0]!.data).toEqual(alone[i]!.outputs[0]!.data);
    });
    const stats = engine.modelStats().find((s) => s.model === 'trees')!;
    expect(stats.rows).toBe(80);
    expect(stats.executions).toBeLessThan(60);

    const fixed = await Promise.all(
      [1, 2, 3].map((v) =>
        engine.infer('fixed', undefined, {
          inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [v, v, v] }],
        }),
      ),
    );
    expect(fixed.map((f) => f.outputs[0]!.data)).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
    ]);
    expect(engine.modelStats().find((s) => s.model === 'fixed')!.executions).toBe(3);
  });
});

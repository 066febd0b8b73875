import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { TensorBatch } from '../../src/serve/index.js';
import { decodeBatch, encodeBatch } from '../../src/serve/internal/batch-codec.js';
import { exactRowsKey, NearCache } from '../../src/serve/internal/near-cache.js';
import type { CacheStore } from '../../src/storage/index.js';
import { MemoryCacheStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { classifier, regression, startEngine } from './helpers/engine.js';
import { Gate, gatedPredictors, MemoryRegistry } from './helpers/memory-registry.js';

// `clock` is the store's: the cache's in-process copies expire on it too.
async function cachedEngine(store: CacheStore, registry: MemoryRegistry, gate?: Gate, clock?: ManualClock) {
  return startEngine(registry, {
    cache: { store, ttlMs: 1000, ...(clock ? { clock } : {}) },
    modelDefaults: { cache: true },
    ...(gate ? { gate } : {}),
  });
}

describe('prediction cache', () => {
  it('misses, then hits on the same model input whatever the key order, number format or ignored fields', async () => {
    const clock = new ManualClock();
    const registry = new MemoryRegistry();
    registry.addLinear('m', classifier(0.1));
    registry.put('live', {
      variants: [{ name: 'primary', ref: 'm@prod', weight: 1 }],
      options: { extraFields: 'ignore' },
    });
    registry.setAlias('m', 'prod', 1);
    const engine = await cachedEngine(new MemoryCacheStore(clock), registry, undefined, clock);
    const first = await engine.predictDeployment('live', [{ x0: 1, x1: 2 }]);
    expect(first.cached).toBe(false);
    const again = await engine.predictDeployment('live', [{ x1: 2.0, x0: 1, request_id: 'abc' }]);
    expect(again).toEqual({ ...first, cached: true });
    expect(engine.cacheStats()).toMatchObject({ hits: 1, misses: 1, errors: 0 });
    expect(engine.modelStats()[0]!.rows).toBe(1);

    expect((await engine.predictDeployment('live', [{ x0: 1, x1: 2 }], { cache: false })).cached).toBe(false);
    await clock.advance(1000);
    expect((await engine.predictDeployment('live', [{ x0: 1, x1: 2 }])).cached).toBe(false);
  });

  it('caches per row: a multi-row request reuses known rows and computes only the new ones', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(0));
    const engine = await cachedEngine(new MemoryCacheStore(new ManualClock()), registry);
    await engine.load('m');
    const a = { x0: 1, x1: 0 };
    const b = { x0: 2, x1: 0 };
    await engine.predictModel('m', [a]);
    const mixed = await engine.predictModel('m', [b, a, b]);
    expect(mixed).toMatchObject({ cached: false, outputs: [{ value: 2 }, { value: 1 }, { value: 2 }] });
    expect(engine.modelStats()[0]!.rows).toBe(2);
    expect(await engine.predictModel('m', [a, b])).toMatchObject({
      cached: true,
      outputs: [{ value: 1 }, { value: 2 }],
    });
  });

  it('shares entries between the records and the OIP APIs, and scopes them to the model version', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(0));
    registry.addLinear('m', regression(50));
    registry.setAlias('m', 'prod', 1);
    const engine = await cachedEngine(new MemoryCacheStore(new ManualClock()), registry);
    await engine.load('m@prod');
    await engine.predictModel('m@prod', [{ x0: 1, x1: 1 }]);
    const oip = await engine.infer('m@prod', undefined, {
      inputs: [
        { name: 'x0', datatype: 'INT32', shape: [1], data: [1] },
        { name: 'x1', datatype: 'FP64', shape: [1, 1], data: [[1]] },
      ],
    });
    expect(oip.parameters).toMatchObject({ cached: true, model: 'm' });
    expect(oip.outputs[0]!.data).toEqual([3]);
    registry.setAlias('m', 'prod', 2);
    await engine.poll();
    expect(await engine.predictModel('m@prod', [{ x0: 1, x1: 1 }])).toMatchObject({
      version: 2,
      cached: false,
      outputs: [{ value: 53 }],
    });
  });

  it('computes identical concurrent misses once (single-flight)', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.add('g', 'test-gated', new TextEncoder().encode(JSON.stringify(regression(7))));
    const engine = await cachedEngine(new MemoryCacheStore(new ManualClock()), registry, gate);
    await engine.load('g');
    const predictor = gatedPredictors.at(-1)!;
    const all = Array.from({ length: 10 }, () => engine.predictModel('g', [{ x0: 1, x1: 1 }]));
    await waitFor(() => gate.waiting === 1);
    gate.release(true);
    const results = await Promise.all(all);
    expect(new Set(results.map((r) => r.outputs[0]!.value))).toEqual(new Set([10]));
    expect(predictor.batchSizes).toEqual([1]);
    expect(engine.cacheStats()).toMatchObject({ misses: 1, coalesced: 9 });
  });

  it('treats a failing cache store as misses: requests still succeed', async () => {
    const broken: CacheStore = {
      backend: 'broken',
      capabilities: { nativeTtl: true, shared: true, boundedLru: false },
      get: async () => {
        throw new Error('connection refused');
      },
      set: async () => {
        throw new Error('connection refused');
      },
      delete: async () => 0,
      clearNamespace: async () => 0,
      close: async () => {},
    };
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(1));
    const engine = await cachedEngine(broken, registry);
    await engine.load('m');
    for (let i = 0; i < 3; i++) {
      expect(await engine.predictModel('m', [{ x0: 1, x1: 0 }])).toMatchObject({
        cached: false,
        outputs: [{ value: 2 }],
      });
    }
    await waitFor(() => engine.cacheStats()!.errors === 6);
  });

  it('answers inputs it wrote from its own copy: synchronously, without a store read, until the TTL', async () => {
    const clock = new ManualClock();
    const inner = new MemoryCacheStore(clock);
    let reads = 0;
    const counting: CacheStore = Object.assign(Object.create(inner) as CacheStore, {
      get: (namespace: string, keys: readonly string[]) => {
        reads++;
        return inner.get(namespace, keys);
      },
    });
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(0));
    registry.put('live', { variants: [{ name: 'primary', ref: 'm', weight: 1 }] });
    const engine = await cachedEngine(counting, registry, undefined, clock);
    const first = await engine.predictDeployment('live', [{ x0: 1, x1: 2 }]);
    expect(first).toMatchObject({ cached: false, outputs: [{ value: 5 }] });
    await new Promise((r) => setImmediate(r)); // the store write settles after the answer
    const readsBefore = reads;
    const again = engine.predictDeploymentNow('live', [{ x1: 2, x0: 1.0 }]);
    expect(again).toEqual({ ...first, cached: true });
    expect(reads).toBe(readsBefore);
    // A multi-row request answers from the copy only when every row is held.
    expect(
      engine.predictDeploymentNow('live', [
        { x0: 1, x1: 2 },
        { x0: 1, x1: 2 },
      ]),
    ).toMatchObject({
      cached: true,
      outputs: [{ value: 5 }, { value: 5 }],
    });
    const mixed = engine.predictDeploymentNow('live', [
      { x0: 1, x1: 2 },
      { x0: 0, x1: 0 },
    ]);
    expect(mixed).toBeInstanceOf(Promise);
    expect(await mixed).toMatchObject({ cached: false, outputs: [{ value: 5 }, { value: 0 }] });
    await clock.advance(1000);
    const expired = engine.predictDeploymentNow('live', [{ x0: 1, x1: 2 }]);
    expect(expired).toBeInstanceOf(Promise);
    expect(await expired).toMatchObject({ cached: false });
  });

  it('keeps no copy of what the store refused, and a bounded number of copies', async () => {
    const clock = new ManualClock();
    const near = new NearCache(clock, 2);
    const batch = (v: number): TensorBatch => ({
      rows: 1,
      tensors: [{ name: 'value', datatype: 'FP64', shape: [1], data: new Float64Array([v]) }],
    });
    near.set('a', batch(1), clock.now() + 10);
    near.set('b', batch(2), clock.now() + 10);
    near.set('c', batch(3), clock.now() + 10);
    expect([near.get('a'), near.get('b')?.rows, near.get('c')?.rows]).toEqual([undefined, 1, 1]);
    await clock.advance(10);
    expect(near.get('b')).toBeUndefined();
    expect(near.size).toBe(1);

    const scope = { model: 'm', version: 1, artifactDigest: 'd' };
    const x = (values: number[]): TensorBatch => ({
      rows: values.length,
      tensors: [{ name: 'x', datatype: 'FP64', shape: [values.length, 1], data: new Float64Array(values) }],
    });
    expect(exactRowsKey(scope, x([1, 2]), 1, 1)).toBe(exactRowsKey(scope, x([2]), 0, 1));
    expect(exactRowsKey(scope, x([1]), 0, 1)).not.toBe(exactRowsKey(scope, x([-0]), 0, 1));
    expect(exactRowsKey(scope, x([1]), 0, 1)).not.toBe(exactRowsKey({ ...scope, version: 2 }, x([1]), 0, 1));

    const refusing: CacheStore = Object.assign(Object.create(new MemoryCacheStore(clock)) as CacheStore, {
      set: async () => {
        throw new Error('read-only replica');
      },
    });
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(1));
    const engine = await cachedEngine(refusing, registry, undefined, clock);
    await engine.load('m');
    await engine.predictModel('m', [{ x0: 1, x1: 0 }]);
    await waitFor(() => engine.cacheStats()!.errors === 1);
    const next = engine.predictModel('m', [{ x0: 1, x1: 0 }]);
    expect(await next).toMatchObject({ cached: false, outputs: [{ value: 2 }] });
  });

  it('encodes cached outputs exactly: NaN, -0, bigint, booleans and strings', () => {
    const batch: TensorBatch = {
      rows: 2,
      tensors: [
        { name: 'f', datatype: 'FP64', shape: [2], data: Float64Array.from([Number.NaN, -0]) },
        { name: 'i', datatype: 'INT64', shape: [2, 1], data: BigInt64Array.from([2n ** 60n, -1n]) },
        { name: 'b', datatype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) },
        { name: 's', datatype: 'BYTES', shape: [2], data: ['ä', ''] },
        { name: 'h', datatype: 'FP32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) },
      ],
    };
    const back = decodeBatch(encodeBatch(batch));
    expect(back.rows).toBe(2);
    back.tensors.forEach((t, k) => {
      expect(t.name).toBe(batch.tensors[k]!.name);
      expect(t.shape).toEqual(batch.tensors[k]!.shape);
      expect(Array.from(t.data as ArrayLike<unknown>)).toEqual(
        Array.from(batch.tensors[k]!.data as ArrayLike<unknown>),
      );
      expect(t.data.constructor).toBe(batch.tensors[k]!.data.constructor);
    });
    expect(Object.is((back.tensors[0]!.data as Float64Array)[1], -0)).toBe(true);
    expect(() => decodeBatch(new Uint8Array([255, 0, 0, 0]))).toThrow(
      expect.objectContaining({ code: 'KEEL_INTERNAL' }),
    );
  });
});

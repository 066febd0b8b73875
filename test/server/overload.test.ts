import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ModelLoaders, Predictor } from '../../src/serve/index.js';
import { NativePredictor } from '../../src/serve/index.js';
import { LoadGuard } from '../../src/server/index.js';
import { waitFor } from '../helpers/poll.js';
import { classifier } from '../serve/helpers/engine.js';
import { Gate, MemoryRegistry, testLoaders } from '../serve/helpers/memory-registry.js';
import { LinearTestModel } from '../serve/helpers/test-models.js';
import { testServer } from './helpers/server.js';

const CONCURRENCY = 2;
const QUEUE = 8;

/** `test-slow`: a model whose every run takes `ms` of wall time off the event loop (like a native session). */
function slowLoaders(ms: number): ModelLoaders {
  return {
    ...testLoaders(),
    'test-slow': async (artifact) => {
      const inner = new NativePredictor(LinearTestModel.load(artifact.bytes!), 'test-slow');
      const p: Predictor = {
        info: { ...inner.info, synchronous: false, batchingByDefault: false },
        encodeRecords: (r, o) => inner.encodeRecords(r, o),
        encodeTensors: (t, c) => inner.encodeTensors(t, c),
        toOipOutputs: (o) => inner.toOipOutputs(o),
        formatRow: (o, i) => inner.formatRow(o, i),
        warmupInput: (n) => inner.warmupInput(n),
        release: () => inner.release(),
        run: (input) => new Promise((resolve) => setTimeout(() => resolve(inner.run(input)), ms)),
      };
      return p;
    },
  };
}

async function listen(server: Awaited<ReturnType<typeof testServer>>['server']): Promise<string> {
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/v1/deployments/m/predict`;
}

const post = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"instances":[{"x0":1,"x1":2}]}',
  });

describe('overload', () => {
  it('at 4x capacity answers 429 + Retry-After at once, without waiting for the model, then recovers', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.add('m', 'test-gated', new LinearTestModel(classifier(0)).serialize());
    registry.put('m', { variants: [{ name: 'primary', ref: 'm/1', weight: 1 }] });
    const { server } = await testServer(registry, {
      engine: { gate, modelDefaults: { maxConcurrency: CONCURRENCY, maxQueueSize: QUEUE, batching: false } },
    });
    const url = await listen(server);
    const capacity = CONCURRENCY + QUEUE;
    const statuses: number[] = [];
    const pending = Array.from({ length: 4 * capacity }, () =>
      post(url).then(async (r) => {
        statuses.push(r.status);
        if (r.status === 429) {
          expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
          expect(((await r.json()) as { code: string }).code).toBe('KEEL_SERVE_OVERLOADED');
        } else await r.arrayBuffer();
      }),
    );
    // Every request beyond capacity is refused while the model holds all its slots: none waited for it.
    await waitFor(() => statuses.length === 3 * capacity);
    expect(statuses.every((s) => s === 429)).toBe(true);
    expect(gate.waiting).toBe(CONCURRENCY);
    gate.release(true);
    await Promise.all(pending);
    expect(statuses.filter((s) => s === 200)).toHaveLength(capacity);
    const after = await Promise.all(Array.from({ length: capacity }, () => post(url)));
    expect(after.map((r) => r.status)).toEqual(new Array(capacity).fill(200));
  });

  it('under sustained open-loop overload memory stays bounded and the server recovers when load drops', async () => {
    const registry = new MemoryRegistry();
    registry.add('m', 'test-slow', new LinearTestModel(classifier(0)).serialize());
    registry.put('m', { variants: [{ name: 'primary', ref: 'm/1', weight: 1 }] });
    const serviceMs = 20;
    const { server } = await testServer(registry, {
      engine: {
        loaders: slowLoaders(serviceMs),
        modelDefaults: { maxConcurrency: CONCURRENCY, maxQueueSize: QUEUE, batching: false },
      },
    });
    const url = await listen(server);
    const capacityPerSecond = (CONCURRENCY * 1000) / serviceMs;
    const heapBefore = process.memoryUsage().heapUsed;
    const counts = new Map<number, number>();
    const errors: string[] = [];
    const inflight = new Set<Promise<void>>();
    // 4x capacity, open loop: a burst every 10 ms whatever the answers, for 1 s.
    const perTick = Math.ceil((4 * capacityPerSecond) / 100);
    for (let tick = 0; tick < 100; tick++) {
      for (let i = 0; i < perTick; i++) {
        const p: Promise<void> = post(url).then(
          async (r) => {
            counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
            await r.arrayBuffer();
          },
          (error: unknown) => {
            counts.set(-1, (counts.get(-1) ?? 0) + 1);
            errors.push(String((error as { cause?: unknown }).cause ?? error));
          },
        );
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inflight);
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    const accepted = counts.get(200) ?? 0;
    const refused = counts.get(429) ?? 0;
    expect(errors.slice(0, 3)).toEqual([]);
    expect([...counts.keys()].every((s) => s === 200 || s === 429)).toBe(true);
    expect(refused).toBeGreaterThan(accepted);
    expect(accepted + refused).toBe(100 * perTick);
    // Bounded: nothing piles up in the server (the queue holds at most 8 requests); loose bound for GC noise.
    expect(heapGrowthMb).toBeLessThan(64);
    // Recovery: at half capacity every request is served.
    const calm = [];
    for (let i = 0; i < 20; i++) {
      calm.push((await post(url)).status);
    }
    expect(calm).toEqual(new Array(20).fill(200));
  });

  it('refuses inference with 503 while the event loop is blocked (synchronous models), then serves again', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', classifier(0));
    registry.put('m', { variants: [{ name: 'primary', ref: 'm/1', weight: 1 }] });
    // One delay sample every 500 ms: once a late sample marks the loop as lagging, it stays so
    // until the next sample, so the request below is refused whatever the machine's load.
    const { server } = await testServer(registry, { loadGuard: { maxEventLoopDelayMs: 100, sampleMs: 500 } });
    const guard = server.guard;
    const busyUntil = performance.now() + 800;
    while (performance.now() < busyUntil) {
      // Blocks the event loop like a burst of synchronous predictions would.
    }
    await waitFor(() => guard.lagging, 5000, 1);
    const refused = await server.app.inject({
      method: 'POST',
      url: '/v1/deployments/m/predict',
      payload: { instances: [{ x0: 1, x1: 1 }] },
    });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error).toContain('event loop');
    await waitFor(() => !guard.lagging, 5000, 5);
    const served = await server.app.inject({
      method: 'POST',
      url: '/v1/deployments/m/predict',
      payload: { instances: [{ x0: 1, x1: 1 }] },
    });
    expect(served.statusCode).toBe(200);
  });

  it('answers 504 when a request outlives its timeout, over the fast path and the router alike', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.add('m', 'test-gated', new LinearTestModel(classifier(0)).serialize());
    registry.put('m', { variants: [{ name: 'primary', ref: 'm/1', weight: 1 }], options: { timeoutMs: 50 } });
    const { server } = await testServer(registry, { engine: { gate } });
    const url = await listen(server);
    const viaSocket = await post(url);
    expect(viaSocket.status).toBe(504);
    expect(((await viaSocket.json()) as { code: string }).code).toBe('KEEL_TIMEOUT');
    const viaRouter = await server.app.inject({
      method: 'POST',
      url: '/v1/deployments/m/predict',
      payload: { instances: [{ x0: 1, x1: 2 }] },
    });
    expect([viaRouter.statusCode, viaRouter.json().code]).toEqual([504, 'KEEL_TIMEOUT']);
    gate.release(true);
  });

  it('LoadGuard refuses with 429 past maxInflight and admits again when requests finish', () => {
    const guard = new LoadGuard({ maxInflight: 2, maxEventLoopDelayMs: 0 });
    guard.enter();
    guard.enter();
    expect(() => guard.enter()).toThrow(/2 inference requests in progress/);
    guard.leave();
    expect(() => guard.enter()).not.toThrow();
    expect(guard.rejected).toBe(1);
  });
});

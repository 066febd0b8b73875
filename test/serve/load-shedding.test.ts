import { describe, expect, it } from 'vitest';
import { isKeelError } from '../../src/core/index.js';
import type { EngineEvent } from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { regression, startEngine } from './helpers/engine.js';
import { Gate, MemoryRegistry } from './helpers/memory-registry.js';

const row = { x0: 1, x1: 1 };

async function gatedEngine(maxQueueSize: number, gate: Gate) {
  const registry = new MemoryRegistry();
  registry.add('g', 'test-gated', new TextEncoder().encode(JSON.stringify(regression(0))));
  registry.put('live', { variants: [{ name: 'primary', ref: 'g/1', weight: 1 }] });
  return startEngine(registry, { gate, models: { g: { maxConcurrency: 1, maxQueueSize, batching: false } } });
}

describe('load shedding and lifecycle', () => {
  it('answers 429 at once when the queue is full, with a retry hint, and recovers', async () => {
    const gate = new Gate();
    const engine = await gatedEngine(3, gate);
    const admitted = Array.from({ length: 4 }, () => engine.predictDeployment('live', [row]));
    await waitFor(() => gate.waiting === 1);
    const extra = await Promise.allSettled(
      Array.from({ length: 5 }, () => engine.predictDeployment('live', [row])),
    );
    expect(gate.waiting).toBe(1);
    for (const r of extra) {
      expect(r.status).toBe('rejected');
      const error = (r as PromiseRejectedResult).reason;
      expect(error).toMatchObject({ code: 'KEEL_SERVE_OVERLOADED', status: 429, retryable: true });
      expect(error.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    gate.release(true);
    expect((await Promise.all(admitted)).map((r) => r.outputs[0]!.value)).toEqual([3, 3, 3, 3]);
    expect(await engine.predictDeployment('live', [row])).toMatchObject({ outputs: [{ value: 3 }] });
    expect(engine.modelStats()[0]).toMatchObject({ rejected: 5, success: 5, queued: 0, running: 0 });
  });

  it('keeps memory bounded under a flood: at most maxQueueSize requests wait', async () => {
    const gate = new Gate();
    const engine = await gatedEngine(100, gate);
    const flood = Array.from({ length: 5000 }, () =>
      engine.predictDeployment('live', [row]).then(
        () => 'ok',
        (e) => e.code,
      ),
    );
    await waitFor(() => gate.waiting === 1);
    expect(engine.modelStats()[0]).toMatchObject({ queued: 100, running: 1 });
    gate.release(true);
    const outcomes = await Promise.all(flood);
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(101);
    expect(outcomes.filter((o) => o === 'KEEL_SERVE_OVERLOADED')).toHaveLength(4899);
  });

  it('times requests out while queued and while running (KEEL_TIMEOUT, 504)', async () => {
    const gate = new Gate();
    const engine = await gatedEngine(10, gate);
    const running = engine.predictDeployment('live', [row], { timeoutMs: 40 });
    const queued = engine.predictDeployment('live', [row], { timeoutMs: 20 });
    const patient = engine.predictDeployment('live', [row]);
    await expect(queued).rejects.toMatchObject({
      code: 'KEEL_TIMEOUT',
      status: 504,
      message: expect.stringMatching(/waiting in the queue/),
    });
    await expect(running).rejects.toMatchObject({
      code: 'KEEL_TIMEOUT',
      message: expect.stringMatching(/\(running\)/),
    });
    gate.release(true);
    expect(await patient).toMatchObject({ outputs: [{ value: 3 }] });
    expect(engine.modelStats()[0]).toMatchObject({ timeouts: 2, success: 1 });
  });

  it('drains in-flight requests on shutdown while refusing new ones with 503', async () => {
    const gate = new Gate();
    const engine = await gatedEngine(10, gate);
    const released: EngineEvent[] = [];
    engine.subscribe((e) => released.push(e), ['model-released']);
    const inflight = Array.from({ length: 3 }, () => engine.predictDeployment('live', [row]));
    await waitFor(() => gate.waiting === 1);
    const stopping = engine.shutdown();
    expect(engine.state).toBe('draining');
    expect(engine.isReady()).toBe(false);
    await expect(engine.predictDeployment('live', [row])).rejects.toMatchObject({
      code: 'KEEL_SERVE_UNAVAILABLE',
      status: 503,
      details: { retryAfterSeconds: 5 },
    });
    gate.release(true);
    expect((await Promise.all(inflight)).map((r) => r.outputs[0]!.value)).toEqual([3, 3, 3]);
    await stopping;
    expect(engine.state).toBe('stopped');
    expect(engine.isLive()).toBe(false);
    await waitFor(() => released.length === 1);
  });

  it('fails requests still queued when the drain timeout ends; the running one finishes', async () => {
    const gate = new Gate();
    const engine = await gatedEngine(10, gate);
    const first = engine.predictDeployment('live', [row]);
    const queued = engine.predictDeployment('live', [row]).catch((e: unknown) => e);
    await waitFor(() => gate.waiting === 1);
    const stopping = engine.shutdown({ timeoutMs: 30 });
    const error = await queued;
    expect(isKeelError(error, 'KEEL_SERVE_UNAVAILABLE')).toBe(true);
    gate.release(true);
    expect(await first).toMatchObject({ outputs: [{ value: 3 }] });
    await stopping;
  });
});

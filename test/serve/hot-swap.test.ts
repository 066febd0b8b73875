import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  type EngineEvent,
  type ModelArtifact,
  NativePredictor,
  type PredictResult,
  type ResolvedModel,
} from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { regression, startEngine } from './helpers/engine.js';
import { Gate, MemoryRegistry, testLoaders } from './helpers/memory-registry.js';
import { LinearTestModel } from './helpers/test-models.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
// Version v of "m" answers 100·v + x0 + 2·x1, so every answer proves which weights produced it.
const expectedValue = (version: number, x0: number, x1: number): number => 100 * version + x0 + 2 * x1;

describe('hot swap', () => {
  it('moves an alias 20 times under steady concurrent load with zero failed requests', async () => {
    const registry = new MemoryRegistry();
    for (let v = 1; v <= 21; v++) registry.addLinear('m', regression(100 * v));
    registry.setAlias('m', 'champion', 1);
    registry.put('live', { variants: [{ name: 'primary', ref: 'm@champion', weight: 1 }] });
    registry.beforeFetch = () => delay(3);
    // Count runtime calls per version: warm-up makes 3 before a version may take traffic.
    const runs = new Map<number, number>();
    const loaders = {
      ...testLoaders(),
      'test-linear': async (artifact: ModelArtifact, resolved: ResolvedModel) => {
        const p = new NativePredictor(LinearTestModel.load(artifact.bytes!), 'test-linear');
        const run = p.run.bind(p);
        p.run = (input) => {
          runs.set(resolved.version, (runs.get(resolved.version) ?? 0) + 1);
          return run(input);
        };
        return p;
      },
    };
    const engine = await startEngine(registry, { loaders });
    const ready = new Set<number>([1]);
    const released: number[] = [];
    engine.subscribe((e: EngineEvent) => {
      if (e.type === 'model-loaded') ready.add(e.version);
      if (e.type === 'model-released') released.push(e.version);
    });

    let stop = false;
    const answers: PredictResult[] = [];
    const failures: unknown[] = [];
    const notReadyWhenAnswered: number[] = [];
    const worker = async (id: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const x0 = id;
        const x1 = i % 7;
        try {
          const r = await engine.predictDeployment('live', [{ x0, x1 }]);
          if (!ready.has(r.version) || (runs.get(r.version) ?? 0) < 4) notReadyWhenAnswered.push(r.version);
          if (r.outputs[0]!.value !== expectedValue(r.version, x0, x1)) failures.push(r);
          answers.push(r);
        } catch (error) {
          failures.push(error);
        }
        await tick();
      }
    };
    const workers = Array.from({ length: 8 }, (_, id) => worker(id));
    for (let v = 2; v <= 21; v++) {
      registry.setAlias('m', 'champion', v);
      await engine.poll();
      expect(engine.deploymentStatus('live').variants[0]!.version).toBe(v);
      const before = answers.length;
      await waitFor(() => answers.length > before + 8);
    }
    stop = true;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(notReadyWhenAnswered).toEqual([]);
    expect(new Set(answers.map((a) => a.version)).size).toBeGreaterThanOrEqual(20);
    expect(answers.length).toBeGreaterThan(20 * 8);
    await waitFor(() => released.length === 20);
    expect(released.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(engine.modelStats().map((s) => s.version)).toEqual([21]);
  });

  it('finishes in-flight requests on the version they started with, then releases it', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.add('g', 'test-gated', new TextEncoder().encode(JSON.stringify(regression(100))));
    registry.add('g', 'test-gated', new TextEncoder().encode(JSON.stringify(regression(200))));
    registry.setAlias('g', 'champion', 1);
    const engine = await startEngine(registry, { gate });
    await engine.load('g@champion');
    const released: number[] = [];
    engine.subscribe((e) => (e.type === 'model-released' ? released.push(e.version) : undefined));
    const inflight = engine.predictModel('g@champion', [{ x0: 1, x1: 1 }]);
    await waitFor(() => gate.waiting === 1);
    registry.setAlias('g', 'champion', 2);
    await engine.poll();
    expect(released).toEqual([]);
    gate.release(true);
    expect(await inflight).toMatchObject({ version: 1, outputs: [{ value: 103 }] });
    expect(await engine.predictModel('g@champion', [{ x0: 1, x1: 1 }])).toMatchObject({ version: 2 });
    await waitFor(() => released.includes(1));
  });

  it('keeps the old version serving when the new one fails to load, and retries with backoff', async () => {
    const clock = new ManualClock();
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(100));
    registry.add('m', 'test-broken', new Uint8Array([1, 2, 3]));
    registry.setAlias('m', 'champion', 1);
    registry.put('live', { variants: [{ name: 'primary', ref: 'm@champion', weight: 1 }] });
    const engine = await startEngine(registry, { clock, retryBaseMs: 1000 });
    const failures: EngineEvent[] = [];
    engine.subscribe((e) => failures.push(e), ['model-load-failed']);

    registry.setAlias('m', 'champion', 2);
    const fetchesBefore = registry.fetches;
    await engine.poll();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      ref: 'm@champion',
      keptVersion: 1,
      error: { code: 'KEEL_SERVE_LOAD_FAILED' },
    });
    expect((failures[0] as { error: Error }).error.message).toMatch(
      /corrupt model file.*Version 1 keeps serving/,
    );
    expect(await engine.predictDeployment('live', [{ x0: 0, x1: 0 }])).toMatchObject({
      version: 1,
      outputs: [{ value: 100 }],
    });
    expect(engine.isReady()).toBe(true);
    expect(registry.fetches).toBe(fetchesBefore + 1);

    await engine.poll();
    expect(registry.fetches).toBe(fetchesBefore + 1);
    await clock.advance(1000);
    await engine.poll();
    expect(registry.fetches).toBe(fetchesBefore + 2);
    expect(failures).toHaveLength(2);
  });

  it('fails an explicit load of a broken version with KEEL_SERVE_LOAD_FAILED, leaving nothing behind', async () => {
    const registry = new MemoryRegistry();
    registry.add('b', 'test-broken', new Uint8Array(4));
    const engine = await startEngine(registry);
    await expect(engine.load('b/1')).rejects.toMatchObject({ code: 'KEEL_SERVE_LOAD_FAILED', status: 500 });
    await expect(engine.load('nope@x')).rejects.toMatchObject({ code: 'KEEL_REGISTRY_MODEL_NOT_FOUND' });
    expect(engine.repositoryIndex()).toEqual([]);
    expect(engine.isReady()).toBe(true);
  });

  it('notices alias moves on its own, driven by the clock', async () => {
    const clock = new ManualClock();
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(100));
    registry.addLinear('m', regression(200));
    registry.setAlias('m', 'champion', 1);
    const engine = await startEngine(registry, { clock, pollIntervalMs: 2000 });
    await engine.load('m@champion');
    registry.setAlias('m', 'champion', 2);
    await clock.advance(1999);
    expect((await engine.predictModel('m@champion', [{ x0: 0, x1: 0 }])).version).toBe(1);
    await clock.advance(1);
    await waitFor(async () => (await engine.predictModel('m@champion', [{ x0: 0, x1: 0 }])).version === 2);
  });

  it('applies a new deployment revision only once its models are warm; a failing revision keeps the old one', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.addLinear('a', regression(100));
    registry.addLinear('b', regression(200));
    registry.add('broken', 'test-broken', new Uint8Array(1));
    registry.put('live', { variants: [{ name: 'primary', ref: 'a/1', weight: 1 }] });
    const engine = await startEngine(registry);
    registry.put('live', { variants: [{ name: 'primary', ref: 'b/1', weight: 1 }] });
    registry.beforeFetch = () => gate.wait();
    const polling = engine.poll();
    await waitFor(() => gate.waiting === 1);
    expect(await engine.predictDeployment('live', [{ x0: 0, x1: 0 }])).toMatchObject({
      model: 'a',
      variant: 'primary',
    });
    gate.release(true);
    await polling;
    expect(engine.deploymentStatus('live')).toMatchObject({
      revision: 2,
      variants: [{ ref: 'b/1', version: 1 }],
    });
    expect(await engine.predictDeployment('live', [{ x0: 0, x1: 0 }])).toMatchObject({ model: 'b' });

    registry.put('live', { variants: [{ name: 'primary', ref: 'broken/1', weight: 1 }] });
    await engine.poll();
    expect(engine.deploymentStatus('live')).toMatchObject({
      revision: 2,
      error: expect.stringMatching(/corrupt model file/),
    });
    expect(await engine.predictDeployment('live', [{ x0: 0, x1: 0 }])).toMatchObject({ model: 'b' });
    registry.remove('live');
    await engine.poll();
    await expect(engine.predictDeployment('live', [{ x0: 0, x1: 0 }])).rejects.toMatchObject({
      code: 'KEEL_DEPLOY_NOT_FOUND',
      status: 404,
    });
  });

  it('is not ready (and answers 503) until every deployment is loaded and warm', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.addLinear('a', regression(1));
    registry.put('live', { variants: [{ name: 'primary', ref: 'a/1', weight: 1 }] });
    registry.beforeFetch = () => gate.wait();
    const { InferenceEngine } = await import('../../src/serve/index.js');
    const { testLoaders } = await import('./helpers/memory-registry.js');
    const engine = new InferenceEngine({
      source: registry,
      deployments: registry,
      loaders: testLoaders(),
      pollIntervalMs: 0,
    });
    await expect(engine.predictDeployment('live', [{ x0: 1, x1: 1 }])).rejects.toMatchObject({
      code: 'KEEL_SERVE_UNAVAILABLE',
      status: 503,
    });
    const starting = engine.start();
    await waitFor(() => gate.waiting === 1);
    expect(engine.state).toBe('starting');
    expect(engine.isReady()).toBe(false);
    gate.release(true);
    await starting;
    expect(engine.isReady()).toBe(true);

    registry.put('other', { variants: [{ name: 'primary', ref: 'missing/1', weight: 1 }] });
    await engine.poll();
    expect(engine.isReady()).toBe(false);
    await expect(engine.predictDeployment('other', [{ x0: 1, x1: 1 }])).rejects.toMatchObject({
      code: 'KEEL_SERVE_MODEL_NOT_READY',
      status: 503,
    });
    await engine.shutdown();
  });

  it('is not ready while the deployment source cannot be listed, and recovers when it can', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('a', regression(1));
    registry.put('live', { variants: [{ name: 'primary', ref: 'a/1', weight: 1 }] });
    let down = true;
    const flaky = {
      list: async () => {
        if (down) throw new Error('metadata store unreachable');
        return registry.list();
      },
    };
    const engine = await startEngine(registry, { deployments: flaky });
    expect(engine.state).toBe('running');
    expect(engine.isReady()).toBe(false);
    down = false;
    await engine.poll();
    expect(engine.isReady()).toBe(true);
    expect(await engine.predictDeployment('live', [{ x0: 1, x1: 1 }])).toMatchObject({
      outputs: [{ value: 4 }],
    });
  });
});

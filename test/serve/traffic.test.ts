import { describe, expect, it } from 'vitest';
import {
  applyCanary,
  canaryPercent,
  type DeploymentStatus,
  type EngineEvent,
  murmur3,
  stickyBucket,
  TrafficRouter,
} from '../../src/serve/index.js';
import type { DeploymentSpec } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { classifier, regression, startEngine } from './helpers/engine.js';
import { Gate, MemoryRegistry } from './helpers/memory-registry.js';
import { rng } from './helpers/test-models.js';

const spec = (over: Partial<DeploymentSpec> & Pick<DeploymentSpec, 'variants'>): DeploymentSpec => ({
  mode: 'ab',
  stickyKey: 'user_id',
  shadow: null,
  featureService: null,
  options: {},
  ...over,
});

describe('sticky assignment', () => {
  it('murmur3 matches the reference vectors (x86 32-bit, UTF-8)', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('test', 0)).toBe(0xba6bd213);
    expect(murmur3('Hello, world!', 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
    expect(murmur3('ü€😀', 0)).toBe(murmur3(String.fromCodePoint(0xfc, 0x20ac, 0x1f600), 0));
    expect(murmur3('x'.repeat(2000))).toBe(murmur3('x'.repeat(2000)));
  });

  it('splits 100,000 users within 1% of the weights, and a user always sees the same variant', () => {
    const router = new TrafficRouter(
      'checkout',
      spec({
        variants: [
          { name: 'a', ref: 'm/1', weight: 50 },
          { name: 'b', ref: 'm/2', weight: 30 },
          { name: 'c', ref: 'm/3', weight: 20 },
        ],
      }),
    );
    const counts = [0, 0, 0];
    const never = (): number => {
      throw new Error('a keyed request must not draw at random');
    };
    for (let i = 0; i < 100_000; i++) counts[router.choose(`user-${i}`, never)]!++;
    expect(Math.abs(counts[0]! / 1e5 - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(counts[1]! / 1e5 - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(counts[2]! / 1e5 - 0.2)).toBeLessThan(0.01);
    for (let i = 0; i < 1000; i++)
      expect(router.choose(`user-${i}`, never)).toBe(router.choose(`user-${i}`, never));
    expect(router.unitKey({ record: { user_id: 42 } })).toBe('42');
    expect(router.unitKey({ record: {}, requestKey: 'k' })).toBe('k');
    expect(stickyBucket('checkout', 'user-1')).toBe(murmur3('user-1', murmur3('checkout')) % 10_000);
  });

  it('reads the unit key from a header, and draws at random without one', () => {
    const router = new TrafficRouter(
      'd',
      spec({
        stickyKey: 'header:X-User',
        variants: [
          { name: 'a', ref: 'm/1', weight: 1 },
          { name: 'b', ref: 'm/2', weight: 1 },
        ],
      }),
    );
    expect(router.unitKey({ headers: { 'x-user': 'u7' } })).toBe('u7');
    expect(router.unitKey({ headers: { 'x-user': ['u8', 'u9'] } })).toBe('u8');
    const r = rng(1);
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) counts[router.choose(undefined, r)]!++;
    expect(Math.abs(counts[0]! - 5000)).toBeLessThan(300);
  });

  it('refuses invalid policies with KEEL_DEPLOY_INVALID', () => {
    const bad: DeploymentSpec[] = [
      spec({ mode: 'single', variants: [] }),
      spec({ variants: [{ name: 'a', ref: 'm/1', weight: 1 }] }),
      spec({
        variants: [
          { name: 'a', ref: 'm/1', weight: 0 },
          { name: 'b', ref: 'm/2', weight: 0 },
        ],
      }),
      spec({
        variants: [
          { name: 'a', ref: 'm/1', weight: 1 },
          { name: 'a', ref: 'm/2', weight: 1 },
        ],
      }),
      spec({
        variants: [
          { name: 'a', ref: 'm/1', weight: -1 },
          { name: 'b', ref: 'm/2', weight: 1 },
        ],
      }),
      spec({
        mode: 'canary',
        variants: [
          { name: 'a', ref: 'm/1', weight: 1 },
          { name: 'b', ref: 'm/2', weight: 1 },
        ],
      }),
      spec({
        mode: 'single',
        variants: [{ name: 'a', ref: 'm/1', weight: 1 }],
        shadow: { ref: 'm/2', percent: 120 },
      }),
      { ...spec({ variants: [{ name: 'a', ref: 'm/1', weight: 1 }] }), mode: 'bandit' as 'ab' },
    ];
    for (const s of bad)
      expect(() => new TrafficRouter('d', s)).toThrow(
        expect.objectContaining({ code: 'KEEL_DEPLOY_INVALID' }),
      );
    expect(
      () =>
        new TrafficRouter(
          'd',
          spec({ mode: 'single', variants: [{ name: 'a', ref: 'bad ref!', weight: 1 }] }),
        ),
    ).toThrow(expect.objectContaining({ code: 'KEEL_REGISTRY_BAD_REFERENCE' }));
  });
});

describe('canary', () => {
  const base = spec({
    mode: 'single',
    variants: [{ name: 'primary', ref: 'm@champion', weight: 100 }],
    options: { canary: { stepPercent: 20 } },
  });

  it('starts, steps up, caps at 100, promotes and rolls back', () => {
    const started = applyCanary(base, { type: 'start', ref: 'm/9' });
    expect(started.variants).toEqual([
      { name: 'stable', ref: 'm@champion', weight: 80 },
      { name: 'canary', ref: 'm/9', weight: 20 },
    ]);
    const stepped = applyCanary(started, { type: 'step' });
    expect(canaryPercent(stepped)).toBe(40);
    expect(canaryPercent(applyCanary(stepped, { type: 'step', percent: 5 }))).toBe(5);
    let s = stepped;
    for (let i = 0; i < 5; i++) s = applyCanary(s, { type: 'step' });
    expect(canaryPercent(s)).toBe(100);
    expect(applyCanary(stepped, { type: 'promote' })).toMatchObject({
      mode: 'single',
      variants: [{ name: 'primary', ref: 'm/9', weight: 100 }],
    });
    expect(applyCanary(stepped, { type: 'rollback' })).toMatchObject({
      mode: 'single',
      variants: [{ ref: 'm@champion' }],
    });
    expect(() => applyCanary(base, { type: 'promote' })).toThrow(
      expect.objectContaining({ code: 'KEEL_DEPLOY_INVALID' }),
    );
    expect(() => applyCanary(started, { type: 'start', ref: 'm/3' })).toThrow(/already running/);
    expect(() => applyCanary(started, { type: 'step', percent: 101 })).toThrow(/0..100/);
  });

  it('steps through the engine: users only ever move from stable to canary, never back', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(100));
    registry.addLinear('m', regression(200));
    registry.setAlias('m', 'champion', 1);
    registry.put('shop', { ...base, stickyKey: 'user_id' });
    const engine = await startEngine(registry);
    const users = Array.from({ length: 400 }, (_, i) => `u${i}`);
    const variantOf = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const u of users)
        out.set(u, (await engine.predictDeployment('shop', [{ user_id: u, x0: 0, x1: 0 }])).variant!);
      return out;
    };
    let status: DeploymentStatus = await engine.canary('shop', { type: 'start', ref: 'm/2' });
    expect(status).toMatchObject({ mode: 'canary', canaryPercent: 20, revision: 2 });
    let previous = await variantOf();
    for (const expected of [40, 60, 80]) {
      status = await engine.canary('shop', { type: 'step' });
      expect(status.canaryPercent).toBe(expected);
      const now = await variantOf();
      for (const u of users) if (previous.get(u) === 'canary') expect(now.get(u)).toBe('canary');
      const share = [...now.values()].filter((v) => v === 'canary').length / users.length;
      expect(Math.abs(share - expected / 100)).toBeLessThan(0.1);
      previous = now;
    }
    const canaryAnswer = await engine.predictDeployment('shop', [{ user_id: 'u1', x0: 0, x1: 0 }], {
      variant: 'canary',
    });
    expect(canaryAnswer).toMatchObject({
      model: 'm',
      version: 2,
      variant: 'canary',
      outputs: [{ value: 200 }],
    });
    status = await engine.canary('shop', { type: 'rollback' });
    expect(status).toMatchObject({ mode: 'single', variants: [{ ref: 'm@champion', version: 1 }] });
    expect((await registry.list())[0]!.revision).toBe(status.revision);
  });
});

describe('shadow traffic', () => {
  it('mirrors after the response, records and compares outputs, never returns them', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('prod', classifier(0));
    registry.addLinear('shadow', classifier(0.5));
    registry.put('live', {
      mode: 'single',
      stickyKey: 'user_id',
      variants: [{ name: 'primary', ref: 'prod/1', weight: 1 }],
      shadow: { ref: 'shadow/1', percent: 100 },
    });
    const engine = await startEngine(registry);
    const events: EngineEvent[] = [];
    let answered = false;
    engine.subscribe(
      (e) => {
        expect(answered).toBe(true);
        events.push(e);
      },
      ['shadow'],
    );
    const result = await engine.predictDeployment('live', [{ user_id: 'u1', x0: 1, x1: 0 }], {
      requestId: 'r1',
    });
    answered = true;
    expect(result).toMatchObject({ model: 'prod', variant: 'primary' });
    await waitFor(() => events.length === 1);
    const e = events[0] as Extract<EngineEvent, { type: 'shadow' }>;
    expect(e).toMatchObject({
      deployment: 'live',
      requestId: 'r1',
      primary: { model: 'prod', version: 1 },
      shadow: { model: 'shadow', version: 1 },
      error: null,
    });
    const p1 = 1 / (1 + Math.exp(-1));
    const s1 = 1 / (1 + Math.exp(-1.5));
    expect(e.outputs![0]!.probability).toBeCloseTo(s1, 12);
    expect(e.comparison!.outputs.probabilities!.maxAbsDiff).toBeCloseTo(s1 - p1, 12);
    expect(e.comparison!.labelAgreement).toBe(1);
  });

  it('isolates the caller from a shadow that throws or hangs', async () => {
    const gate = new Gate();
    const registry = new MemoryRegistry();
    registry.addLinear('prod', regression(1));
    registry.add('slow', 'test-gated', new TextEncoder().encode(JSON.stringify(regression(2))));
    registry.addLinear('wide', regression(3, [1, 1, 1]));
    registry.put('hang', {
      variants: [{ name: 'primary', ref: 'prod/1', weight: 1 }],
      shadow: { ref: 'slow/1', percent: 100 },
    });
    // The "wide" shadow needs a feature x2 the requests do not carry: every mirrored call fails.
    registry.put('boom', {
      variants: [{ name: 'primary', ref: 'prod/1', weight: 1 }],
      shadow: { ref: 'wide/1', percent: 100 },
    });
    const engine = await startEngine(registry, { gate, shadow: { maxInflight: 2, timeoutMs: 60_000 } });
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e), ['shadow', 'shadow-dropped']);
    for (let i = 0; i < 5; i++) {
      expect(await engine.predictDeployment('hang', [{ x0: i, x1: 0 }])).toMatchObject({
        model: 'prod',
        outputs: [{ value: 1 + i }],
      });
    }
    await waitFor(() => events.filter((e) => e.type === 'shadow-dropped').length === 3 && gate.waiting === 2);
    const dropped = await engine.predictDeployment('boom', [{ x0: 1, x1: 1 }]);
    expect(dropped.outputs).toEqual([{ value: 4 }]);
    gate.release(true);
    await waitFor(() => events.filter((e) => e.type === 'shadow').length === 2);
    await engine.predictDeployment('boom', [{ x0: 1, x1: 1 }]);
    await waitFor(() => events.some((e) => e.type === 'shadow' && e.error !== null));
    const failed = events.find((e) => e.type === 'shadow' && e.error !== null) as Extract<
      EngineEvent,
      { type: 'shadow' }
    >;
    expect(failed.error!.code).toBe('KEEL_SERVE_BAD_INPUT');
    expect(failed.comparison).toBeNull();
  });

  it('mirrors the configured share of users, stickily', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('prod', regression(1));
    registry.put('some', {
      stickyKey: 'user_id',
      variants: [{ name: 'primary', ref: 'prod/1', weight: 1 }],
      shadow: { ref: 'prod/1', percent: 25 },
    });
    const engine = await startEngine(registry);
    let mirrored = 0;
    engine.subscribe(() => mirrored++, ['shadow']);
    for (let i = 0; i < 800; i++) {
      await engine.predictDeployment('some', [{ user_id: `u${i % 400}`, x0: 0, x1: 0 }]);
      // Let the mirrored call run: a burst beyond shadow.maxInflight would be dropped by design.
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => engine.modelStats()[0]!.inflight === 0 && mirrored > 0);
    await new Promise((r) => setTimeout(r, 20));
    expect(mirrored % 2).toBe(0);
    expect(Math.abs(mirrored / 800 - 0.25)).toBeLessThan(0.07);
  });
});

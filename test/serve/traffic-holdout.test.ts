// The holdout slice of a deployment (`options.holdout`): a fixed random share of units that always
// gets one variant (the champion), whatever the canary weights — the continuous-learning guard that
// keeps labels of that slice unbiased by the challenger.
import { describe, expect, it } from 'vitest';
import { TrafficRouter } from '../../src/serve/index.js';
import type { DeploymentSpec } from '../../src/storage/index.js';
import { regression, startEngine } from './helpers/engine.js';
import { MemoryRegistry } from './helpers/memory-registry.js';

const canary = (canaryWeight: number, options: Record<string, unknown>): DeploymentSpec => ({
  mode: 'canary',
  variants: [
    { name: 'stable', ref: 'm@champion', weight: 100 - canaryWeight },
    { name: 'canary', ref: 'm/2', weight: canaryWeight },
  ],
  stickyKey: 'user_id',
  shadow: null,
  featureService: null,
  options,
});
const never = (): number => {
  throw new Error('a keyed request must not draw at random');
};

describe('holdout slice', () => {
  it('pins the slice to stable even at a 100% canary, stickily and independently of the split', () => {
    const users = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    const full = new TrafficRouter('shop', canary(100, { holdout: { percent: 10 } }));
    expect(full.holdout).toEqual({ percent: 10, index: 0 });
    const onStable = users.filter((u) => full.choose(u, never) === 0);
    // Exactly the holdout units stay on stable; about 10% of them.
    expect(onStable.every((u) => full.inHoldout(u, never))).toBe(true);
    expect(users.filter((u) => full.inHoldout(u, never)).length).toBe(onStable.length);
    expect(Math.abs(onStable.length / users.length - 0.1)).toBeLessThan(0.01);
    // At a 50% canary the canary's real share is 50% × (1 − 10%) and holdout units never see it.
    const half = new TrafficRouter('shop', canary(50, { holdout: { percent: 10 } }));
    const onCanary = users.filter((u) => half.choose(u, never) === 1);
    expect(Math.abs(onCanary.length / users.length - 0.45)).toBeLessThan(0.015);
    expect(onCanary.some((u) => half.inHoldout(u, never))).toBe(false);
    // The slice is the same set of users at every step (it does not depend on the weights).
    for (const u of users.slice(0, 2000)) expect(half.inHoldout(u, never)).toBe(full.inHoldout(u, never));
  });

  it('draws at random without a unit key, and 0% is no holdout', () => {
    const router = new TrafficRouter('shop', {
      ...canary(100, { holdout: { percent: 25 } }),
      stickyKey: null,
    });
    let draws = [0.1, 0.0, 0.3, 0.0];
    const random = (): number => draws.shift()!;
    // 0.1 → bucket 1000 < 2500: holdout → stable, with no second draw.
    expect(router.choose(undefined, random)).toBe(0);
    // 0.3 → not held out; the split then draws 0.0 → canary owns every bucket at 100%.
    draws = [0.3, 0.0];
    expect(router.choose(undefined, random)).toBe(1);
    expect(new TrafficRouter('shop', canary(100, { holdout: { percent: 0 } })).holdout).toBeNull();
  });

  it('refuses a bad holdout with KEEL_DEPLOY_INVALID naming the field', () => {
    for (const holdout of [
      { percent: 100 },
      { percent: -1 },
      { percent: '5' },
      7,
      { percent: 5, variant: 'x' },
    ]) {
      expect(() => new TrafficRouter('shop', canary(10, { holdout }))).toThrow(
        expect.objectContaining({ code: 'KEEL_DEPLOY_INVALID', message: expect.stringContaining('holdout') }),
      );
    }
    const ab: DeploymentSpec = {
      ...canary(0, {}),
      mode: 'ab',
      variants: [
        { name: 'a', ref: 'm/1', weight: 50 },
        { name: 'b', ref: 'm/2', weight: 50 },
      ],
      options: { holdout: { percent: 5, variant: 'b' } },
    };
    expect(new TrafficRouter('shop', ab).holdout).toEqual({ percent: 5, index: 1 });
  });

  it('routes through the engine: holdout users answer from the champion at a 100% canary', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', regression(100));
    registry.addLinear('m', regression(200));
    registry.setAlias('m', 'champion', 1);
    registry.put('shop', canary(100, { holdout: { percent: 20 } }));
    const engine = await startEngine(registry);
    const router = new TrafficRouter('shop', canary(100, { holdout: { percent: 20 } }));
    let held = 0;
    for (let i = 0; i < 300; i++) {
      const user = `u${i}`;
      const answer = await engine.predictDeployment('shop', [{ user_id: user, x0: 0, x1: 0 }]);
      const inHoldout = router.inHoldout(user, never);
      if (inHoldout) held++;
      expect(answer).toMatchObject(
        inHoldout ? { variant: 'stable', version: 1 } : { variant: 'canary', version: 2 },
      );
    }
    expect(held).toBeGreaterThan(30);
    expect(held).toBeLessThan(90);
  });
});

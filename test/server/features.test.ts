import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import type { FeatureStore } from '../../src/features/index.js';
import { FeatureEnricher } from '../../src/server/index.js';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { listen, send } from './helpers/http.js';
import { testServer } from './helpers/server.js';

/** A feature store stand-in: service `risk` keyed by `user_id`, serving x0 and x1 per user. */
function fakeStore(): FeatureStore & { reads: number } {
  const online: Record<string, { x0: number; x1: number }> = {
    u1: { x0: 1, x1: 2 },
    u2: { x0: -3, x1: 0.5 },
  };
  const store = {
    reads: 0,
    resolveFeatureService: async (name: string) => {
      store.reads++;
      if (name !== 'risk') throw new Error(`no service ${name}`);
      return {
        name,
        digest: 'd',
        entityColumns: [{ name: 'user_id', type: 'string' }],
        requestFields: [],
        features: [
          { name: 'x0', type: 'float64', ref: 'users:x0' },
          { name: 'x1', type: 'float64', ref: 'users:x1' },
        ],
      };
    },
    fetchOnlineFeatures: async (_service: unknown, keys: readonly Record<string, unknown>[]) => ({
      rows: keys.map((k) => online[String(k.user_id)] ?? { x0: null, x1: null }),
      statuses: keys.map(() => ({})),
    }),
  };
  return store as unknown as FeatureStore & { reads: number };
}

describe('deployments with a feature service', () => {
  it('fetch the online features of each record’s entity keys before predicting', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0.5));
    registry.put('fraud', {
      variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }],
      featureService: 'risk',
    });
    const store = fakeStore();
    const { server } = await testServer(registry, {
      features: new FeatureEnricher(store, new ManualClock()),
    });
    const port = await listen(server);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    for (const transport of ['socket', 'inject'] as const) {
      const options = {
        method: 'POST' as const,
        url: '/v1/deployments/fraud/predict',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ instances: [{ user_id: 'u1' }, { user_id: 'u2', x1: 10 }] }),
      };
      const r = transport === 'socket' ? await send(port, options) : await server.app.inject(options);
      expect(r.statusCode, r.body).toBe(200);
      const p = (r.json() as { predictions: { probability: number }[] }).predictions.map(
        (x) => x.probability,
      );
      // u1: x0 = 1, x1 = 2 fetched; u2: x0 = -3 fetched, x1 = 10 sent by the caller (wins).
      expect(p[0]).toBeCloseTo(sig(0.5 + 1 - 2), 12);
      expect(p[1]).toBeCloseTo(sig(0.5 - 3 - 10), 12);
    }
    expect(store.reads).toBe(1);
  });
});

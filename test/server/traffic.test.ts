import { describe, expect, it } from 'vitest';
import {
  type EngineEvent,
  type ModelLoaders,
  NativePredictor,
  type Predictor,
} from '../../src/serve/index.js';
import { waitFor } from '../helpers/poll.js';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry, testLoaders } from '../serve/helpers/memory-registry.js';
import { LinearTestModel } from '../serve/helpers/test-models.js';
import { testServer } from './helpers/server.js';

/** Loaders plus `test-throws`: a model that passes warm-up, then throws on every request. */
function throwingLoaders(): ModelLoaders {
  return {
    ...testLoaders(),
    'test-throws': async (artifact) => {
      const inner = new NativePredictor(LinearTestModel.load(artifact.bytes!), 'test-throws');
      let runs = 0;
      const p: Predictor = {
        info: inner.info,
        encodeRecords: (r, o) => inner.encodeRecords(r, o),
        encodeTensors: (t, c) => inner.encodeTensors(t, c),
        toOipOutputs: (o) => inner.toOipOutputs(o),
        formatRow: (o, i) => inner.formatRow(o, i),
        warmupInput: (n) => inner.warmupInput(n),
        release: () => inner.release(),
        run: (input) => {
          if (++runs > 3) throw new Error('shadow model exploded');
          return inner.run(input);
        },
      };
      return p;
    },
  };
}

describe('traffic policies over HTTP', () => {
  it('sticky A/B: the same key always gets the same variant, and keys split by the weights', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', classifier(0));
    registry.addLinear('m', classifier(3));
    registry.put('checkout', {
      mode: 'ab',
      stickyKey: 'user_id',
      variants: [
        { name: 'a', ref: 'm/1', weight: 70 },
        { name: 'b', ref: 'm/2', weight: 30 },
      ],
    });
    const { server } = await testServer(registry);
    const variantOf = async (user: string, how: 'field' | 'key'): Promise<string> => {
      const instance = how === 'field' ? { x0: 1, x1: 1, user_id: user } : { x0: 1, x1: 1 };
      const r = await server.app.inject({
        method: 'POST',
        url: '/v1/deployments/checkout/predict',
        payload: { instances: [instance], ...(how === 'key' ? { key: user } : {}) },
      });
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(r.headers['keel-variant']).toBe(body.variant);
      expect(body.version).toBe(body.variant === 'a' ? 1 : 2);
      return body.variant;
    };
    let b = 0;
    const users = 1000;
    for (let i = 0; i < users; i++) {
      const v = await variantOf(`user-${i}`, 'field');
      if (v === 'b') b++;
      if (i % 10 === 0) {
        expect(await variantOf(`user-${i}`, 'field')).toBe(v);
        expect(await variantOf(`user-${i}`, 'key')).toBe(v);
      }
    }
    // 1,000 keys: binomial standard deviation ≈ 1.45 points; 5 points is far outside chance (the
    // 100,000-key split within 1% is tested on the router itself, test/serve/traffic.test.ts).
    expect(Math.abs(b / users - 0.3)).toBeLessThan(0.05);
    const pinned = await server.app.inject({
      method: 'POST',
      url: '/v1/deployments/checkout/predict',
      headers: { 'x-keel-variant': 'b' },
      payload: { instances: [{ x0: 1, x1: 1, user_id: 'user-0' }] },
    });
    expect(pinned.json().variant).toBe('b');
  });

  it('a shadow never changes the caller response, even when it throws or cannot load', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('m', classifier(0.25));
    registry.add('boom', 'test-throws', new LinearTestModel(classifier(9)).serialize());
    registry.add('broken', 'test-broken', new Uint8Array([1, 2, 3]));
    registry.put('plain', { variants: [{ name: 'primary', ref: 'm/1', weight: 1 }] });
    registry.put('mirrored', {
      variants: [{ name: 'primary', ref: 'm/1', weight: 1 }],
      shadow: { ref: 'boom/1', percent: 100 },
    });
    registry.put('mirror-broken', {
      variants: [{ name: 'primary', ref: 'm/1', weight: 1 }],
      shadow: { ref: 'broken/1', percent: 100 },
    });
    const { server, engine } = await testServer(registry, { engine: { loaders: throwingLoaders() } });
    const shadows: EngineEvent[] = [];
    engine.subscribe((e) => shadows.push(e), ['shadow']);
    const ask = (deployment: string, i: number) =>
      server.app.inject({
        method: 'POST',
        url: `/v1/deployments/${deployment}/predict`,
        payload: {
          instances: [
            { x0: i, x1: -i / 2 },
            { x0: 0.5, x1: i },
          ],
        },
      });
    for (let i = 0; i < 50; i++) {
      const plain = await ask('plain', i);
      const mirrored = await ask('mirrored', i);
      const broken = await ask('mirror-broken', i);
      for (const r of [mirrored, broken]) {
        expect(r.statusCode).toBe(200);
        expect(r.json().predictions).toEqual(plain.json().predictions);
        expect(r.headers['keel-model-version']).toBe(plain.headers['keel-model-version']);
      }
    }
    await waitFor(() => shadows.length >= 50);
    const failed = shadows.filter((e) => e.type === 'shadow' && e.error !== null);
    expect(failed.length).toBeGreaterThanOrEqual(50);
    expect(String((failed[0] as { error: unknown }).error)).toContain('exploded');
  });
});

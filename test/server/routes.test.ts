import { describe, expect, it } from 'vitest';
import type { KeelServer } from '../../src/server/index.js';
import { classifier, regression } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { listen, type RawResponse, send } from './helpers/http.js';
import { testServer } from './helpers/server.js';

const json = { 'content-type': 'application/json' };

async function fraudServer(options: Parameters<typeof testServer>[1] = {}) {
  const registry = new MemoryRegistry();
  registry.addLinear('fraud', classifier(0.5));
  registry.addLinear('price', regression(1, [2, 3]));
  registry.put('fraud', { variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }] });
  return { registry, ...(await testServer(registry, options)) };
}

describe('Open Inference Protocol REST', () => {
  it('answers health, server metadata, model metadata and model readiness', async () => {
    const { server } = await fraudServer({ name: 'keel', version: '9.9.9' });
    const live = await server.app.inject('/v2/health/live');
    expect([live.statusCode, live.json()]).toEqual([200, { live: true }]);
    const ready = await server.app.inject('/v2/health/ready');
    expect([ready.statusCode, ready.json()]).toEqual([200, { ready: true }]);
    expect((await server.app.inject('/v2')).json()).toEqual({
      name: 'keel',
      version: '9.9.9',
      extensions: ['model_repository'],
    });
    const meta = (await server.app.inject('/v2/models/fraud')).json();
    expect(meta).toMatchObject({ name: 'fraud', versions: ['1'], platform: 'keel_native' });
    expect(meta.inputs.map((t: { name: string }) => t.name)).toEqual(['x0', 'x1']);
    expect((await server.app.inject('/v2/models/fraud/versions/1')).statusCode).toBe(200);
    const mready = await server.app.inject('/v2/models/fraud/ready');
    expect([mready.statusCode, mready.json()]).toEqual([200, { name: 'fraud', ready: true }]);
    expect((await server.app.inject('/v2/models/fraud/versions/1/ready')).statusCode).toBe(200);
    const unknown = await server.app.inject('/v2/models/nope/ready');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'KEEL_SERVE_MODEL_NOT_LOADED' });
    const badVersion = await server.app.inject('/v2/models/fraud/versions/7/ready');
    expect(badVersion.statusCode).toBe(404);
    expect((await server.app.inject('/v2/models/nope')).json().error).toContain('"nope"');
  });

  it('is not ready until the deployments are loaded and warm, then it is', async () => {
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0.5));
    registry.put('fraud', { variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }] });
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    registry.beforeFetch = () => held;
    const { InferenceEngine } = await import('../../src/serve/index.js');
    const { testLoaders } = await import('../serve/helpers/memory-registry.js');
    const { buildServer } = await import('../../src/server/index.js');
    const engine = new InferenceEngine({
      source: registry,
      deployments: registry,
      loaders: testLoaders(),
      pollIntervalMs: 0,
    });
    const server = await buildServer({ engine, loadGuard: { maxEventLoopDelayMs: 0 } });
    const starting = engine.start();
    const before = await server.app.inject('/v2/health/ready');
    expect([before.statusCode, before.json(), before.headers['retry-after']]).toEqual([
      503,
      { ready: false },
      '1',
    ]);
    expect((await server.app.inject('/v2/health/live')).statusCode).toBe(200);
    const early = await server.app.inject({
      method: 'POST',
      url: '/v1/deployments/fraud/predict',
      payload: { instances: [{ x0: 1, x1: 1 }] },
    });
    expect(early.statusCode).toBe(503);
    expect(early.headers['retry-after']).toBeDefined();
    release();
    await starting;
    expect((await server.app.inject('/v2/health/ready')).statusCode).toBe(200);
    expect(
      (
        await server.app.inject({
          method: 'POST',
          url: '/v1/deployments/fraud/predict',
          payload: { instances: [{ x0: 1, x1: 1 }] },
        })
      ).statusCode,
    ).toBe(200);
    server.stopAccepting();
    expect((await server.app.inject('/v2/health/ready')).statusCode).toBe(503);
    await engine.shutdown();
    await server.app.close();
  });

  it('infers with OIP tensors, echoes the id and names the version in headers and parameters', async () => {
    const { server } = await fraudServer();
    const r = await server.app.inject({
      method: 'POST',
      url: '/v2/models/fraud/infer',
      payload: {
        id: 'r-1',
        inputs: [
          { name: 'x0', datatype: 'FP64', shape: [2], data: [1, 0] },
          { name: 'x1', datatype: 'FP64', shape: [2], data: [2, 0] },
        ],
        outputs: [{ name: 'probabilities' }],
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['keel-model-version']).toBe('1');
    expect(r.headers['keel-variant']).toBe('primary');
    const body = r.json();
    expect(body).toMatchObject({
      model_name: 'fraud',
      model_version: '1',
      id: 'r-1',
      parameters: { model: 'fraud', variant: 'primary' },
    });
    const p = 1 / (1 + Math.exp(-(0.5 + 1 - 2)));
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0].shape).toEqual([2, 2]);
    expect(body.outputs[0].data[1]).toBeCloseTo(p, 12);
    const versioned = await server.app.inject({
      method: 'POST',
      url: '/v2/models/fraud/versions/1/infer',
      payload: {
        inputs: [
          { name: 'x0', datatype: 'FP64', shape: [1], data: [1] },
          { name: 'x1', datatype: 'FP64', shape: [1], data: [1] },
        ],
      },
    });
    expect(versioned.statusCode).toBe(200);
    const wrong = await server.app.inject({
      method: 'POST',
      url: '/v2/models/fraud/versions/2/infer',
      payload: { inputs: [{ name: 'x0', datatype: 'FP64', shape: [1], data: [1] }] },
    });
    expect(wrong.statusCode).toBe(404);
  });
});

// Plain predict requests are answered by the raw-socket fast path; everything else (and inject) by
// the Fastify route: both must answer the same.
describe.each(['inject', 'socket'] as const)('plain JSON predict (%s)', (transport) => {
  type Call = (o: {
    method: 'POST';
    url: string;
    headers?: Record<string, string>;
    payload?: string;
  }) => Promise<RawResponse>;
  async function client(server: KeelServer): Promise<Call> {
    if (transport === 'inject') return (o) => server.app.inject(o) as Promise<RawResponse>;
    const port = await listen(server);
    return (o) => send(port, o);
  }

  it('returns predictions and probabilities in order and says which version answered', async () => {
    const { server } = await fraudServer();
    const call = await client(server);
    const r = await call({
      method: 'POST',
      url: '/v1/deployments/fraud/predict',
      headers: json,
      payload: JSON.stringify({
        instances: [
          { x0: 1, x1: 2 },
          { x0: 3, x1: 0 },
        ],
      }),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['keel-model']).toBe('fraud');
    expect(r.headers['keel-model-version']).toBe('1');
    const body = r.json();
    expect(body).toMatchObject({
      deployment: 'fraud',
      model: 'fraud',
      version: 1,
      variant: 'primary',
      cached: false,
    });
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    expect(body.predictions.map((p: { probability: number }) => p.probability)).toEqual(
      [sig(0.5 + 1 - 2), sig(0.5 + 3)].map((v) => expect.closeTo(v, 12)),
    );
    expect(body.predictions[1]).toMatchObject({
      label: 'yes',
      probabilities: { no: expect.any(Number), yes: expect.any(Number) },
    });
  });

  it('answers errors as { error, code, details } with the right status', async () => {
    const { server } = await fraudServer({ bodyLimitBytes: 2048 });
    const call = await client(server);
    const post = (
      payload: string,
      headers: Record<string, string> = json,
      url = '/v1/deployments/fraud/predict',
    ) => call({ method: 'POST', url, headers, payload });
    const cases: [Awaited<ReturnType<typeof post>>, number, string, string][] = [
      [await post('{"instances": [1,'), 400, 'KEEL_SERVER_BAD_REQUEST', 'not valid JSON'],
      [await post(''), 400, 'KEEL_SERVER_BAD_REQUEST', 'empty'],
      [await post('{"instances": []}'), 400, 'KEEL_SERVER_BAD_REQUEST', 'body/instances'],
      [await post('{"rows": []}'), 400, 'KEEL_SERVER_BAD_REQUEST', '"instances"'],
      [await post('{"instances": [{"x0": "a", "x1": 1}]}'), 400, 'KEEL_SERVE_BAD_INPUT', 'x0'],
      [await post('{"instances": [{"x0": 1}]}'), 400, 'KEEL_SERVE_BAD_INPUT', 'x1'],
      [await post('{"instances": [{"x0": 1, "x1": 1, "zz": 2}]}'), 400, 'KEEL_SERVE_BAD_INPUT', 'zz'],
      [
        await post(JSON.stringify({ instances: [{ x0: 'x'.repeat(3000), x1: 1 }] })),
        413,
        'KEEL_SERVE_PAYLOAD_TOO_LARGE',
        '2048 bytes',
      ],
      [
        await post('x0=1', { 'content-type': 'text/plain' }),
        415,
        'KEEL_SERVER_UNSUPPORTED_MEDIA_TYPE',
        'application/json',
      ],
      [
        await post('{"instances": [{"x0": 1, "x1": 1}]}', json, '/v1/deployments/nope/predict'),
        404,
        'KEEL_DEPLOY_NOT_FOUND',
        '"nope"',
      ],
      [await post('{}', json, '/v1/nothing'), 404, 'KEEL_SERVER_ROUTE_NOT_FOUND', '/v1/nothing'],
    ];
    for (const [r, status, code, text] of cases) {
      expect(r.statusCode, r.body).toBe(status);
      const body = r.json();
      expect(body.code).toBe(code);
      expect(body.error).toContain(text);
      expect(body.details).toBeTypeOf('object');
    }
  });
});

describe('model repository extension', () => {
  it('indexes, loads and unloads model references; load and unload need the token when one is set', async () => {
    const { server } = await fraudServer({ token: 's3cret-token' });
    const auth = { authorization: 'Bearer s3cret-token' };
    const index = await server.app.inject({ method: 'POST', url: '/v2/repository/index' });
    expect(index.json()).toEqual([{ name: 'fraud', version: '1', state: 'READY', reason: '' }]);
    const denied = await server.app.inject({ method: 'POST', url: '/v2/repository/models/price/load' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['www-authenticate']).toContain('Bearer');
    const loaded = await server.app.inject({
      method: 'POST',
      url: '/v2/repository/models/price/load',
      headers: auth,
    });
    expect([loaded.statusCode, loaded.json()]).toEqual([200, { name: 'price', load: true, versions: ['1'] }]);
    const infer = await server.app.inject({
      method: 'POST',
      url: '/v2/models/price/infer',
      payload: {
        inputs: [
          { name: 'x0', datatype: 'FP64', shape: [1], data: [1] },
          { name: 'x1', datatype: 'FP64', shape: [1], data: [1] },
        ],
      },
    });
    expect(infer.json().outputs[0].data).toEqual([1 + 2 + 3]);
    const readyOnly = await server.app.inject({
      method: 'POST',
      url: '/v2/repository/index',
      payload: { ready: true },
    });
    expect(readyOnly.json().map((e: { name: string }) => e.name)).toEqual(['fraud', 'price']);
    const missing = await server.app.inject({
      method: 'POST',
      url: '/v2/repository/models/ghost/load',
      headers: auth,
    });
    expect(missing.statusCode).toBe(404);
    const unloaded = await server.app.inject({
      method: 'POST',
      url: '/v2/repository/models/price/unload',
      headers: auth,
    });
    expect(unloaded.json()).toEqual({ name: 'price', unload: true });
    expect((await server.app.inject('/v2/models/price')).statusCode).toBe(404);
  });
});

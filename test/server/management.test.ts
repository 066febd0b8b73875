import { describe, expect, it } from 'vitest';
import { DeploymentService, InferenceEngine, StoreDeploymentSource } from '../../src/serve/index.js';
import { buildServer } from '../../src/server/index.js';
import { useTestStores } from '../helpers/stores.js';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry, testLoaders } from '../serve/helpers/memory-registry.js';

const stores = useTestStores();
const TOKEN = 'management-token-1';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A server whose engine polls the real (SQLite) deployment repository that the management routes write. */
async function managed(role: 'all' | 'inference' = 'all') {
  const { metadata, clock } = await stores();
  const registry = new MemoryRegistry();
  registry.addLinear('fraud', classifier(0));
  registry.addLinear('fraud', classifier(1));
  registry.addLinear('fraud', classifier(2));
  registry.setAlias('fraud', 'champion', 1);
  const engine = new InferenceEngine({
    source: registry,
    deployments: new StoreDeploymentSource(metadata.deployments, clock),
    loaders: testLoaders(),
    pollIntervalMs: 0,
  });
  await engine.start();
  const deployments = new DeploymentService({
    repository: metadata.deployments,
    models: registry,
    clock,
    actor: 'test',
  });
  const server = await buildServer({
    engine,
    deployments,
    role,
    token: TOKEN,
    loadGuard: { maxEventLoopDelayMs: 0 },
  });
  const call = (
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = auth,
  ) =>
    server.app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const predict = async (key: string) =>
    (
      await server.app.inject({
        method: 'POST',
        url: '/v1/deployments/fraud/predict',
        payload: { instances: [{ x0: 1, x1: 1 }], key },
      })
    ).json();
  return { server, engine, call, predict, metadata, registry };
}

describe('deployment management routes', () => {
  it('require the bearer token when one is configured', async () => {
    const { call } = await managed();
    expect((await call('GET', '/v1/deployments', undefined, {})).statusCode).toBe(401);
    const wrong = await call('GET', '/v1/deployments', undefined, { authorization: 'Bearer nope-nope-nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'KEEL_UNAUTHORIZED' });
    expect((await call('GET', '/v1/deployments')).statusCode).toBe(200);
    // Inference stays open.
    expect((await call('GET', '/v2/health/live', undefined, {})).statusCode).toBe(200);
  });

  it('create, A/B weights, canary start/step/promote/rollback, shadow, history and delete take effect at once', async () => {
    const { call, predict } = await managed();
    const created = await call('PUT', '/v1/deployments/fraud', { model: 'fraud@champion' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      deployment: { name: 'fraud', revision: 1 },
      serving: { mode: 'single' },
      error: null,
    });
    expect((await predict('u1')).version).toBe(1);

    const ab = await call('PUT', '/v1/deployments/fraud', {
      variants: [
        { ref: 'fraud/1', weight: 1 },
        { ref: 'fraud/2', weight: 1 },
      ],
      stickyKey: 'user_id',
    });
    expect(ab.json().serving.variants.map((v: { name: string; share: number }) => [v.name, v.share])).toEqual(
      [
        ['a', 0.5],
        ['b', 0.5],
      ],
    );
    const weights = await call('PUT', '/v1/deployments/fraud/weights', { weights: { a: 0, b: 1 } });
    expect(weights.json().serving.variants[1].share).toBe(1);
    expect((await predict('anyone')).version).toBe(2);

    await call('PUT', '/v1/deployments/fraud', { model: 'fraud/1' });
    const canary = await call('POST', '/v1/deployments/fraud/canary', { ref: 'fraud/3', percent: 20 });
    expect(canary.json().serving).toMatchObject({ mode: 'canary', canaryPercent: 20 });
    const step = await call('POST', '/v1/deployments/fraud/canary/step', { percent: 100 });
    expect(step.json().serving.canaryPercent).toBe(100);
    expect((await predict('u2')).version).toBe(3);
    const rolled = await call('POST', '/v1/deployments/fraud/rollback');
    expect(rolled.json().serving).toMatchObject({ mode: 'single', variants: [{ ref: 'fraud/1' }] });
    await call('POST', '/v1/deployments/fraud/canary', { ref: 'fraud/3' });
    const promoted = await call('POST', '/v1/deployments/fraud/promote');
    expect(promoted.json().serving.variants[0].ref).toBe('fraud/3');

    const shadow = await call('PUT', '/v1/deployments/fraud/shadow', { ref: 'fraud/2', percent: 50 });
    expect(shadow.json().serving.shadow).toMatchObject({ ref: 'fraud/2', percent: 50, version: 2 });
    const unshadow = await call('DELETE', '/v1/deployments/fraud/shadow');
    expect(unshadow.json().serving.shadow).toBeNull();

    const show = (await call('GET', '/v1/deployments/fraud')).json();
    expect(show.deployment.spec.variants[0].ref).toBe('fraud/3');
    const history = (
      await call('GET', '/v1/deployments/fraud/history', undefined, { ...auth, 'x-keel-actor': 'alice' })
    ).json();
    expect(history.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'update',
      'weights',
      'update',
      'canary-start',
      'canary-step',
      'rollback',
      'canary-start',
      'promote',
      'shadow-add',
      'shadow-remove',
    ]);
    expect(history[0].actor).toBe('api');
    const list = (await call('GET', '/v1/deployments')).json();
    expect(list).toHaveLength(1);
    const deleted = await call('DELETE', '/v1/deployments/fraud');
    expect(deleted.json()).toEqual({ name: 'fraud', deleted: true });
    const gone = await predict('u3');
    expect(gone.code).toBe('KEEL_DEPLOY_NOT_FOUND');
  });

  it('refuse invalid changes with 4xx naming the problem, and keep the stored revision', async () => {
    const { call } = await managed();
    await call('PUT', '/v1/deployments/fraud', { model: 'fraud/1' });
    const cases = [
      [await call('PUT', '/v1/deployments/fraud', { model: 'ghost/1' }), 404, 'ghost'],
      [await call('PUT', '/v1/deployments/fraud', { model: 'fraud/1', color: 'red' }), 400, 'color'],
      [
        await call('PUT', '/v1/deployments/fraud', { variants: [{ ref: 'fraud/1', weight: -1 }] }),
        400,
        'weight',
      ],
      [await call('PUT', '/v1/deployments/fraud/weights', { weights: { zz: 1 } }), 400, '"zz"'],
      [await call('POST', '/v1/deployments/fraud/promote'), 400, 'no canary'],
      [await call('POST', '/v1/deployments/nope/canary', { ref: 'fraud/2' }), 404, 'nope'],
      [await call('PUT', '/v1/deployments/9bad', { model: 'fraud/1' }), 400, 'deployment name'],
      [await call('PUT', '/v1/deployments/fraud/shadow', { ref: 'fraud/2', percent: 120 }), 400, 'percent'],
    ] as const;
    for (const [r, status, text] of cases) {
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().error).toContain(text);
    }
    expect((await call('GET', '/v1/deployments/fraud')).json().deployment.revision).toBe(1);
  });

  it('are not mounted on inference replicas', async () => {
    const { call } = await managed('inference');
    expect((await call('GET', '/v1/deployments')).json()).toMatchObject({
      code: 'KEEL_SERVER_ROUTE_NOT_FOUND',
    });
  });
});

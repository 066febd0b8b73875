import { describe, expect, it } from 'vitest';
import { KeelMetrics } from '../../src/monitor/index.js';
import { requestIdGenerator, requestObserver } from '../../src/server/index.js';
import { metricsPlugin, requestMetricsPlugin } from '../../src/server/metrics-routes.js';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { listen, send } from './helpers/http.js';
import { testServer } from './helpers/server.js';

const line = (body: string, prefix: string): string | undefined =>
  body.split('\n').find((l) => l.startsWith(prefix));

describe('the predict fast path and monitoring', () => {
  it('counts fast-path requests like Fastify routes, and assigns and echoes request ids', async () => {
    const metrics = new KeelMetrics();
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0.5));
    registry.put('fraud', { variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }] });
    const { server, engine } = await testServer(registry, {
      observer: requestObserver(metrics),
      requestIds: requestIdGenerator(),
      plugins: [requestMetricsPlugin(metrics), metricsPlugin(metrics)],
    });
    const ids: string[] = [];
    engine.subscribe(
      (e) => {
        if (e.type === 'prediction' && e.requestId) ids.push(e.requestId);
      },
      ['prediction'],
    );
    const port = await listen(server);
    const predict = (url: string, headers: Record<string, string> = {}) =>
      send(port, {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...headers },
        payload: '{"instances":[{"x0":1,"x1":2}]}',
      });
    const given = await predict('/v1/deployments/fraud/predict', { 'x-request-id': 'client-1' });
    const assigned = await predict('/v1/deployments/fraud/predict');
    const missing = await predict('/v1/deployments/nope/predict');
    expect([given.statusCode, assigned.statusCode, missing.statusCode]).toEqual([200, 200, 404]);
    expect(given.headers['x-request-id']).toBe('client-1');
    expect(String(assigned.headers['x-request-id'])).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    await new Promise((r) => setImmediate(r));
    expect(ids.slice(0, 2)).toEqual(['client-1', String(assigned.headers['x-request-id'])]);
    const infer = await send(port, {
      method: 'POST',
      url: '/v2/models/fraud/versions/1/infer',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        id: 'i-1',
        inputs: [
          { name: 'x0', datatype: 'FP64', shape: [1], data: [1] },
          { name: 'x1', datatype: 'FP64', shape: [1], data: [2] },
        ],
      }),
    });
    expect(infer.statusCode).toBe(200);
    expect([infer.headers['keel-model-version'], infer.headers['keel-variant']]).toEqual(['1', 'primary']);
    expect(infer.json()).toMatchObject({ model_name: 'fraud', model_version: '1', id: 'i-1' });
    const scrape = (await send(port, { method: 'GET', url: '/metrics' })).body;
    expect(
      line(
        scrape,
        `keel_requests_total{${'deployment="fraud",model="fraud",version="1",variant="primary"'},route="/v2/models/:name/versions/:version/infer",status="2xx"}`,
      ),
    ).toMatch(/ 1$/);
    const served = 'deployment="fraud",model="fraud",version="1",variant="primary"';
    expect(
      line(scrape, `keel_requests_total{${served},route="/v1/deployments/:name/predict",status="2xx"}`),
    ).toMatch(/ 2$/);
    expect(
      line(
        scrape,
        'keel_request_errors_total{deployment="",route="/v1/deployments/:name/predict",code="KEEL_DEPLOY_NOT_FOUND"}',
      ),
    ).toMatch(/ 1$/);
    expect(scrape).not.toContain('"nope"');
  });
});

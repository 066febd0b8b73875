import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  computeLiveQuality,
  FeedbackRecorder,
  feedbackSink,
  KeelMetrics,
  observeEngine,
  PredictionLogger,
  predictionLogSink,
} from '../../src/monitor/index.js';
import { feedbackPlugin } from '../../src/server/feedback-routes.js';
import { metricsPlugin, requestMetricsPlugin } from '../../src/server/metrics-routes.js';
import { MemoryStreamStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';
import { classifier } from '../serve/helpers/engine.js';
import { MemoryRegistry } from '../serve/helpers/memory-registry.js';
import { testServer } from './helpers/server.js';

const json = { 'content-type': 'application/json' };
const line = (body: string, prefix: string): string | undefined =>
  body.split('\n').find((l) => l.startsWith(prefix));

describe('monitoring routes: /metrics, request metrics, POST /v1/feedback', () => {
  it('measures requests, logs predictions with their request ids and joins feedback to them', {
    timeout: 30_000,
  }, async () => {
    const offline = join(tempDir(), 'offline');
    const clock = new ManualClock(Date.UTC(2024, 8, 1, 12));
    const stream = new MemoryStreamStore(clock);
    const metrics = new KeelMetrics();
    const logger = new PredictionLogger({ stream, metrics, clock });
    const recorder = new FeedbackRecorder({ stream, clock, metrics });
    const registry = new MemoryRegistry();
    registry.addLinear('fraud', classifier(0.5));
    registry.put('fraud', { variants: [{ name: 'primary', ref: 'fraud/1', weight: 1 }] });
    const { server, engine } = await testServer(registry, {
      engine: { clock },
      plugins: [requestMetricsPlugin(metrics), metricsPlugin(metrics), feedbackPlugin(recorder)],
    });
    const stop = observeEngine(engine, { metrics, logger });
    const predict = (headers: Record<string, string> = {}) =>
      server.app.inject({
        method: 'POST',
        url: '/v1/deployments/fraud/predict',
        headers: { ...json, ...headers },
        payload: { instances: [{ x0: 1, x1: 0.5 }] },
      });
    const first = await predict({ 'x-request-id': 'req-1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-request-id']).toBe('req-1');
    const second = await predict();
    const generated = String(second.headers['x-request-id']);
    expect(generated).toMatch(/^[0-9a-f]{8}-0$/);
    const missing = await server.app.inject({
      method: 'POST',
      url: '/v1/deployments/nope/predict',
      headers: json,
      payload: { instances: [{}] },
    });
    expect(missing.statusCode).toBe(404);
    await waitFor(() => logger.stats.enqueued === 2);

    const scrape = await server.app.inject('/metrics');
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toContain('text/plain');
    const body = scrape.body;
    const served = 'deployment="fraud",model="fraud",version="1",variant="primary"';
    expect(
      line(body, `keel_requests_total{${served},route="/v1/deployments/:name/predict",status="2xx"}`),
    ).toMatch(/ 2$/);
    expect(
      line(body, `keel_request_duration_seconds_count{${served},route="/v1/deployments/:name/predict"}`),
    ).toMatch(/ 2$/);
    expect(line(body, `keel_prediction_rows_total{${served}}`)).toMatch(/ 2$/);
    expect(line(body, `keel_inference_duration_seconds_count{${served}}`)).toMatch(/ 2$/);
    expect(line(body, 'keel_model_rows_total{model="fraud",version="1"}')).toMatch(/ \d+$/);
    expect(
      line(
        body,
        'keel_request_errors_total{deployment="",route="/v1/deployments/:name/predict",code="KEEL_DEPLOY_NOT_FOUND"}',
      ),
    ).toMatch(/ 1$/);
    expect(body).not.toContain('"nope"');
    expect(body).not.toContain('route="/metrics"');

    const ok = await server.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: json,
      payload: { request_id: 'req-1', label: 'yes' },
    });
    expect([ok.statusCode, ok.json()]).toEqual([202, { accepted: 1 }]);
    const batch = await server.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: json,
      payload: {
        labels: [
          { request_id: generated, label: 'no' },
          { request_id: 'never-seen', label: 'yes' },
        ],
      },
    });
    expect(batch.json()).toEqual({ accepted: 2 });
    const bad = await server.app.inject({
      method: 'POST',
      url: '/v1/feedback',
      headers: json,
      payload: [
        { request_id: 'req-1', label: 'yes' },
        { request_id: 'req-2', label: [1] },
      ],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'KEEL_MONITOR_BAD_FEEDBACK',
      details: { invalid: 1, problems: [{ index: 1, requestId: 'req-2' }] },
    });

    await logger.flush();
    await predictionLogSink({ stream, offline, clock }).drain();
    await feedbackSink({ stream, offline, clock }).drain();
    const report = await computeLiveQuality({
      offline,
      model: 'fraud',
      fromMs: clock.now() - 60_000,
      toMs: clock.now() + 60_000,
      signatureOf: async () => ({
        kind: 'columns',
        inputs: [],
        outputs: [],
        classes: ['no', 'yes'],
        task: 'binary',
      }),
    });
    expect(report.unmatchedLabels).toBe(1);
    expect(report.versions[0]).toMatchObject({ version: 1, predictions: 2, labelled: 2 });
    const after = (await server.app.inject('/metrics')).body;
    expect(line(after, 'keel_feedback_labels_total{result="accepted"}')).toMatch(/ 3$/);
    expect(line(after, 'keel_feedback_labels_total{result="rejected"}')).toMatch(/ 1$/);
    stop();
  });
});

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Frame, ManualClock } from '../../src/core/index.js';
import {
  detectDrift,
  KeelMetrics,
  METRIC_CATALOG,
  type ModelStatsLike,
  observeEngine,
  PredictionLogger,
} from '../../src/monitor/index.js';
import type { EngineEvent, EngineListener } from '../../src/serve/index.js';
import { MemoryStreamStore } from '../../src/storage/index.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const line = (body: string, prefix: string): string | undefined =>
  body.split('\n').find((l) => l.startsWith(prefix));

describe('KeelMetrics', () => {
  it('names every metric by Prometheus conventions with bounded label names', () => {
    const forbidden = /request_?id|user|session|email/i;
    for (const spec of METRIC_CATALOG) {
      expect(spec.name).toMatch(/^keel_[a-z0-9_]+$/);
      if (spec.type === 'counter') expect(spec.name).toMatch(/_total$/);
      else expect(spec.name).not.toMatch(/_total$/);
      if (spec.type === 'histogram') expect(spec.name).toMatch(/_(seconds|rows)$/);
      for (const label of spec.labels) expect(label).not.toMatch(forbidden);
      expect(spec.labels.length).toBeLessThanOrEqual(6);
    }
    expect(new Set(METRIC_CATALOG.map((s) => s.name)).size).toBe(METRIC_CATALOG.length);
  });

  it('records requests on pre-bound series: cumulative sub-millisecond buckets and status classes', async () => {
    const m = new KeelMetrics({ version: '0.1.0' });
    const labels = {
      deployment: 'fraud',
      model: 'fraud',
      version: 3,
      variant: 'primary',
      route: '/v1/predict/:deployment',
    };
    const s = m.request(labels);
    expect(m.request({ ...labels })).toBe(s);
    s.record(0.00004, 200);
    s.record(0.0003, 200);
    s.record(0.002, 429);
    s.record(7, 503);
    const { body, contentType } = await m.render();
    expect(contentType).toContain('text/plain');
    const l =
      'deployment="fraud",model="fraud",version="3",variant="primary",route="/v1/predict/:deployment"';
    expect(line(body, `keel_request_duration_seconds_bucket{${l},le="0.00005"}`)).toMatch(/ 1$/);
    expect(line(body, `keel_request_duration_seconds_bucket{${l},le="0.0005"}`)).toMatch(/ 2$/);
    expect(line(body, `keel_request_duration_seconds_bucket{${l},le="5"}`)).toMatch(/ 3$/);
    expect(line(body, `keel_request_duration_seconds_bucket{${l},le="+Inf"}`)).toMatch(/ 4$/);
    expect(line(body, `keel_request_duration_seconds_count{${l}}`)).toMatch(/ 4$/);
    expect(Number(line(body, `keel_request_duration_seconds_sum{${l}}`)!.split(' ')[1])).toBeCloseTo(
      7.00234,
      10,
    );
    expect(line(body, `keel_requests_total{${l},status="2xx"}`)).toMatch(/ 2$/);
    expect(line(body, `keel_requests_total{${l},status="4xx"}`)).toMatch(/ 1$/);
    expect(line(body, `keel_requests_total{${l},status="5xx"}`)).toMatch(/ 1$/);
    expect(line(body, 'keel_build_info{version="0.1.0"}')).toMatch(/ 1$/);
  });

  it('reads engine counters at scrape time and keeps registries separate per instance', async () => {
    const a = new KeelMetrics();
    const b = new KeelMetrics();
    const stats: ModelStatsLike = {
      model: 'fraud',
      version: 2,
      success: 90,
      failure: 1,
      rows: 640,
      executions: 10,
      rejected: 4,
      timeouts: 2,
      queueUs: 2_500_000,
      computeUs: 500_000,
      queued: 3,
      inflight: 5,
    };
    const source = { modelStats: () => [stats], cacheStats: () => ({ hits: 7, misses: 3, errors: 0 }) };
    a.setServingSource(source);
    const body = (await a.render()).body;
    expect(line(body, 'keel_model_executions_total{model="fraud",version="2"}')).toMatch(/ 10$/);
    expect(line(body, 'keel_model_rows_total{model="fraud",version="2"}')).toMatch(/ 640$/);
    expect(line(body, 'keel_model_queue_seconds_total{model="fraud",version="2"}')).toMatch(/ 2.5$/);
    expect(line(body, 'keel_requests_shed_total{model="fraud",version="2",reason="queue_full"}')).toMatch(
      / 4$/,
    );
    expect(line(body, 'keel_model_queue_depth{model="fraud",version="2"}')).toMatch(/ 3$/);
    expect(line(body, 'keel_cache_hits_total ')).toBe('keel_cache_hits_total 7');
    expect((await b.render()).body).not.toContain('keel_cache_hits_total 7');
  });

  it('exports drift, quality and estimates per model version, replacing earlier values', async () => {
    const m = new KeelMetrics();
    const ref = Frame.fromRecords(
      Array.from({ length: 200 }, (_, i) => ({ x: i % 50, c: i % 2 ? 'a' : 'b' })),
    );
    const cur = Frame.fromRecords(
      Array.from({ length: 200 }, (_, i) => ({ x: 100 + (i % 50), c: i % 2 ? 'a' : 'b' })),
    );
    m.setDrift('fraud', 3, detectDrift(ref, cur), Date.UTC(2024, 0, 1));
    m.setQuality('fraud', 3, { auc: 0.91, logloss: 0.2 }, 120, 0.4);
    m.setQuality('fraud', 3, { auc: 0.8 }, 130, 0.5);
    m.setEstimatedQuality('fraud', 3, { accuracy: 0.93 });
    m.setFreshnessSource(() => ({ transactions: 42 }));
    const body = (await m.render()).body;
    expect(line(body, 'keel_feature_drifted{model="fraud",version="3",feature="x"}')).toMatch(/ 1$/);
    expect(line(body, 'keel_feature_drifted{model="fraud",version="3",feature="c"}')).toMatch(/ 0$/);
    expect(line(body, 'keel_drift_share{model="fraud",version="3"}')).toMatch(/ 0.5$/);
    expect(line(body, 'keel_model_quality{model="fraud",version="3",metric="auc"}')).toMatch(/ 0.8$/);
    expect(body).not.toContain('metric="logloss"');
    expect(
      line(body, 'keel_model_quality_estimated{model="fraud",version="3",metric="accuracy",method="cbpe"}'),
    ).toMatch(/ 0.93$/);
    expect(line(body, 'keel_feature_freshness_seconds{view="transactions"}')).toMatch(/ 42$/);
    const samples = await m.samples();
    expect(samples.find((s) => s.name === 'keel_model_labelled_predictions')?.value).toBe(130);
  });

  it('observes engine events: loads, failed loads, predictions (metrics and the log), until disconnected', async () => {
    const m = new KeelMetrics();
    const listeners = new Set<EngineListener>();
    const engine = {
      subscribe: (l: EngineListener) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      modelStats: () => [],
      cacheStats: () => null,
    };
    const logger = new PredictionLogger({ stream: new MemoryStreamStore(new ManualClock()) });
    const stop = observeEngine(engine, { metrics: m, logger });
    const emit = (e: EngineEvent) => {
      for (const l of listeners) l(e);
    };
    emit({
      type: 'model-loaded',
      ref: 'fraud@champion',
      model: 'fraud',
      version: 4,
      loadMs: 300,
      previousVersion: 3,
      at: 0,
    });
    emit({ type: 'model-load-failed', ref: 'fraud@champion', error: {} as never, keptVersion: 4, at: 0 });
    emit({
      type: 'prediction',
      deployment: 'live',
      model: 'fraud',
      version: 4,
      variant: 'canary',
      requestId: 'r1',
      records: [{ a: 1 }, { a: 2 }],
      outputs: [{ value: 1 }, { value: 2 }],
      rows: 2,
      cached: false,
      latencyUs: 150,
      at: 0,
    });
    const body = (await m.render()).body;
    expect(line(body, 'keel_model_loads_total{model="fraud",result="success"}')).toMatch(/ 1$/);
    expect(line(body, 'keel_model_loads_total{model="fraud",result="failure"}')).toMatch(/ 1$/);
    expect(line(body, 'keel_model_load_duration_seconds_sum{model="fraud"}')).toMatch(/ 0.3$/);
    expect(line(body, 'keel_model_serving_version{model="fraud"}')).toMatch(/ 4$/);
    const served = 'deployment="live",model="fraud",version="4",variant="canary"';
    expect(line(body, `keel_prediction_rows_total{${served}}`)).toMatch(/ 2$/);
    expect(line(body, `keel_inference_duration_seconds_bucket{${served},le="0.00025"}`)).toMatch(/ 1$/);
    expect(line(body, `keel_inference_duration_seconds_bucket{${served},le="0.0001"}`)).toMatch(/ 0$/);
    expect(logger.stats.enqueued).toBe(1);
    stop();
    expect(listeners.size).toBe(0);
  });

  it.skipIf(!hasPromtool)('renders text that promtool check metrics accepts', async () => {
    const m = new KeelMetrics();
    m.request({
      deployment: null,
      model: 'm',
      version: 1,
      variant: null,
      route: '/v2/models/:model/infer',
    }).record(0.001, 200);
    m.recordModelLoad('m', 1, 0.2);
    m.recordBatch('m', 1, 8, [0.0001, 0.0002]);
    const body = (await m.render()).body;
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import {
  AlertEvaluator,
  type AlertEvent,
  AlertRules,
  AlertTriggers,
  assertWebhookAllowed,
  KeelMetrics,
  type MetricSample,
  parseAlertExpression,
  sendWebhook,
  verifyWebhookSignature,
} from '../../src/monitor/index.js';
import { openStore } from '../../src/storage/index.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('alert rule expressions', () => {
  it('parses aliases, exported names, matchers, rate/increase and for-durations', () => {
    expect(parseAlertExpression('auc < 0.85 for 1h')).toMatchObject({
      fn: 'value',
      metric: 'keel_model_quality',
      matchers: [{ label: 'metric', op: '=', value: 'auc' }],
      op: '<',
      threshold: 0.85,
      forMs: 3_600_000,
    });
    expect(parseAlertExpression('drift_share{model="fraud"} > 0.3')).toMatchObject({
      metric: 'keel_drift_share',
      matchers: [{ label: 'model', op: '=', value: 'fraud' }],
      forMs: 0,
    });
    expect(parseAlertExpression('estimated_f1 <= 0.7')).toMatchObject({
      metric: 'keel_model_quality_estimated',
      matchers: [
        { label: 'metric', value: 'f1' },
        { label: 'method', value: 'cbpe' },
      ],
    });
    expect(
      parseAlertExpression('rate(keel_request_errors_total{code!="KEEL_SERVE_BAD_INPUT"}[5m]) > 0.5 for 10m'),
    ).toMatchObject({
      fn: 'rate',
      rangeMs: 300_000,
      forMs: 600_000,
    });
    expect(parseAlertExpression('keel_request_duration_seconds_count > 1e3').threshold).toBe(1000);
  });

  it('rejects unknown metrics (listing the known ones) and malformed rules when created', () => {
    let err: { code?: string; message?: string; details?: { known?: string[] } } = {};
    try {
      parseAlertExpression('acu < 0.85');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('KEEL_MONITOR_UNKNOWN_METRIC');
    expect(err.details?.known).toEqual(expect.arrayContaining(['auc', 'drift_share', 'keel_requests_total']));
    expect(err.message).toContain('auc');
    for (const bad of [
      'auc < ',
      'auc < 0.8 for soon',
      'auc{model=fraud} < 0.8',
      'auc{route="x"} < 0.8',
      'rate(drift_share[5m]) > 1',
      'rate(keel_requests_total) > 1',
      'keel_requests_total[5m] > 1',
    ]) {
      expect(
        codeOf(() => parseAlertExpression(bad)),
        bad,
      ).toBe('KEEL_MONITOR_BAD_RULE');
    }
    expect(codeOf(() => parseAlertExpression('keel_request_duration_seconds > 1'))).toBe(
      'KEEL_MONITOR_UNKNOWN_METRIC',
    );
  });
});

describe('alert evaluation', () => {
  const sample = (
    value: number,
    labels: Record<string, string> = { model: 'fraud', version: '3', metric: 'auc' },
  ): MetricSample => ({
    name: 'keel_model_quality',
    labels,
    value,
  });

  it('goes pending, fires after the for duration, resolves, and tells the triggers', async () => {
    const clock = new ManualClock();
    let current: MetricSample[] = [];
    const triggers = new AlertTriggers();
    const seen: AlertEvent[] = [];
    triggers.subscribe((e) => seen.push(e), { type: 'firing' });
    triggers.subscribe(() => {
      throw new Error('a broken listener must not stop evaluation');
    });
    const metrics = new KeelMetrics();
    const evaluator = new AlertEvaluator({
      source: { samples: async () => current },
      clock,
      triggers,
      metrics,
      log: silentLogger(),
    });
    evaluator.setRules([{ name: 'auc-low', expression: 'auc < 0.85 for 1h', severity: 'critical' }]);
    current = [sample(0.9)];
    expect(await evaluator.evaluate()).toEqual([]);
    current = [sample(0.8)];
    expect(await evaluator.evaluate()).toEqual([]);
    expect(evaluator.states()).toMatchObject([{ rule: 'auc-low', state: 'pending', value: 0.8 }]);
    await clock.advance(3_599_999);
    expect(await evaluator.evaluate()).toEqual([]);
    await clock.advance(1);
    const [fired] = await evaluator.evaluate();
    expect(fired).toMatchObject({
      type: 'firing',
      rule: 'auc-low',
      severity: 'critical',
      value: 0.8,
      threshold: 0.85,
    });
    expect(fired!.at - fired!.activeSinceMs).toBe(3_600_000);
    expect(seen).toHaveLength(1);
    expect((await metrics.samples()).find((s) => s.name === 'keel_alerts_firing')?.value).toBe(1);
    expect(await evaluator.evaluate()).toEqual([]);
    current = [sample(0.9)];
    expect((await evaluator.evaluate()).map((e) => e.type)).toEqual(['resolved']);
    expect(evaluator.states()).toEqual([]);
    // A pending alert that recovers is forgotten without an event.
    current = [sample(0.1)];
    await evaluator.evaluate();
    current = [sample(0.95)];
    expect(await evaluator.evaluate()).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('keeps one state per series and resolves a firing series that disappears', async () => {
    const clock = new ManualClock();
    let current: MetricSample[] = [];
    const evaluator = new AlertEvaluator({ source: { samples: async () => current }, clock });
    evaluator.setRules([{ name: 'drift', expression: 'drift_share > 0.3' }]);
    const drift = (model: string, v: number): MetricSample => ({
      name: 'keel_drift_share',
      labels: { model, version: '1' },
      value: v,
    });
    current = [drift('a', 0.5), drift('b', 0.1)];
    const fired = await evaluator.evaluate();
    expect(fired.map((e) => [e.type, e.labels.model])).toEqual([['firing', 'a']]);
    current = [drift('b', 0.6)];
    const next = await evaluator.evaluate();
    expect(next.map((e) => [e.type, e.labels.model, e.value])).toEqual([
      ['firing', 'b', 0.6],
      ['resolved', 'a', null],
    ]);
  });

  it('computes rate() and increase() of counters over their range, across counter resets', async () => {
    const clock = new ManualClock();
    let v = 0;
    const evaluator = new AlertEvaluator({
      source: {
        samples: async () => [
          { name: 'keel_request_errors_total', labels: { deployment: 'd', route: 'r', code: 'X' }, value: v },
        ],
      },
      clock,
    });
    evaluator.setRules([
      { name: 'errors', expression: 'rate(keel_request_errors_total[1m]) > 1' },
      { name: 'burst', expression: 'increase(keel_request_errors_total[1m]) > 100' },
    ]);
    expect(await evaluator.evaluate()).toEqual([]);
    await clock.advance(30_000);
    v = 20;
    expect(await evaluator.evaluate()).toEqual([]);
    await clock.advance(30_000);
    v = 100;
    expect((await evaluator.evaluate()).map((e) => [e.rule, e.value])).toEqual([['errors', 100 / 60]]);
    await clock.advance(30_000);
    v = 30; // a restart reset the counter: +30
    const events = await evaluator.evaluate();
    expect(events.map((e) => [e.type, e.rule, e.value])).toEqual([['firing', 'burst', 110]]);
  });

  it('refuses a rule set with a bad rule and keeps the old rules', () => {
    const evaluator = new AlertEvaluator({ source: { samples: async () => [] }, clock: new ManualClock() });
    evaluator.setRules([{ name: 'ok', expression: 'auc < 0.5' }]);
    expect(codeOf(() => evaluator.setRules([{ name: 'x', expression: 'nope > 1' }]))).toBe(
      'KEEL_MONITOR_UNKNOWN_METRIC',
    );
    expect(
      codeOf(() =>
        evaluator.setRules([{ name: 'x', expression: 'auc < 1', webhooks: ['https://evil.example/h'] }]),
      ),
    ).toBe('KEEL_MONITOR_WEBHOOK_NOT_ALLOWED');
  });
});

describe('alert webhooks', () => {
  const secret = 'a-very-secret-secret';
  const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
  let failFirst = 0;
  let answer = 200;
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body, headers: req.headers });
        res.statusCode = failFirst-- > 0 ? 503 : answer;
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const event: AlertEvent = {
    type: 'firing',
    rule: 'auc-low',
    expression: 'auc < 0.85',
    severity: 'warning',
    description: '',
    labels: { model: 'fraud' },
    value: 0.8,
    threshold: 0.85,
    activeSinceMs: 1,
    at: 2,
  };

  it('signs the JSON body with HMAC-SHA256 and retries 5xx with backoff', async () => {
    received.length = 0;
    failFirst = 2;
    answer = 200;
    const clock = new ManualClock();
    const sending = sendWebhook(`${base}/hook`, event, {
      secret,
      allowList: ['127.0.0.1'],
      clock,
      baseDelayMs: 100,
    });
    // Backoff sleeps run on the manual clock: 100 ms, then 200 ms.
    while (received.length < 3) {
      await new Promise((r) => setTimeout(r, 5));
      await clock.advance(100);
    }
    const result = await sending;
    expect(result).toMatchObject({ delivered: true, attempts: 3, status: 200 });
    const last = received[2]!;
    expect(last.headers['x-keel-event']).toBe('alert.firing');
    expect(verifyWebhookSignature(last.body, secret, last.headers['x-keel-signature'] as string)).toBe(true);
    expect(verifyWebhookSignature(`${last.body} `, secret, last.headers['x-keel-signature'] as string)).toBe(
      false,
    );
    expect(JSON.parse(last.body).event).toEqual(event);
  });

  it('does not retry a 4xx answer and refuses hosts off the allow-list', async () => {
    received.length = 0;
    failFirst = 0;
    answer = 410;
    const result = await sendWebhook(`${base}/gone`, event, {
      allowList: [`127.0.0.1:${new URL(base).port}`],
      clock: new ManualClock(),
    });
    expect(result).toMatchObject({ delivered: false, attempts: 1, status: 410 });
    await expect(
      sendWebhook(`${base}/x`, event, { allowList: ['hooks.example.com'], clock: new ManualClock() }),
    ).rejects.toMatchObject({
      code: 'KEEL_MONITOR_WEBHOOK_NOT_ALLOWED',
    });
    expect(
      codeOf(() => assertWebhookAllowed('https://a.hooks.example.com/x', ['*.hooks.example.com'])),
    ).toBeUndefined();
    expect(
      codeOf(() => assertWebhookAllowed('https://hooks.example.com:8443/x', ['hooks.example.com:443'])),
    ).toBe('KEEL_MONITOR_WEBHOOK_NOT_ALLOWED');
    expect(codeOf(() => assertWebhookAllowed('file:///etc/passwd', ['*']))).toBe(
      'KEEL_MONITOR_WEBHOOK_NOT_ALLOWED',
    );
  });

  it('stores validated rules in the metadata store, and the evaluator delivers their events', async () => {
    received.length = 0;
    answer = 200;
    const clock = new ManualClock();
    const metadata = await openStore('metadata', 'sqlite::memory:', {
      root: '/',
      log: silentLogger(),
      clock,
    });
    try {
      const rules = new AlertRules({ repository: metadata.alerts, clock, allowList: ['127.0.0.1'], secret });
      await rules.put({ name: 'auc-low', expression: 'auc < 0.85', webhooks: [`${base}/rule`] });
      await expect(rules.put({ name: 'bad', expression: 'auc <' })).rejects.toMatchObject({
        code: 'KEEL_MONITOR_BAD_RULE',
      });
      await expect(
        rules.put({ name: 'x', expression: 'auc < 1', webhooks: ['https://elsewhere.test/h'] }),
      ).rejects.toMatchObject({
        code: 'KEEL_MONITOR_WEBHOOK_NOT_ALLOWED',
      });
      expect((await rules.list()).map((r) => r.name)).toEqual(['auc-low']);
      const pinged = await rules.test('auc-low');
      expect(pinged).toMatchObject([{ delivered: true }]);
      expect(JSON.parse(received[0]!.body).event.labels).toEqual({ test: 'true' });
      const metrics = new KeelMetrics();
      metrics.setQuality('fraud', 3, { auc: 0.7 }, 50, 0.5);
      const evaluator = new AlertEvaluator({
        source: metrics,
        clock,
        webhooks: { allowList: ['127.0.0.1'], secret },
        metrics,
      });
      evaluator.setRules(await rules.enabled());
      await evaluator.evaluate();
      await evaluator.idle();
      expect(received).toHaveLength(2);
      expect(JSON.parse(received[1]!.body).event).toMatchObject({
        rule: 'auc-low',
        labels: { model: 'fraud', version: '3' },
      });
      await rules.remove('auc-low');
      await expect(rules.remove('auc-low')).rejects.toMatchObject({ code: 'KEEL_NOT_FOUND' });
    } finally {
      await metadata.close();
    }
  });
});

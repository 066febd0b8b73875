import { type Clock, KeelError, type Logger, silentLogger } from '../../core/index.js';
import type { KeelMetrics, MetricSample } from '../metrics/keel-metrics.js';
import type { AlertEvent, AlertRuleSpec, AlertSeverity, AlertTriggers } from './alert-events.js';
import { type AlertExpression, compare, parseAlertExpression } from './alert-rule.js';
import { assertWebhookAllowed, sendWebhook, type WebhookResult } from './webhook.js';

/** Where webhooks go and how they are signed. */
export interface WebhookSettings {
  /** URLs notified for every rule (`monitoring.webhooks`). */
  readonly urls?: readonly string[];
  /** HMAC-SHA256 signing secret (`monitoring.webhookSecret`). */
  readonly secret?: string;
  /** `monitoring.webhookAllowList`. */
  readonly allowList: readonly string[];
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
}

/** Options of `AlertEvaluator`. */
export interface AlertEvaluatorOptions {
  /** What rules read: the process's metrics (drift and quality gauges included). */
  readonly source: { samples(): Promise<MetricSample[]> };
  readonly clock: Clock;
  /** Evaluation period of `start()`, in ms. Default 30,000. */
  readonly intervalMs?: number;
  readonly log?: Logger;
  /** The in-process subscription (continuous learning). */
  readonly triggers?: AlertTriggers;
  readonly webhooks?: WebhookSettings;
  /** Receives `keel_alerts_firing` and `keel_alert_notifications_total`. */
  readonly metrics?: KeelMetrics;
}

/** An active (pending or firing) series of a rule. */
export interface AlertState {
  readonly rule: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing';
  readonly activeSinceMs: number;
  readonly value: number;
}

interface Rule {
  readonly spec: AlertRuleSpec & { readonly severity: AlertSeverity };
  readonly expr: AlertExpression;
  readonly active: Map<
    string,
    { labels: Record<string, string>; since: number; firing: boolean; value: number }
  >;
  readonly history: Map<string, [number, number][]>;
}

/**
 * Evaluates alert rules on a schedule (`start()`, every `intervalMs` of its clock) or on demand
 * (`evaluate()`), like Prometheus: per series of a rule, a true condition makes it pending, and
 * firing once it has held for the rule's `for` duration (at once without one); a false condition
 * (or a vanished series) resolves a firing alert and forgets a pending one. Firing and resolved
 * events go to the log, to the rule's and the configured webhooks (signed, allow-listed, retried)
 * and to the in-process triggers.
 */
export class AlertEvaluator {
  private rules = new Map<string, Rule>();
  private readonly deliveries = new Set<Promise<WebhookResult[]>>();
  private readonly log: Logger;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: AlertEvaluatorOptions) {
    this.log = options.log ?? silentLogger();
  }

  /**
   * Replaces the rules, parsing each (`KEEL_MONITOR_BAD_RULE`, `KEEL_MONITOR_UNKNOWN_METRIC`,
   * `KEEL_MONITOR_WEBHOOK_NOT_ALLOWED`); nothing changes when one is invalid. A rule whose name and
   * expression are unchanged keeps its pending/firing state.
   */
  setRules(specs: readonly AlertRuleSpec[]): void {
    const next = new Map<string, Rule>();
    for (const spec of specs) {
      const expr = parseAlertExpression(spec.expression);
      for (const url of spec.webhooks ?? [])
        assertWebhookAllowed(url, this.options.webhooks?.allowList ?? []);
      if (next.has(spec.name)) {
        throw new KeelError(
          'KEEL_MONITOR_BAD_RULE',
          `Two alert rules are named "${spec.name}"; names must be unique.`,
          {
            details: { rule: spec.name },
          },
        );
      }
      const old = this.rules.get(spec.name);
      const keep = old && old.expr.source === expr.source;
      next.set(spec.name, {
        spec: { ...spec, severity: spec.severity ?? 'warning' },
        expr,
        active: keep ? old.active : new Map(),
        history: keep ? old.history : new Map(),
      });
    }
    for (const name of this.rules.keys())
      if (!next.has(name)) this.options.metrics?.set('keel_alerts_firing', [name], 0);
    this.rules = next;
  }

  /** Pending and firing series of every rule. */
  states(): AlertState[] {
    return [...this.rules.values()].flatMap((r) =>
      [...r.active.values()].map((a) => ({
        rule: r.spec.name,
        labels: a.labels,
        state: a.firing ? ('firing' as const) : ('pending' as const),
        activeSinceMs: a.since,
        value: a.value,
      })),
    );
  }

  /** Evaluates every rule once at the clock's time; returns the events it raised (already dispatched). */
  async evaluate(): Promise<AlertEvent[]> {
    const now = this.options.clock.now();
    const samples = await this.options.source.samples();
    const events: AlertEvent[] = [];
    for (const rule of this.rules.values()) {
      events.push(...this.evaluateRule(rule, samples, now));
      this.options.metrics?.set(
        'keel_alerts_firing',
        [rule.spec.name],
        [...rule.active.values()].some((a) => a.firing) ? 1 : 0,
      );
    }
    for (const e of events) this.dispatch(e);
    return events;
  }

  /** Runs `evaluate()` every `intervalMs` until `stop()`. */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = (async () => {
      while (!abort.signal.aborted) {
        try {
          await this.evaluate();
        } catch (error) {
          this.log.error({ err: error }, 'alert evaluation failed');
        }
        await this.options.clock
          .sleep(this.options.intervalMs ?? 30_000, abort.signal)
          .catch(() => undefined);
      }
    })();
  }

  /** Stops the schedule and waits for webhook deliveries in progress. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = null;
    await this.idle();
  }

  /** Resolves when every webhook delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }

  private evaluateRule(rule: Rule, samples: readonly MetricSample[], now: number): AlertEvent[] {
    const { expr } = rule;
    const seen = new Set<string>();
    const events: AlertEvent[] = [];
    for (const s of samples) {
      if (s.name !== expr.metric || !matches(expr, s.labels)) continue;
      const key = seriesKey(s.labels);
      seen.add(key);
      const value = this.valueOf(rule, key, s.value, now);
      const active = rule.active.get(key);
      if (value === null || !compare(value, expr.op, expr.threshold)) {
        if (active?.firing) events.push(this.event(rule, 'resolved', active, value, now));
        rule.active.delete(key);
        continue;
      }
      const a = active ?? { labels: { ...s.labels }, since: now, firing: false, value };
      a.value = value;
      rule.active.set(key, a);
      if (!a.firing && now - a.since >= expr.forMs) {
        a.firing = true;
        events.push(this.event(rule, 'firing', a, value, now));
      }
    }
    for (const [key, a] of rule.active) {
      if (seen.has(key)) continue;
      if (a.firing) events.push(this.event(rule, 'resolved', a, null, now));
      rule.active.delete(key);
      rule.history.delete(key);
    }
    return events;
  }

  /** The value the rule compares: the sample, or rate/increase over the rule's range (null until two points). */
  private valueOf(rule: Rule, key: string, value: number, now: number): number | null {
    const { expr } = rule;
    if (expr.fn === 'value') return value;
    const points = rule.history.get(key) ?? [];
    points.push([now, value]);
    while (points.length > 2 && points[1]![0] <= now - expr.rangeMs!) points.shift();
    rule.history.set(key, points);
    if (points.length < 2) return null;
    let increase = 0;
    for (let i = 1; i < points.length; i++) {
      const d = points[i]![1] - points[i - 1]![1];
      increase += d >= 0 ? d : points[i]![1];
    }
    if (expr.fn === 'increase') return increase;
    const seconds = (now - points[0]![0]) / 1000;
    return seconds > 0 ? increase / seconds : null;
  }

  private event(
    rule: Rule,
    type: AlertEvent['type'],
    a: { labels: Record<string, string>; since: number },
    value: number | null,
    now: number,
  ): AlertEvent {
    return {
      type,
      rule: rule.spec.name,
      expression: rule.expr.source,
      severity: rule.spec.severity,
      description: rule.spec.description ?? '',
      labels: a.labels,
      value,
      threshold: rule.expr.threshold,
      activeSinceMs: a.since,
      at: now,
    };
  }

  private dispatch(event: AlertEvent): void {
    const fields = { alert: event.rule, labels: event.labels, value: event.value, severity: event.severity };
    if (event.type === 'firing') this.log.warn(fields, `alert firing: ${event.rule} (${event.expression})`);
    else this.log.info(fields, `alert resolved: ${event.rule}`);
    for (const error of this.options.triggers?.emit(event) ?? []) {
      this.log.error({ err: error, alert: event.rule }, 'an alert trigger listener failed');
    }
    const hooks = this.options.webhooks;
    const urls = [...new Set([...(hooks?.urls ?? []), ...(this.rules.get(event.rule)?.spec.webhooks ?? [])])];
    if (!hooks || urls.length === 0) return;
    const delivery = Promise.all(urls.map((url) => this.deliver(url, event, hooks)));
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }

  private async deliver(url: string, event: AlertEvent, hooks: WebhookSettings): Promise<WebhookResult> {
    let result: WebhookResult;
    try {
      result = await sendWebhook(url, event, {
        allowList: hooks.allowList,
        clock: this.options.clock,
        ...(hooks.secret ? { secret: hooks.secret } : {}),
        ...(hooks.maxAttempts ? { maxAttempts: hooks.maxAttempts } : {}),
        ...(hooks.baseDelayMs ? { baseDelayMs: hooks.baseDelayMs } : {}),
      });
    } catch (error) {
      result = { url, delivered: false, attempts: 0, status: null, error: (error as Error).message };
    }
    this.options.metrics?.count('keel_alert_notifications_total', [
      'webhook',
      result.delivered ? 'sent' : 'failed',
    ]);
    if (!result.delivered) this.log.warn({ alert: event.rule, ...result }, 'alert webhook delivery failed');
    return result;
  }
}

function matches(expr: AlertExpression, labels: Readonly<Record<string, string>>): boolean {
  return expr.matchers.every((m) => ((labels[m.label] ?? '') === m.value) === (m.op === '='));
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

import { type Clock, KeelError } from '../../core/index.js';
import type { AlertRuleRepository, StoredAlertRule } from '../../storage/index.js';
import { ALERT_SEVERITIES, type AlertEvent, type AlertRuleSpec, type AlertSeverity } from './alert-events.js';
import { parseAlertExpression } from './alert-rule.js';
import { assertWebhookAllowed, sendWebhook, type WebhookResult } from './webhook.js';

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;

/** What `AlertRules` works with. */
export interface AlertRulesOptions {
  /** The metadata store's alert-rule repository. */
  readonly repository: AlertRuleRepository;
  readonly clock: Clock;
  /** `monitoring.webhookAllowList`. */
  readonly allowList: readonly string[];
  /** `monitoring.webhookSecret`, used by `test`. */
  readonly secret?: string;
}

/** A stored rule as a spec the evaluator runs. */
export function ruleSpec(rule: StoredAlertRule): AlertRuleSpec {
  return {
    name: rule.name,
    expression: rule.expression,
    severity: rule.severity as AlertSeverity,
    description: rule.description,
    webhooks: rule.webhooks,
  };
}

/**
 * Alert rules kept in the metadata store, validated on the way in: the name, the expression
 * (`KEEL_MONITOR_BAD_RULE`, `KEEL_MONITOR_UNKNOWN_METRIC` listing the known metrics), the severity
 * and every webhook host (`KEEL_MONITOR_WEBHOOK_NOT_ALLOWED`), so a bad rule is refused when it is
 * created, never discovered at evaluation time.
 */
export class AlertRules {
  constructor(private readonly options: AlertRulesOptions) {}

  /** Creates or replaces a rule after validating it; returns what was stored. */
  async put(spec: AlertRuleSpec & { readonly enabled?: boolean }): Promise<StoredAlertRule> {
    if (!NAME_RE.test(spec.name)) {
      throw new KeelError(
        'KEEL_MONITOR_BAD_RULE',
        `Alert rule name "${spec.name}" must be 1-100 letters, digits, _ . or -.`,
        {
          details: { rule: spec.name },
        },
      );
    }
    parseAlertExpression(spec.expression);
    const severity = spec.severity ?? 'warning';
    if (!ALERT_SEVERITIES.includes(severity)) {
      throw new KeelError(
        'KEEL_MONITOR_BAD_RULE',
        `Severity "${severity}" is unknown; use ${ALERT_SEVERITIES.join(', ')}.`,
        {
          details: { rule: spec.name, severity },
        },
      );
    }
    for (const url of spec.webhooks ?? []) assertWebhookAllowed(url, this.options.allowList);
    const now = this.options.clock.now();
    return this.options.repository.putRule({
      name: spec.name,
      expression: spec.expression.trim(),
      severity,
      description: spec.description ?? '',
      webhooks: [...(spec.webhooks ?? [])],
      enabled: spec.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Removes a rule; `KEEL_NOT_FOUND` when there is none of that name. */
  async remove(name: string): Promise<void> {
    if (!(await this.options.repository.deleteRule(name))) throw this.missing(name);
  }

  /** Every stored rule, by name. */
  list(): Promise<StoredAlertRule[]> {
    return this.options.repository.listRules();
  }

  /** The enabled rules, ready for `AlertEvaluator.setRules`. */
  async enabled(): Promise<AlertRuleSpec[]> {
    return (await this.list()).filter((r) => r.enabled).map(ruleSpec);
  }

  /**
   * Sends a test event (type `firing`, labels `{ test: "true" }`) for rule `name` to `urls` (default:
   * the rule's webhooks), signed like real ones, so receivers and the allow-list can be checked.
   */
  async test(
    name: string,
    urls?: readonly string[],
    options: { readonly maxAttempts?: number } = {},
  ): Promise<WebhookResult[]> {
    const rule = await this.options.repository.findRule(name);
    if (!rule) throw this.missing(name);
    const now = this.options.clock.now();
    const event: AlertEvent = {
      type: 'firing',
      rule: rule.name,
      expression: rule.expression,
      severity: rule.severity as AlertSeverity,
      description: `TEST: ${rule.description}`,
      labels: { test: 'true' },
      value: null,
      threshold: parseAlertExpression(rule.expression).threshold,
      activeSinceMs: now,
      at: now,
    };
    return Promise.all(
      (urls ?? rule.webhooks).map((url) =>
        sendWebhook(url, event, {
          allowList: this.options.allowList,
          clock: this.options.clock,
          ...(this.options.secret ? { secret: this.options.secret } : {}),
          ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
        }),
      ),
    );
  }

  private missing(name: string): KeelError {
    return new KeelError(
      'KEEL_NOT_FOUND',
      `There is no alert rule "${name}". List rules with: keel alerts list`,
      {
        details: { rule: name },
      },
    );
  }
}

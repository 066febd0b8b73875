/** Severity of an alert rule. */
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** The severities, least to most severe. */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** An alert rule as the evaluator runs it (what the metadata store keeps, before parsing). */
export interface AlertRuleSpec {
  /** Unique name: 1..100 letters, digits, `_ . -`. */
  readonly name: string;
  /** e.g. `auc < 0.85 for 1h` (see `parseAlertExpression`). */
  readonly expression: string;
  /** Default `warning`. */
  readonly severity?: AlertSeverity;
  readonly description?: string;
  /** Webhook URLs for this rule, on top of `monitoring.webhooks`. */
  readonly webhooks?: readonly string[];
}

/** An alert firing or resolving, for one series (label set) of its rule. */
export interface AlertEvent {
  readonly type: 'firing' | 'resolved';
  readonly rule: string;
  readonly expression: string;
  readonly severity: AlertSeverity;
  readonly description: string;
  /** Labels of the series (model, version, feature...). */
  readonly labels: Readonly<Record<string, string>>;
  /** The value that made it fire (or the last value seen, when resolving; null when the series vanished). */
  readonly value: number | null;
  readonly threshold: number;
  /** When the condition started to hold, epoch ms. */
  readonly activeSinceMs: number;
  /** When the event happened, epoch ms (evaluator clock). */
  readonly at: number;
}

/** A listener of alert events; what it throws is logged and swallowed. */
export type AlertListener = (event: AlertEvent) => void;

/**
 * The in-process subscription to alert events, for the continuous-learning loop (retrain on drift,
 * roll back on a quality drop): `subscribe(listener, { rule, type })` returns the unsubscribe function.
 */
export class AlertTriggers {
  private readonly listeners = new Set<{
    readonly fn: AlertListener;
    readonly rule?: string;
    readonly type?: AlertEvent['type'];
  }>();

  /** Calls `listener` for every event (or only those of `filter.rule` / `filter.type`). */
  subscribe(
    listener: AlertListener,
    filter: { readonly rule?: string; readonly type?: AlertEvent['type'] } = {},
  ): () => void {
    const entry = { fn: listener, ...filter };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Delivers an event to the matching listeners; returns the errors listeners threw. */
  emit(event: AlertEvent): unknown[] {
    const errors: unknown[] = [];
    for (const l of [...this.listeners]) {
      if ((l.rule && l.rule !== event.rule) || (l.type && l.type !== event.type)) continue;
      try {
        l.fn(event);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}

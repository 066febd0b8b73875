import { KeelError } from '../../core/index.js';
import { EVALUATION_METRICS } from '../../learn/index.js';
import { parseDuration } from '../duration.js';
import { METRIC_CATALOG } from '../metrics/metric-catalog.js';

/** A comparison of an alert rule. */
export type AlertComparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A label matcher: `label="value"` or `label!="value"`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** A parsed, validated alert expression. */
export interface AlertExpression {
  /** The expression as written. */
  readonly source: string;
  /** `value` (the sample itself), or `rate` / `increase` of a counter over `rangeMs`. */
  readonly fn: 'value' | 'rate' | 'increase';
  /** The exported metric name the rule reads (aliases resolved). */
  readonly metric: string;
  /** Matchers, the alias's own first. */
  readonly matchers: readonly LabelMatcher[];
  readonly rangeMs: number | null;
  readonly op: AlertComparison;
  readonly threshold: number;
  /** How long the condition must hold before the alert fires, in ms (0 = at once). */
  readonly forMs: number;
}

/** Short names for drift and quality values usable in rules, and what they read. */
export const ALERT_ALIASES: Readonly<
  Record<string, { readonly metric: string; readonly labels?: Readonly<Record<string, string>> }>
> = (() => {
  const out: Record<string, { metric: string; labels?: Record<string, string> }> = {
    drift_share: { metric: 'keel_drift_share' },
    dataset_drift: { metric: 'keel_dataset_drifted' },
    feature_drifted: { metric: 'keel_feature_drifted' },
    drift_score: { metric: 'keel_drift_score' },
    label_coverage: { metric: 'keel_model_label_coverage_ratio' },
    labelled_predictions: { metric: 'keel_model_labelled_predictions' },
    unmatched_labels: { metric: 'keel_feedback_unmatched_labels' },
    feature_freshness_seconds: { metric: 'keel_feature_freshness_seconds' },
  };
  const quality = new Set(Object.values(EVALUATION_METRICS).flat());
  for (const q of quality) out[q] = { metric: 'keel_model_quality', labels: { metric: q } };
  for (const e of ['accuracy', 'precision', 'recall', 'specificity', 'f1', 'auc']) {
    out[`estimated_${e}`] = { metric: 'keel_model_quality_estimated', labels: { metric: e, method: 'cbpe' } };
  }
  return out;
})();

/** Every metric name a rule may use: aliases, then exported names (histograms as `_sum` / `_count`). */
export function knownAlertMetrics(): string[] {
  const exported = METRIC_CATALOG.flatMap((s) =>
    s.type === 'histogram' ? [`${s.name}_sum`, `${s.name}_count`] : [s.name],
  );
  return [...Object.keys(ALERT_ALIASES), ...exported];
}

const RULE_RE =
  /^\s*(?:(rate|increase)\(\s*)?([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?\s*(?:\[\s*([^\]\s]+)\s*\]\s*\))?\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:for\s+(\S+))?\s*$/;
const MATCHER_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;

const EXAMPLES =
  "e.g. 'auc < 0.85 for 1h', 'drift_share{model=\"fraud\"} > 0.3', 'rate(keel_request_errors_total[5m]) > 1'";

function badRule(source: string, why: string): KeelError {
  return new KeelError(
    'KEEL_MONITOR_BAD_RULE',
    `Alert rule "${source}": ${why}. Write <metric>[{label="value"}] <op> <number> [for <duration>], ${EXAMPLES}.`,
    {
      details: { expression: source, reason: why },
    },
  );
}

/**
 * Parses and validates an alert expression: `<metric>[{matchers}] <op> <number> [for <duration>]`,
 * or `rate(<counter>[{matchers}][<range>])` / `increase(...)` on the left. `<metric>` is an alias
 * (`auc`, `estimated_auc`, `drift_share`... see `ALERT_ALIASES`) or an exported name; `<op>` one of
 * `< <= > >= == !=`; durations like `30s`, `5m`, `1h`, `1d`. Unknown metrics fail with
 * `KEEL_MONITOR_UNKNOWN_METRIC` listing the known ones; anything else wrong with `KEEL_MONITOR_BAD_RULE`.
 */
export function parseAlertExpression(source: string): AlertExpression {
  const m = RULE_RE.exec(source);
  if (!m) throw badRule(source, 'it does not parse');
  const [, fn, name, braces, range, op, num, forText] = m;
  if ((fn === undefined) !== (range === undefined)) {
    throw badRule(
      source,
      fn ? `${fn}() needs a range such as [5m]` : 'a [range] is only allowed inside rate() or increase()',
    );
  }
  const alias = ALERT_ALIASES[name!];
  const metric = alias?.metric ?? name!;
  const spec = METRIC_CATALOG.find(
    (s) => s.name === metric.replace(/_(sum|count)$/, '') && (s.type === 'histogram' || s.name === metric),
  );
  if (!spec || (spec.type === 'histogram' && metric === spec.name)) {
    const known = knownAlertMetrics();
    throw new KeelError(
      'KEEL_MONITOR_UNKNOWN_METRIC',
      `Alert rule "${source}" uses unknown metric "${name}". Known: ${known.join(', ')}.`,
      { details: { expression: source, metric: name, known } },
    );
  }
  const own = Object.entries(alias?.labels ?? {}).map(([label, value]) => ({
    label,
    op: '=' as const,
    value,
  }));
  const matchers = [...own, ...parseMatchers(source, braces, spec.labels)];
  if (fn && spec.type === 'gauge') throw badRule(source, `${fn}() applies to counters; ${metric} is a gauge`);
  const parse = (text: string, what: string): number => {
    try {
      return parseDuration(text, what);
    } catch {
      throw badRule(source, `${what} "${text}" is not a duration (30s, 5m, 1h, 1d)`);
    }
  };
  return {
    source: source.trim(),
    fn: (fn as 'rate' | 'increase' | undefined) ?? 'value',
    metric,
    matchers,
    rangeMs: range ? parse(range, 'range') : null,
    op: op as AlertComparison,
    threshold: Number(num),
    forMs: forText ? parse(forText, '"for" duration') : 0,
  };
}

function parseMatchers(
  source: string,
  braces: string | undefined,
  allowed: readonly string[],
): LabelMatcher[] {
  if (!braces) return [];
  const inner = braces.slice(1, -1).trim();
  if (inner === '') return [];
  return inner.split(',').map((part) => {
    const mm = MATCHER_RE.exec(part);
    if (!mm) throw badRule(source, `label matcher "${part.trim()}" should look like label="value"`);
    const label = mm[1]!;
    if (!allowed.includes(label)) {
      throw badRule(
        source,
        `label "${label}" is not a label of this metric (labels: ${allowed.join(', ') || 'none'})`,
      );
    }
    return { label, op: mm[2] as '=' | '!=', value: mm[3]!.replace(/\\(.)/g, '$1') };
  });
}

/** True when `value <op> threshold`. */
export function compare(value: number, op: AlertComparison, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    default:
      return value !== threshold;
  }
}

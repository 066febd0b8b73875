import { isKeelError, KeelError } from '../../../core/index.js';
import { EVALUATION_METRICS, metricGoal } from '../../../learn/index.js';
import { parseDuration } from '../../../monitor/index.js';
import type { DurationInput } from '../policy-types.js';

/** A `KEEL_POLICY_INVALID` error for the policy of `deployment`, naming the field at fault. */
export function policyError(deployment: string, field: string, why: string): KeelError {
  return new KeelError(
    'KEEL_POLICY_INVALID',
    `Learning policy of deployment "${deployment}": ${field} ${why}`,
    { details: { deployment, field } },
  );
}

/** Every metric name some task reports. */
export const KNOWN_METRICS: ReadonlySet<string> = new Set(Object.values(EVALUATION_METRICS).flat());

const UNIT_INTERVAL = new Set([
  'auc',
  'average_precision',
  'brier',
  'accuracy',
  'balanced_accuracy',
  'precision',
  'recall',
  'f1',
  'top2_accuracy',
  'precision_macro',
  'recall_macro',
  'f1_macro',
  'f1_weighted',
]);

/** The values a metric can take: [lo, hi] (infinite ends where unbounded). */
export function metricRange(metric: string): readonly [number, number] {
  if (UNIT_INTERVAL.has(metric)) return [0, 1];
  if (metric === 'mcc') return [-1, 1];
  if (metric === 'r2' || metric === 'explained_variance') return [Number.NEGATIVE_INFINITY, 1];
  return [0, Number.POSITIVE_INFINITY];
}

/** True when larger values of the metric are better. */
export function higherIsBetter(metric: string): boolean {
  return metricGoal(metric) === 'maximize';
}

/** Checks a metric name against every task's metrics. */
export function checkMetric(deployment: string, field: string, metric: unknown): string {
  if (typeof metric !== 'string' || !KNOWN_METRICS.has(metric)) {
    throw policyError(
      deployment,
      field,
      `must be a metric a task reports (got ${JSON.stringify(metric)}). Known: ${[...KNOWN_METRICS].join(', ')}.`,
    );
  }
  return metric;
}

/** A finite number within [lo, hi] (either end open when `open` says so). */
export function checkNumber(
  deployment: string,
  field: string,
  value: unknown,
  lo: number,
  hi: number,
  options: { readonly integer?: boolean; readonly loOpen?: boolean; readonly hiOpen?: boolean } = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (options.loOpen ? value > lo : value >= lo) &&
    (options.hiOpen ? value < hi : value <= hi) &&
    (!options.integer || Number.isInteger(value));
  if (!ok) {
    const range = `${options.loOpen ? '(' : '['}${lo}, ${hi}${options.hiOpen ? ')' : ']'}`;
    throw policyError(
      deployment,
      field,
      `must be ${options.integer ? 'a whole number' : 'a number'} in ${range} (got ${JSON.stringify(value)}).`,
    );
  }
  return value as number;
}

/** A duration (ms number or text such as `10m`) in milliseconds, at least `minMs`. */
export function checkDuration(
  deployment: string,
  field: string,
  value: DurationInput | undefined,
  fallbackMs: number,
  minMs = 1,
): number {
  if (value === undefined) return fallbackMs;
  let ms: number;
  try {
    ms = typeof value === 'number' ? value : parseDuration(String(value), field);
  } catch (error) {
    if (!isKeelError(error)) throw error;
    throw policyError(deployment, field, `"${String(value)}" is not a duration: use ms or 30s, 10m, 1h, 1d.`);
  }
  if (!(Number.isFinite(ms) && ms >= minMs)) {
    throw policyError(deployment, field, `must be at least ${minMs} ms (got ${JSON.stringify(value)}).`);
  }
  return Math.round(ms);
}

/** Refuses keys outside `known` in an options object (catches typos in YAML). */
export function checkKeys(
  deployment: string,
  field: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw policyError(deployment, field, 'must be an object.');
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw policyError(deployment, `${field}.${key}`, `is not a known option. Known: ${known.join(', ')}.`);
    }
  }
  return value as Record<string, unknown>;
}

import { Cron } from 'croner';
import type { DecayTriggerOptions, TriggerOptions } from '../policy-types.js';
import type { ResolvedTriggers } from '../resolved-policy.js';
import {
  checkDuration,
  checkKeys,
  checkMetric,
  checkNumber,
  higherIsBetter,
  metricRange,
  policyError,
} from './policy-checks.js';

const DAY_MS = 86_400_000;

/** Checks the triggers (at least one) and fills their defaults. */
export function resolveTriggers(d: string, value: TriggerOptions | undefined): ResolvedTriggers {
  const t = checkKeys(d, 'triggers', value ?? null, ['drift', 'decay', 'schedule', 'labels', 'interval']);
  const out: ResolvedTriggers = {
    drift: t.drift === undefined ? null : drift(d, t.drift),
    decay: t.decay === undefined ? null : decay(d, t.decay as DecayTriggerOptions),
    schedule: t.schedule === undefined ? null : schedule(d, t.schedule),
    labels: t.labels === undefined ? null : labels(d, t.labels),
    intervalMs: checkDuration(
      d,
      'triggers.interval',
      t.interval as string | number | undefined,
      900_000,
      1000,
    ),
  };
  if (!out.drift && !out.decay && !out.schedule && !out.labels) {
    throw policyError(d, 'triggers', 'needs at least one of drift, decay, schedule or labels.');
  }
  return out;
}

function drift(d: string, value: unknown): NonNullable<ResolvedTriggers['drift']> {
  const o = checkKeys(d, 'triggers.drift', value, ['share', 'window', 'minRows']);
  return {
    share: checkNumber(d, 'triggers.drift.share', o.share, 0, 1, { loOpen: true }),
    windowMs: checkDuration(d, 'triggers.drift.window', o.window as string | undefined, DAY_MS),
    minRows: checkNumber(d, 'triggers.drift.minRows', o.minRows ?? 30, 1, 1e9, { integer: true }),
  };
}

function decay(d: string, value: DecayTriggerOptions): NonNullable<ResolvedTriggers['decay']> {
  const o = checkKeys(d, 'triggers.decay', value, [
    'metric',
    'min',
    'max',
    'maxDrop',
    'window',
    'minLabels',
    'estimated',
  ]);
  const metric = checkMetric(d, 'triggers.decay.metric', o.metric);
  const [lo, hi] = metricRange(metric);
  const bound = (key: 'min' | 'max'): number | null => {
    if (o[key] === undefined) return null;
    const v = checkNumber(d, `triggers.decay.${key}`, o[key], -1e300, 1e300);
    // A bound outside the metric's range either always or never fires: both are mistakes.
    if (v < lo || v > hi) {
      throw policyError(
        d,
        `triggers.decay.${key}`,
        `${metric} ${key === 'min' ? '<' : '>'} ${v} can never be decided: ${metric} lies in [${lo}, ${hi}].`,
      );
    }
    return v;
  };
  const min = bound('min');
  const max = bound('max');
  const maxDrop =
    o.maxDrop === undefined
      ? null
      : checkNumber(d, 'triggers.decay.maxDrop', o.maxDrop, 0, hi - lo, {
          loOpen: true,
          hiOpen: Number.isFinite(hi - lo),
        });
  if (min === null && max === null && maxDrop === null) {
    throw policyError(d, 'triggers.decay', 'needs min, max or maxDrop (when is the quality decayed?).');
  }
  if (min !== null && max !== null && min > max) {
    throw policyError(d, 'triggers.decay', `min ${min} is above max ${max}: it would always fire.`);
  }
  if (min !== null && !higherIsBetter(metric) && max === null) {
    throw policyError(
      d,
      'triggers.decay.min',
      `${metric} is better when lower: decay means above a max, not below a min.`,
    );
  }
  if (max !== null && higherIsBetter(metric) && min === null) {
    throw policyError(
      d,
      'triggers.decay.max',
      `${metric} is better when higher: decay means below a min, not above a max.`,
    );
  }
  if (o.estimated !== undefined && typeof o.estimated !== 'boolean') {
    throw policyError(d, 'triggers.decay.estimated', 'must be true or false.');
  }
  return {
    metric,
    min,
    max,
    maxDrop,
    windowMs: checkDuration(d, 'triggers.decay.window', o.window as string | undefined, DAY_MS),
    minLabels: checkNumber(d, 'triggers.decay.minLabels', o.minLabels ?? 100, 1, 1e9, { integer: true }),
    estimated: (o.estimated as boolean | undefined) ?? true,
  };
}

function schedule(d: string, value: unknown): NonNullable<ResolvedTriggers['schedule']> {
  const o = checkKeys(d, 'triggers.schedule', value, ['cron', 'timezone']);
  const timezone = typeof o.timezone === 'string' ? o.timezone : 'UTC';
  let cron: Cron;
  try {
    if (typeof o.cron !== 'string') throw new Error('cron must be a string');
    cron = new Cron(o.cron, { paused: true, timezone });
    cron.nextRun(new Date(0));
  } catch (error) {
    throw policyError(
      d,
      'triggers.schedule.cron',
      `"${String(o.cron)}" (time zone ${timezone}) is not a cron schedule: ${(error as Error).message}. Use 5 fields, e.g. '0 3 * * *'.`,
    );
  }
  return {
    cron: o.cron as string,
    timezone,
    next: (afterMs: number) => cron.nextRun(new Date(afterMs))?.getTime() ?? null,
  };
}

function labels(d: string, value: unknown): NonNullable<ResolvedTriggers['labels']> {
  const o = checkKeys(d, 'triggers.labels', value, ['count']);
  return { count: checkNumber(d, 'triggers.labels.count', o.count, 1, 1e12, { integer: true }) };
}

import type { GateOptions, RolloutOptions } from '../policy-types.js';
import type { ResolvedGate, ResolvedQualityBound, ResolvedRollout } from '../resolved-policy.js';
import {
  checkDuration,
  checkKeys,
  checkMetric,
  checkNumber,
  higherIsBetter,
  metricRange,
  policyError,
} from './policy-checks.js';

/**
 * Checks the gate: metric bounds inside the metric's range with min ≤ max, improvements smaller
 * than the range. A gate that could never pass fails with the bound named.
 */
export function resolveGate(d: string, value: GateOptions | undefined): ResolvedGate {
  const g = checkKeys(d, 'gate', value ?? null, ['metrics', 'improvement']);
  const metrics: Record<string, { min: number | null; max: number | null }> = {};
  const bounds =
    g.metrics === undefined
      ? {}
      : checkKeys(d, 'gate.metrics', g.metrics, [...Object.keys(g.metrics as object)]);
  for (const [name, raw] of Object.entries(bounds)) {
    const field = `gate.metrics.${name}`;
    checkMetric(d, field, name);
    const b = checkKeys(d, field, raw, ['min', 'max']);
    const [lo, hi] = metricRange(name);
    const min = b.min === undefined ? null : checkNumber(d, `${field}.min`, b.min, -1e300, 1e300);
    const max = b.max === undefined ? null : checkNumber(d, `${field}.max`, b.max, -1e300, 1e300);
    if (min === null && max === null) throw policyError(d, field, 'needs min and/or max.');
    if (min !== null && min > hi) {
      throw policyError(d, `${field}.min`, `${name} ≥ ${min} can never pass: ${name} is at most ${hi}.`);
    }
    if (max !== null && max < lo) {
      throw policyError(d, `${field}.max`, `${name} ≤ ${max} can never pass: ${name} is at least ${lo}.`);
    }
    if (min !== null && max !== null && min > max) {
      throw policyError(d, field, `min ${min} is above max ${max}: the gate can never pass.`);
    }
    metrics[name] = { min, max };
  }
  const improvement: Record<string, number> = {};
  const raw =
    g.improvement === undefined
      ? {}
      : checkKeys(d, 'gate.improvement', g.improvement, [...Object.keys(g.improvement as object)]);
  for (const [name, delta] of Object.entries(raw)) {
    const field = `gate.improvement.${name}`;
    checkMetric(d, field, name);
    const [lo, hi] = metricRange(name);
    const width = hi - lo;
    const v = checkNumber(d, field, delta, -1e300, 1e300);
    if (Number.isFinite(width) && Math.abs(v) >= width) {
      throw policyError(
        d,
        field,
        `${v} is impossible: ${name} spans [${lo}, ${hi}], so no challenger can ${v >= 0 ? 'improve' : 'fall'} by ${Math.abs(v)}.`,
      );
    }
    const bound = metrics[name];
    if (bound && v > 0) {
      // A challenger must beat the champion by v and stay within the bound: that needs room.
      const edge = higherIsBetter(name) ? bound.max : bound.min;
      if (edge !== null && Math.abs(edge - (higherIsBetter(name) ? lo : hi)) < v) {
        throw policyError(d, field, `improvement ${v} cannot fit inside gate.metrics.${name}.`);
      }
    }
    improvement[name] = v;
  }
  if (Object.keys(metrics).length === 0 && Object.keys(improvement).length === 0) {
    throw policyError(d, 'gate', 'needs metrics bounds and/or an improvement over the champion.');
  }
  return { metrics, improvement };
}

/** Checks the rollout: shadow, canary steps (strictly increasing in (0, 100]) and bounds. */
export function resolveRollout(d: string, value: RolloutOptions | undefined): ResolvedRollout {
  const r = checkKeys(d, 'rollout', value ?? {}, ['shadow', 'canary', 'bounds']);
  const c = checkKeys(d, 'rollout.canary', r.canary ?? {}, [
    'steps',
    'interval',
    'minRequests',
    'maxStepDuration',
  ]);
  const steps = canarySteps(d, c.steps ?? [5, 25, 50, 100]);
  const intervalMs = checkDuration(d, 'rollout.canary.interval', c.interval as string | undefined, 600_000);
  const maxStepDurationMs = checkDuration(
    d,
    'rollout.canary.maxStepDuration',
    c.maxStepDuration as string | undefined,
    6 * intervalMs,
  );
  if (maxStepDurationMs < intervalMs) {
    throw policyError(
      d,
      'rollout.canary.maxStepDuration',
      `is shorter than the step interval (${intervalMs} ms): no step could ever be analysed.`,
    );
  }
  const b = checkKeys(d, 'rollout.bounds', r.bounds ?? {}, [
    'errorRateIncrease',
    'latencyP99Ratio',
    'latencyP99SlackMs',
    'latencyP99MaxMs',
    'quality',
  ]);
  return {
    shadow: r.shadow === false ? null : shadow(d, r.shadow ?? {}),
    canary: {
      steps,
      intervalMs,
      minRequests: checkNumber(d, 'rollout.canary.minRequests', c.minRequests ?? 50, 1, 1e12, {
        integer: true,
      }),
      maxStepDurationMs,
    },
    bounds: {
      errorRateIncrease: checkNumber(
        d,
        'rollout.bounds.errorRateIncrease',
        b.errorRateIncrease ?? 0.01,
        0,
        1,
      ),
      latencyP99Ratio: checkNumber(d, 'rollout.bounds.latencyP99Ratio', b.latencyP99Ratio ?? 1.5, 1, 1e6),
      latencyP99SlackMs: checkNumber(d, 'rollout.bounds.latencyP99SlackMs', b.latencyP99SlackMs ?? 5, 0, 1e9),
      latencyP99MaxMs: checkNumber(d, 'rollout.bounds.latencyP99MaxMs', b.latencyP99MaxMs ?? 500, 0, 1e9, {
        loOpen: true,
      }),
      quality: b.quality === false ? null : quality(d, b.quality ?? {}),
    },
  };
}

function canarySteps(d: string, value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw policyError(
      d,
      'rollout.canary.steps',
      'must be a non-empty list of percentages, e.g. [5, 25, 50, 100].',
    );
  }
  let last = 0;
  return value.map((step, i) => {
    const v = checkNumber(d, `rollout.canary.steps[${i}]`, step, 0, 100, { loOpen: true });
    if (v <= last) {
      throw policyError(
        d,
        'rollout.canary.steps',
        `must increase strictly: step ${i + 1} (${v}%) is not above the one before (${last}%), so the canary would shrink or stall.`,
      );
    }
    last = v;
    return v;
  });
}

function shadow(d: string, value: unknown): NonNullable<ResolvedRollout['shadow']> {
  const s = checkKeys(d, 'rollout.shadow', value, [
    'duration',
    'percent',
    'minRequests',
    'minLabelAgreement',
    'maxMeanAbsDiff',
  ]);
  const percent = checkNumber(d, 'rollout.shadow.percent', s.percent ?? 100, 0, 100, { loOpen: true });
  return {
    durationMs: checkDuration(d, 'rollout.shadow.duration', s.duration as string | undefined, 3_600_000),
    percent,
    minRequests: checkNumber(d, 'rollout.shadow.minRequests', s.minRequests ?? 100, 0, 1e12, {
      integer: true,
    }),
    minLabelAgreement:
      s.minLabelAgreement === undefined
        ? null
        : checkNumber(d, 'rollout.shadow.minLabelAgreement', s.minLabelAgreement, 0, 1),
    maxMeanAbsDiff:
      s.maxMeanAbsDiff === undefined
        ? null
        : checkNumber(d, 'rollout.shadow.maxMeanAbsDiff', s.maxMeanAbsDiff, 0, 1e300),
  };
}

function quality(d: string, value: unknown): ResolvedQualityBound {
  const q = checkKeys(d, 'rollout.bounds.quality', value, ['metric', 'maxDrop', 'minLabels', 'estimated']);
  const metric = checkMetric(d, 'rollout.bounds.quality.metric', q.metric ?? 'auc');
  const [lo, hi] = metricRange(metric);
  if (q.estimated !== undefined && typeof q.estimated !== 'boolean') {
    throw policyError(d, 'rollout.bounds.quality.estimated', 'must be true or false.');
  }
  return {
    metric,
    maxDrop: checkNumber(d, 'rollout.bounds.quality.maxDrop', q.maxDrop ?? 0.02, 0, hi - lo, {
      hiOpen: Number.isFinite(hi - lo),
    }),
    minLabels: checkNumber(d, 'rollout.bounds.quality.minLabels', q.minLabels ?? 100, 1, 1e12, {
      integer: true,
    }),
    estimated: (q.estimated as boolean | undefined) ?? true,
  };
}

import type { ModelVersion } from '../../storage/index.js';
import { higherIsBetter } from './internal/policy-checks.js';
import type { LearningSignals, QualityObservation } from './learning-signals.js';
import type { LearningState } from './learning-state.js';
import type { LearningPolicy } from './resolved-policy.js';

/** A trigger that fired, with the facts behind it. */
export interface TriggerFiring {
  readonly type: 'drift' | 'decay' | 'schedule' | 'labels';
  /** One line: `drift share 0.625 ≥ 0.3 (5 of 8 features)`. */
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** What evaluating the triggers found. */
export interface TriggerEvaluation {
  readonly fired: readonly TriggerFiring[];
  /** What each trigger that did not fire saw (for logs and `run-once` output). */
  readonly quiet: readonly string[];
  /** The schedule time handled up to (the new `lastScheduleAt`). */
  readonly lastScheduleAt: number;
}

const f = (v: number): string => Number(v.toPrecision(4)).toString();

/**
 * Evaluates a policy's triggers for the champion `champion` at `now`: drift of its logged inputs
 * against its reference snapshot, live quality decay (realised, else CBPE), labels since the last
 * training, and cron times since the last one handled. Reads the signals; pure otherwise.
 */
export async function evaluateLearningTriggers(
  policy: LearningPolicy,
  champion: ModelVersion,
  state: LearningState,
  signals: LearningSignals,
  now: number,
): Promise<TriggerEvaluation> {
  const t = policy.triggers;
  const fired: TriggerFiring[] = [];
  const quiet: string[] = [];
  const qualityCache = new Map<string, Promise<readonly QualityObservation[]>>();
  const quality = (fromMs: number): Promise<readonly QualityObservation[]> => {
    const key = String(fromMs);
    if (!qualityCache.has(key)) qualityCache.set(key, signals.quality(champion.model, fromMs, now));
    return qualityCache.get(key)!;
  };
  const ref = `${champion.model}/${champion.version}`;

  if (t.drift) {
    const d = await signals.drift(ref, t.drift.windowMs, now, t.drift.minRows);
    if (!d) quiet.push(`drift: ${ref} has no reference snapshot`);
    else if (d.testedColumns > 0 && d.share >= t.drift.share) {
      fired.push({
        type: 'drift',
        reason: `drift share ${f(d.share)} ≥ ${t.drift.share} (${d.driftedColumns} of ${d.testedColumns} features: ${d.drifted.map((c) => c.column).join(', ')})`,
        evidence: { ...d, threshold: t.drift.share, windowMs: t.drift.windowMs },
      });
    } else quiet.push(`drift: share ${f(d.share)} of ${d.testedColumns} tested features over ${d.rows} rows`);
  }

  if (t.decay) {
    const q = (await quality(now - t.decay.windowMs)).find((o) => o.version === champion.version) ?? null;
    const firing = decayFiring(t.decay, champion, q);
    if (typeof firing === 'string') quiet.push(`decay: ${firing}`);
    else fired.push(firing);
  }

  if (t.labels) {
    const since = state.lastTrainedAt ?? state.baselineAt;
    const labelled = (await quality(since)).reduce((s, o) => s + o.labelled, 0);
    if (labelled >= t.labels.count) {
      fired.push({
        type: 'labels',
        reason: `${labelled} labelled predictions since ${new Date(since).toISOString()} (≥ ${t.labels.count})`,
        evidence: { labelled, count: t.labels.count, sinceMs: since },
      });
    } else quiet.push(`labels: ${labelled} of ${t.labels.count}`);
  }

  let lastScheduleAt = state.lastScheduleAt;
  if (t.schedule) {
    let due: number | null = null;
    for (
      let next = t.schedule.next(lastScheduleAt), n = 0;
      next !== null && next <= now && n < 100_000;
      n++
    ) {
      due = next;
      next = t.schedule.next(next);
    }
    if (due !== null) {
      lastScheduleAt = due;
      fired.push({
        type: 'schedule',
        reason: `schedule ${t.schedule.cron} (${t.schedule.timezone}) was due at ${new Date(due).toISOString()}`,
        evidence: { cron: t.schedule.cron, timezone: t.schedule.timezone, scheduledAt: due },
      });
    } else quiet.push(`schedule: next at ${new Date(t.schedule.next(lastScheduleAt) ?? 0).toISOString()}`);
  }
  return { fired, quiet, lastScheduleAt };
}

function decayFiring(
  decay: NonNullable<LearningPolicy['triggers']['decay']>,
  champion: ModelVersion,
  q: QualityObservation | null,
): TriggerFiring | string {
  const m = decay.metric;
  let value: number | null = null;
  let source: 'labels' | 'cbpe' | null = null;
  if (q && q.labelled >= decay.minLabels && q.metrics[m] !== undefined) {
    value = q.metrics[m]!;
    source = 'labels';
  } else if (decay.estimated && q?.estimated?.[m] !== undefined) {
    value = q.estimated[m]!;
    source = 'cbpe';
  }
  if (value === null || source === null) {
    return `${m} not measurable (${q?.labelled ?? 0} of ${decay.minLabels} labels, no estimate)`;
  }
  const trained = champion.metrics[`test.${m}`] ?? champion.metrics[`validation.${m}`] ?? null;
  const drop = trained === null ? null : higherIsBetter(m) ? trained - value : value - trained;
  const reasons: string[] = [];
  if (decay.min !== null && value < decay.min) reasons.push(`${m} ${f(value)} < min ${decay.min}`);
  if (decay.max !== null && value > decay.max) reasons.push(`${m} ${f(value)} > max ${decay.max}`);
  if (decay.maxDrop !== null && drop !== null && drop > decay.maxDrop) {
    reasons.push(
      `${m} ${f(value)} is worse than at training (${f(trained!)}) by ${f(drop)} > ${decay.maxDrop}`,
    );
  }
  const evidence = {
    metric: m,
    value,
    source,
    labelled: q?.labelled ?? 0,
    predictions: q?.predictions ?? 0,
    trainingValue: trained,
    drop,
    min: decay.min,
    max: decay.max,
    maxDrop: decay.maxDrop,
    windowMs: decay.windowMs,
    version: champion.version,
  };
  if (reasons.length === 0)
    return `${m} ${f(value)} (${source}) within bounds${trained === null ? '' : `, training ${f(trained)}`}`;
  return {
    type: 'decay',
    reason: `${reasons.join('; ')} (${source === 'labels' ? 'realised' : 'ESTIMATED (cbpe)'})`,
    evidence,
  };
}

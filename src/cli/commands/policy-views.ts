import { formatDuration } from '../../monitor/index.js';
import type { LearningPolicy, LearningState, TickReport } from '../../pipelines/index.js';
import type { LearningPolicyRecord } from '../../storage/index.js';
import type { CliIo } from '../cli-io.js';
import { formatTime, printFields, printTable } from '../output.js';

const DAY_MS = 86_400_000;

/** One line per trigger: `drift share ≥ 0.3 over 1d`, `decay logloss worse than training by > 0.02`... */
export function describeTriggers(policy: LearningPolicy): string {
  const t = policy.triggers;
  const parts: string[] = [];
  if (t.drift) parts.push(`drift share ≥ ${t.drift.share} over ${formatDuration(t.drift.windowMs)}`);
  if (t.decay) {
    const d = t.decay;
    const bounds = [
      d.min !== null ? `< ${d.min}` : null,
      d.max !== null ? `> ${d.max}` : null,
      d.maxDrop !== null ? `worse than training by > ${d.maxDrop}` : null,
    ].filter(Boolean);
    parts.push(`decay ${d.metric} ${bounds.join(' or ')} over ${formatDuration(d.windowMs)}`);
  }
  if (t.schedule) parts.push(`schedule ${t.schedule.cron} (${t.schedule.timezone})`);
  if (t.labels) parts.push(`${t.labels.count} new labels`);
  return parts.join('; ');
}

/** The gate in one line: `auc ≥ 0.85; logloss improves by ≥ 0.005`. */
export function describeGate(policy: LearningPolicy): string {
  const parts: string[] = [];
  for (const [m, b] of Object.entries(policy.gate.metrics)) {
    if (b.min !== null) parts.push(`${m} ≥ ${b.min}`);
    if (b.max !== null) parts.push(`${m} ≤ ${b.max}`);
  }
  for (const [m, d] of Object.entries(policy.gate.improvement)) parts.push(`${m} improves by ≥ ${d}`);
  return parts.join('; ');
}

/** A stored policy and its loop state, for `keel policy show`. */
export function printPolicy(
  io: CliIo,
  record: LearningPolicyRecord,
  policy: LearningPolicy,
  state: LearningState,
  now: number,
): void {
  const r = policy.rollout;
  const rollout = state.rollout;
  printFields(io, [
    ['deployment', record.deployment],
    ['model', (record.policy as { model?: string }).model ?? policy.model],
    ['target', policy.target],
    ['triggers', describeTriggers(policy)],
    ['gate', describeGate(policy)],
    [
      'shadow',
      r.shadow
        ? `${formatDuration(r.shadow.durationMs)} on ${r.shadow.percent}%, ≥ ${r.shadow.minRequests} requests`
        : 'off',
    ],
    [
      'canary',
      `${r.canary.steps.map((s) => `${s}%`).join(' → ')}, ${formatDuration(r.canary.intervalMs)} a step, ≥ ${r.canary.minRequests} requests`,
    ],
    [
      'guards',
      `holdout ${policy.guards.holdoutPercent}%, ≤ ${policy.guards.maxRetrainsPerDay} retrains a day${policy.guards.minNewLabels > 0 ? `, ≥ ${policy.guards.minNewLabels} new labels` : ''}`,
    ],
    ['phase', `${state.phase} since ${formatTime(state.since)}`],
    [
      'challenger',
      rollout ? `${rollout.challenger.ref} vs champion version ${rollout.champion.version}` : null,
    ],
    [
      'step',
      rollout
        ? rollout.step < 0
          ? `shadow since ${formatTime(rollout.stepStartedAt)}`
          : `canary ${r.canary.steps[rollout.step]}% since ${formatTime(rollout.stepStartedAt)}`
        : null,
    ],
    ['last trained', formatTime(state.lastTrainedAt)],
    ['retrains (24 h)', state.retrains.filter((t) => t > now - DAY_MS).length],
    ['triggers checked', formatTime(state.lastTriggerCheckAt)],
    ['revision', record.revision],
    ['updated', formatTime(record.updatedAt)],
  ]);
}

/** What `keel policy run-once` did, per deployment. */
export function printTickReports(io: CliIo, reports: readonly TickReport[]): void {
  for (const r of reports) {
    io.stdout.write(`${r.deployment}: ${r.before} → ${r.after}${r.error ? ` (failed: ${r.error})` : ''}\n`);
    if (r.decisions.length > 0) {
      printTable(io, r.decisions, [
        { header: 'DECISION', value: (d) => d.action },
        { header: 'REASON', value: (d) => d.reason },
      ]);
    }
    for (const n of r.notes) io.stdout.write(`  · ${n}\n`);
  }
}

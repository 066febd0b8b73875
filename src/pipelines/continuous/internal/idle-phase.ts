import { toKeelError } from '../../../core/index.js';
import { evaluateGate } from '../gate.js';
import { enterPhase, type LearningState } from '../learning-state.js';
import { evaluateLearningTriggers, type TriggerFiring } from '../learning-triggers.js';
import { scoreVersion } from '../score-version.js';
import { prepareTrainingData, type TrainingData } from '../training-data.js';
import { startRollout } from './rollout-phases.js';
import type { TickContext } from './tick-context.js';

const DAY_MS = 86_400_000;

/** `idle`: evaluates the triggers when due and, when one fires and the guards allow, retrains. */
export async function runIdle(ctx: TickContext): Promise<LearningState> {
  const { policy, now } = ctx;
  let state = ctx.state;
  if (
    !ctx.force &&
    state.lastTriggerCheckAt !== null &&
    now - state.lastTriggerCheckAt < policy.triggers.intervalMs
  ) {
    return state;
  }
  const champion = await ctx.registry.resolve(`${ctx.model}@${policy.championAlias}`);
  const found = await evaluateLearningTriggers(policy, champion, state, ctx.signals, now);
  for (const q of found.quiet) ctx.note(q);
  state = { ...state, lastTriggerCheckAt: now, lastScheduleAt: found.lastScheduleAt };
  if (found.fired.length === 0) return { ...state, skipped: null };
  const retrains = state.retrains.filter((t) => t > now - DAY_MS);
  state = { ...state, retrains };
  const guard = await guardHolding(ctx, state, retrains);
  if (guard) {
    // A guard that keeps holding is recorded once, not at every evaluation.
    if (state.skipped !== guard.name) {
      await ctx.record('retrain-skip', guard.reason, {
        guard: guard.name,
        ...guard.evidence,
        triggers: found.fired,
      });
    } else ctx.note(`retrain skipped: ${guard.reason}`);
    return { ...state, skipped: guard.name };
  }
  return retrain(ctx, { ...state, skipped: null }, found.fired);
}

/** The first guard that stops a retrain now, or null. */
async function guardHolding(
  ctx: TickContext,
  state: LearningState,
  retrains: readonly number[],
): Promise<{ name: string; reason: string; evidence: Record<string, unknown> } | null> {
  const { policy, now } = ctx;
  const limit = policy.guards.maxRetrainsPerDay;
  if (retrains.length >= limit) {
    return {
      name: 'maxRetrainsPerDay',
      reason: `retrain limit reached: ${retrains.length} in the last 24 h (max ${limit})`,
      evidence: { retrainsLast24h: retrains.length, limit, nextAllowedAt: Math.min(...retrains) + DAY_MS },
    };
  }
  const need = policy.guards.minNewLabels;
  if (need > 0) {
    const since = state.lastTrainedAt ?? state.baselineAt;
    const labelled = (await ctx.signals.quality(ctx.model, since, now)).reduce((s, q) => s + q.labelled, 0);
    if (labelled < need) {
      return {
        name: 'minNewLabels',
        reason: `only ${labelled} labelled predictions since ${new Date(since).toISOString()}; a retrain needs ${need}`,
        evidence: { labelled, minNewLabels: need, sinceMs: since },
      };
    }
  }
  return null;
}

/** `training` found at the start of a tick: another process runs it, or it died (after the timeout). */
export async function runTrainingRecovery(ctx: TickContext): Promise<LearningState> {
  const claim = ctx.state.training;
  const age = ctx.now - (claim?.startedAt ?? ctx.state.since);
  if (claim && age < ctx.policy.guards.trainingTimeoutMs) {
    ctx.note(`retrain by ${claim.owner} running for ${Math.round(age / 1000)} s`);
    return ctx.state;
  }
  await ctx.record('retrain-fail', 'the retrain did not finish: its process stopped (timeout passed)', {
    owner: claim?.owner ?? null,
    startedAt: claim?.startedAt ?? null,
    timeoutMs: ctx.policy.guards.trainingTimeoutMs,
  });
  return enterPhase(ctx.state, 'idle', ctx.now, { training: null });
}

async function retrain(
  ctx: TickContext,
  before: LearningState,
  fired: readonly TriggerFiring[],
): Promise<LearningState> {
  const { policy, now } = ctx;
  const reason = fired.map((f) => f.reason).join('; ');
  const claimed = enterPhase(before, 'training', now, {
    training: { owner: ctx.owner, startedAt: now, reason },
    retrains: [...before.retrains, now],
    lastTrainedAt: now,
  });
  await ctx.save(claimed);
  await ctx.record('trigger', reason, { triggers: fired });
  const idle = enterPhase(claimed, 'idle', ctx.clock.now(), { training: null });
  const kind = 'train' in policy.training ? 'train' : 'tune' in policy.training ? 'tune' : 'pipeline';
  let data: TrainingData;
  let challenger: Awaited<ReturnType<TickContext['trainer']>>;
  try {
    data = await prepareTrainingData(
      policy,
      { root: ctx.root, ...(ctx.features ? { features: ctx.features } : {}) },
      now,
    );
    await ctx.record(
      'retrain-start',
      `${kind} on ${data.train.rowCount} rows up to ${new Date(now).toISOString()}`,
      {
        kind,
        dataUpTo: now,
        rows: data.rows,
        trainRows: data.train.rowCount,
        trainFingerprint: data.trainFingerprint,
        evaluation: evaluationFacts(data),
      },
    );
    const started = ctx.clock.now();
    challenger = await ctx.trainer({ policy, model: ctx.model, data, now });
    await ctx.record(
      'retrain-finish',
      `registered ${challenger.version.model}/${challenger.version.version}`,
      {
        version: challenger.version.version,
        runId: challenger.runId,
        metrics: challenger.metrics,
        durationMs: ctx.clock.now() - started,
      },
    );
  } catch (error) {
    const e = toKeelError(error);
    await ctx.record('retrain-fail', e.message, {
      code: e.code,
      message: e.message,
      details: e.details ?? null,
    });
    return idle;
  }
  return gateAndRollout(ctx, idle, data, challenger);
}

function evaluationFacts(data: TrainingData): Record<string, unknown> {
  return {
    rows: data.evaluation.rowCount,
    fingerprint: data.evaluationFingerprint,
    timeColumn: data.timeColumn,
    range: data.evaluationRange,
  };
}

async function gateAndRollout(
  ctx: TickContext,
  idle: LearningState,
  data: TrainingData,
  challenger: Awaited<ReturnType<TickContext['trainer']>>,
): Promise<LearningState> {
  const { policy, model, registry } = ctx;
  const ref = `${model}/${challenger.version.version}`;
  const target = policy.target;
  let blessed = false;
  let evidence: Record<string, unknown>;
  let reason: string;
  let championVersion = 0;
  try {
    const mine = await scoreVersion(registry, ref, data.evaluation, target);
    const theirs = await scoreVersion(registry, `${model}@${policy.championAlias}`, data.evaluation, target);
    championVersion = theirs.version.version;
    const outcome = evaluateGate(policy.gate, mine.metrics, theirs.metrics);
    const tooFew = data.evaluation.rowCount < policy.evaluation.minRows;
    blessed = outcome.blessed && !tooFew;
    const reasons = [
      ...outcome.reasons,
      ...(tooFew ? [`${data.evaluation.rowCount} evaluation rows < ${policy.evaluation.minRows}`] : []),
    ];
    reason = blessed ? outcome.checks.map((c) => c.detail).join('; ') : reasons.join('; ');
    evidence = {
      challenger: { version: mine.version.version, metrics: mine.metrics },
      champion: { version: theirs.version.version, metrics: theirs.metrics },
      evaluation: evaluationFacts(data),
      checks: outcome.checks,
      reasons,
    };
  } catch (error) {
    const e = toKeelError(error);
    reason = `the gate could not score both models: ${e.message}`;
    evidence = {
      challenger: { version: challenger.version.version },
      error: { code: e.code, message: e.message },
    };
  }
  await ctx.record(blessed ? 'bless' : 'refuse', reason, evidence);
  await registry.setTags(ref, { 'keel.blessing': blessed ? 'blessed' : 'refused' });
  if (!blessed) return idle;
  await registry.setAlias(model, policy.challengerAlias, challenger.version.version, {
    actor: policy.actor,
    reason: `blessed for deployment ${policy.deployment}`,
  });
  return startRollout(
    ctx,
    idle,
    { version: challenger.version.version, ref, runId: challenger.runId },
    championVersion,
  );
}

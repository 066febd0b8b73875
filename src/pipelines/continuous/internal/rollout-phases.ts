import { isKeelError } from '../../../core/index.js';
import { enterPhase, type LearningState, type RolloutState } from '../learning-state.js';
import { analyzeCanary, analyzeShadow, type RolloutVerdict } from '../rollout-analysis.js';
import type { TickContext } from './tick-context.js';

/** Starts the rollout of a blessed challenger: its shadow period, or its first canary step. */
export async function startRollout(
  ctx: TickContext,
  idle: LearningState,
  challenger: RolloutState['challenger'],
  championVersion: number,
): Promise<LearningState> {
  const { policy, now } = ctx;
  const d = policy.deployment;
  const shadow = policy.rollout.shadow;
  const base: RolloutState = {
    model: ctx.model,
    challenger,
    champion: { version: championVersion },
    step: shadow ? -1 : 0,
    stepStartedAt: ctx.clock.now(),
    startedAt: now,
  };
  if (shadow) {
    await ctx.change('shadow-start', `shadow ${challenger.ref} on ${shadow.percent}% of requests`, () =>
      ctx.writer.startShadow(
        d,
        challenger.ref,
        shadow.percent,
        `shadow ${challenger.ref} on ${shadow.percent}% of requests`,
        {
          challenger,
          champion: base.champion,
          percent: shadow.percent,
          durationMs: shadow.durationMs,
          minRequests: shadow.minRequests,
        },
      ),
    );
  } else {
    await canaryStart(ctx, challenger.ref, {
      challenger,
      champion: base.champion,
      shadow: 'skipped by policy',
    });
  }
  return enterPhase(idle, shadow ? 'shadow' : 'canary', ctx.clock.now(), {
    rollout: { ...base, stepStartedAt: ctx.clock.now() },
  });
}

async function canaryStart(ctx: TickContext, ref: string, evidence: Record<string, unknown>): Promise<void> {
  const { policy } = ctx;
  const first = policy.rollout.canary.steps[0]!;
  const reason = `canary ${ref} at ${first}% (holdout ${policy.guards.holdoutPercent}% stays on the champion)`;
  await ctx.change('canary-start', reason, () =>
    ctx.writer.startCanary(policy.deployment, ref, first, policy.guards.holdoutPercent, reason, {
      ...evidence,
      percent: first,
      steps: policy.rollout.canary.steps,
      holdoutPercent: policy.guards.holdoutPercent,
    }),
  );
}

/** `shadow`: waits for enough mirrored traffic, then starts the canary or rolls back. */
export async function runShadow(ctx: TickContext): Promise<LearningState> {
  const r = ctx.state.rollout!;
  const spec = (await ctx.writer.current(ctx.policy.deployment)).spec;
  if (spec.shadow?.ref !== r.challenger.ref)
    return abandon(ctx, `the deployment no longer mirrors ${r.challenger.ref}`);
  const elapsedMs = ctx.now - r.stepStartedAt;
  const primary = spec.variants[0]!;
  const verdict = analyzeShadow(ctx.policy.rollout, {
    elapsedMs,
    champion: await ctx.serving.variant(
      ctx.policy.deployment,
      primary.name,
      r.model,
      r.champion.version,
      r.stepStartedAt,
      ctx.now,
    ),
    shadow: await ctx.serving.shadow(ctx.policy.deployment, r.stepStartedAt, ctx.now),
  });
  const limitMs = (ctx.policy.rollout.shadow?.durationMs ?? 0) + ctx.policy.rollout.canary.maxStepDurationMs;
  const outcome = settle(verdict, elapsedMs, limitMs);
  if (outcome.outcome === 'wait') {
    ctx.note(`shadow: waiting (${outcome.reason})`);
    return ctx.state;
  }
  const evidence = {
    phase: 'shadow',
    challenger: r.challenger,
    champion: r.champion,
    elapsedMs,
    verdict: outcome,
  };
  if (outcome.outcome === 'fail') return rollback(ctx, `shadow failed: ${outcome.reason}`, evidence);
  await ctx.change('shadow-end', `shadow passed: ${outcome.reason}`, () =>
    ctx.writer.endShadow(ctx.policy.deployment, `shadow passed: ${outcome.reason}`, evidence),
  );
  await canaryStart(ctx, r.challenger.ref, { challenger: r.challenger, champion: r.champion });
  const now = ctx.clock.now();
  return enterPhase(ctx.state, 'canary', now, { rollout: { ...r, step: 0, stepStartedAt: now } });
}

/** `canary`: analyses the current step, then steps up, promotes after the last step, or rolls back. */
export async function runCanary(ctx: TickContext): Promise<LearningState> {
  const { policy } = ctx;
  const steps = policy.rollout.canary.steps;
  // A policy replaced mid-canary with fewer steps continues from its last one.
  const stored = ctx.state.rollout!;
  const r = { ...stored, step: Math.min(stored.step, steps.length - 1) };
  const d = policy.deployment;
  const spec = (await ctx.writer.current(d)).spec;
  const canary = spec.variants.find((v) => v.name === 'canary');
  if (spec.mode !== 'canary' || canary?.ref !== r.challenger.ref) {
    return abandon(ctx, `the deployment no longer runs a canary of ${r.challenger.ref}`);
  }
  const elapsedMs = ctx.now - r.stepStartedAt;
  const window = [r.stepStartedAt, ctx.now] as const;
  const qualityBound = policy.rollout.bounds.quality;
  const quality = qualityBound ? await ctx.signals.quality(r.model, window[0], window[1] + 1) : [];
  const verdict = analyzeCanary(policy.rollout, {
    elapsedMs,
    champion: await ctx.serving.variant(d, 'stable', r.model, r.champion.version, ...window),
    challenger: await ctx.serving.variant(d, 'canary', r.model, r.challenger.version, ...window),
    quality: qualityBound
      ? {
          champion: quality.find((q) => q.version === r.champion.version) ?? null,
          challenger: quality.find((q) => q.version === r.challenger.version) ?? null,
        }
      : null,
  });
  const outcome = settle(verdict, elapsedMs, policy.rollout.canary.maxStepDurationMs);
  if (outcome.outcome === 'wait') {
    ctx.note(`canary ${steps[r.step]}%: waiting (${outcome.reason})`);
    return ctx.state;
  }
  const evidence = {
    phase: 'canary',
    percent: steps[r.step],
    step: r.step + 1,
    of: steps.length,
    challenger: r.challenger,
    champion: r.champion,
    elapsedMs,
    verdict: outcome,
  };
  if (outcome.outcome === 'fail')
    return rollback(ctx, `canary at ${steps[r.step]}% failed: ${outcome.reason}`, evidence);
  if (r.step + 1 < steps.length) {
    const next = steps[r.step + 1]!;
    const reason = `canary ${steps[r.step]}% → ${next}%: ${outcome.reason}`;
    await ctx.change('canary-step', reason, () => ctx.writer.stepCanary(d, next, reason, evidence));
    const now = ctx.clock.now();
    return { ...ctx.state, rollout: { ...r, step: r.step + 1, stepStartedAt: now } };
  }
  return promote(ctx, outcome, evidence);
}

async function promote(
  ctx: TickContext,
  verdict: RolloutVerdict,
  evidence: Record<string, unknown>,
): Promise<LearningState> {
  const { policy, registry } = ctx;
  const r = ctx.state.rollout!;
  const reason = `promoted ${r.challenger.ref} after ${policy.rollout.canary.steps.length} canary steps: ${verdict.reason}`;
  const moved = await registry.setAlias(r.model, policy.championAlias, r.challenger.version, {
    actor: policy.actor,
    reason,
  });
  await ctx.change('promote', reason, () =>
    ctx.writer.finish(policy.deployment, 'promote', `${r.model}@${policy.championAlias}`, reason, {
      ...evidence,
      alias: policy.championAlias,
      fromVersion: moved.fromVersion,
      toVersion: moved.toVersion,
    }),
  );
  await dropChallengerAlias(ctx);
  await registry.setTags(r.challenger.ref, { 'keel.rollout': 'promoted' });
  return enterPhase(ctx.state, 'idle', ctx.clock.now(), { rollout: null });
}

async function rollback(
  ctx: TickContext,
  reason: string,
  evidence: Record<string, unknown>,
): Promise<LearningState> {
  const { policy } = ctx;
  const r = ctx.state.rollout!;
  await ctx.change('rollback', reason, () =>
    ctx.writer.finish(policy.deployment, 'rollback', `${r.model}@${policy.championAlias}`, reason, evidence),
  );
  await dropChallengerAlias(ctx);
  await ctx.registry.setTags(r.challenger.ref, { 'keel.rollout': 'rolled-back' });
  return enterPhase(ctx.state, 'idle', ctx.clock.now(), { rollout: null });
}

async function abandon(ctx: TickContext, why: string): Promise<LearningState> {
  const r = ctx.state.rollout!;
  await ctx.record('rollout-abandon', `${why} (changed outside the loop); the loop stops this rollout`, {
    challenger: r.challenger,
    phase: ctx.state.phase,
  });
  await dropChallengerAlias(ctx);
  return enterPhase(ctx.state, 'idle', ctx.clock.now(), { rollout: null });
}

async function dropChallengerAlias(ctx: TickContext): Promise<void> {
  const r = ctx.state.rollout!;
  try {
    await ctx.registry.deleteAlias(r.model, ctx.policy.challengerAlias, {
      actor: ctx.policy.actor,
      reason: 'rollout ended',
    });
  } catch (error) {
    if (!isKeelError(error, 'KEEL_REGISTRY_ALIAS_NOT_FOUND')) throw error;
  }
}

/** A verdict still waiting after `limitMs` fails as inconclusive. */
function settle(verdict: RolloutVerdict, elapsedMs: number, limitMs: number): RolloutVerdict {
  if (verdict.outcome !== 'wait' || elapsedMs < limitMs) return verdict;
  return {
    ...verdict,
    outcome: 'fail',
    reason: `inconclusive after ${Math.round(elapsedMs / 1000)} s: ${verdict.reason}`,
  };
}

import { type Clock, isKeelError, KeelError } from '../../../core/index.js';
import type { Trial, TrialRecord } from '../../../learn/index.js';
import type { ActiveRun } from '../../../track/index.js';
import type { TuneCounts, TuneEvent, TuneTrialSummary } from '../tune-types.js';
import type { StudySession } from './study-session.js';
import type { TrialExecutor } from './trial-executor.js';
import { TrialRun, type TrialTrackingContext } from './trial-tracking.js';

/** What the ask/train/tell loop works with. */
export interface StudyLoopContext {
  readonly session: StudySession;
  readonly executor: TrialExecutor;
  readonly tracking: TrialTrackingContext;
  readonly parent: ActiveRun;
  /** Learner params every trial gets besides the sampled ones. */
  readonly fixed: Readonly<Record<string, unknown>>;
  readonly metric: string;
  readonly pruning: boolean;
  readonly clock: Clock;
  /** Epoch ms after which no trial is asked, or null. */
  readonly deadline: number | null;
  readonly signal: AbortSignal | undefined;
  readonly emit: (event: TuneEvent) => void;
}

/**
 * Runs trials until the study has `state.trials` of them (interrupted ones not counted), the grid is
 * exhausted, the deadline passes or the signal aborts: asks in this thread (running trials are
 * visible to the sampler, so TPE's constant liar spreads parallel trials), trains on the executor,
 * feeds every round's `validation.<metric>` to the pruner, and tells and saves each result.
 * Throws `KEEL_CANCELLED` when aborted (running trials stay running in the study, for resume).
 */
export async function runStudyLoop(ctx: StudyLoopContext): Promise<void> {
  const inflight = new Map<number, Promise<void>>();
  let failure: unknown = null;
  let aborted = ctx.signal?.aborted === true;
  const onAbort = (): void => {
    aborted = true;
    ctx.executor.abort();
  };
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      while (!aborted && failure === null && inflight.size < ctx.executor.slots && canAsk(ctx)) {
        const trial = ctx.session.study.ask();
        const done = runTrial(ctx, trial)
          .catch((error: unknown) => {
            if (isKeelError(error, 'KEEL_CANCELLED') && aborted) return;
            failure ??= error;
            ctx.executor.abort();
          })
          .finally(() => inflight.delete(trial.number));
        inflight.set(trial.number, done);
      }
      if (inflight.size === 0) break;
      await Promise.race(inflight.values());
    }
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  if (failure !== null) throw failure;
  if (aborted)
    throw new KeelError(
      'KEEL_CANCELLED',
      `Study ${ctx.session.id} was interrupted; resume it with --resume ${ctx.session.id}.`,
    );
}

function canAsk(ctx: StudyLoopContext): boolean {
  const { study, state } = ctx.session;
  if (study.exhausted) return false;
  if (ctx.deadline !== null && ctx.clock.now() >= ctx.deadline) return false;
  const interrupted = new Set(state.interrupted);
  return study.trials.filter((t) => !interrupted.has(t.number)).length < state.trials;
}

async function runTrial(ctx: StudyLoopContext, trial: Trial): Promise<void> {
  const { session } = ctx;
  const study = session.study;
  const params = { ...ctx.fixed, ...trial.params };
  // The ask is saved before its run exists, so every trial run's number is a trial of the stored
  // study (a crash in between leaves a running trial without a run, which resume re-asks).
  await session.save();
  const run = await TrialRun.start(ctx.tracking, trial, params);
  session.state.trialRuns[String(trial.number)] = run.run.id;
  await session.save();
  ctx.emit({
    kind: 'trial-started',
    trial: summarize(ctx, study.trial(trial.number)),
    counts: tuneCounts(ctx.session),
  });
  const key = `validation.${ctx.metric}`;
  let rounds = 0;
  try {
    const outcome = await ctx.executor.run(
      { number: trial.number, params, decide: ctx.pruning },
      (round, metrics) => {
        rounds = round;
        run.addRound(round, metrics);
        const value = metrics[key];
        ctx.emit({ kind: 'trial-round', number: trial.number, round, value });
        if (!ctx.pruning || value === undefined) return true;
        study.report(trial.number, round, value);
        return !study.shouldPrune(trial.number);
      },
    );
    rounds = outcome.rounds;
    session.state.rounds[String(trial.number)] = rounds;
    const value = outcome.metrics[ctx.metric];
    if (outcome.stopped) {
      study.tell(trial.number, { state: 'pruned' });
      await run.pruned(rounds);
    } else if (value === undefined || !Number.isFinite(value)) {
      study.tell(trial.number, { state: 'failed' });
      await run.failed(
        `The validation ${ctx.metric} is undefined for this model (e.g. one class in the validation rows).`,
      );
    } else {
      study.tell(trial.number, value);
      await run.complete(rounds, outcome.metrics);
    }
  } catch (error) {
    if (isKeelError(error, 'KEEL_CANCELLED')) {
      // Interrupted, not failed: the study keeps the trial running so a resume re-asks it.
      await run.failed('interrupted before it finished; it is re-asked when the study is resumed', 'KILLED');
      throw error;
    }
    session.state.rounds[String(trial.number)] = rounds;
    study.tell(trial.number, { state: 'failed' });
    await run.failed(error instanceof Error ? error.message : String(error));
    ctx.tracking.log.warn({ err: error, trial: trial.number }, 'tuning trial failed');
  }
  await session.save();
  await logProgress(ctx, trial.number);
  ctx.emit({
    kind: 'trial-finished',
    trial: summarize(ctx, study.trial(trial.number)),
    counts: tuneCounts(session),
    best: study.best ? summarize(ctx, study.best) : null,
  });
}

/** Parent-run metrics after each finished trial: its value and the best so far (step = trial number). */
async function logProgress(ctx: StudyLoopContext, number: number): Promise<void> {
  const record = ctx.session.study.trial(number);
  const best = ctx.session.study.best;
  const values: Record<string, number> = {};
  if (record.state === 'complete' && record.value !== null) values['tune.value'] = record.value;
  if (best?.value !== null && best?.value !== undefined) values['tune.best_value'] = best.value;
  if (Object.keys(values).length > 0) await ctx.parent.logMetrics(values, number);
}

/** A trial record with its run id and rounds. */
export function summarizeTrial(session: StudySession, record: TrialRecord): TuneTrialSummary {
  const key = String(record.number);
  return {
    number: record.number,
    state: record.state,
    value: record.value,
    params: record.params,
    runId: session.state.trialRuns[key] ?? null,
    rounds: session.state.rounds[key] ?? null,
  };
}

function summarize(ctx: StudyLoopContext, record: TrialRecord): TuneTrialSummary {
  return summarizeTrial(ctx.session, record);
}

/** Counts of the session's trials by state. */
export function tuneCounts(session: StudySession): TuneCounts {
  const trials = session.study.trials;
  const count = (state: TrialRecord['state']): number => trials.filter((t) => t.state === state).length;
  return {
    trials: trials.length,
    complete: count('complete'),
    pruned: count('pruned'),
    failed: count('failed'),
    running: count('running'),
  };
}

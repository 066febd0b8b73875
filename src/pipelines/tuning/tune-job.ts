import { isKeelError, KeelError } from '../../core/index.js';
import type { ModelVersion } from '../../storage/index.js';
import type { TrainJobResult } from '../training/index.js';
import { trainFinalModel } from './internal/final-model.js';
import { resumeStudy } from './internal/resume-study.js';
import { type OpenedStudy, startStudy } from './internal/start-study.js';
import { runStudyLoop, summarizeTrial, tuneCounts } from './internal/study-loop.js';
import { InProcessExecutor, type TrialExecutor } from './internal/trial-executor.js';
import { WorkerPoolExecutor } from './internal/worker-pool.js';
import { TUNE_TAGS } from './tune-tags.js';
import type { TuneEvent, TuneJobDeps, TuneJobOptions, TuneJobResult } from './tune-types.js';

/**
 * Runs a hyperparameter study (or resumes one, with `options.resume`): checks the settings, data and
 * space, opens a tracked parent run and a stored study, runs trials — each a child run, on worker
 * threads when `parallel` > 1, pruned on their per-round validation metric — saving the study after
 * every ask and tell, then trains the final model with the best params under the parent and
 * optionally registers it. A failure marks the study and the parent run FAILED (KILLED when
 * aborted) and rethrows; the study can then be resumed. See docs/tuning.md ("keel tune").
 */
export async function runTuneJob(deps: TuneJobDeps, options: TuneJobOptions): Promise<TuneJobResult> {
  const started = deps.clock.now();
  const opened = options.resume
    ? await resumeStudy(deps, options.resume, options)
    : await startStudy(deps, options);
  const { session, parent, data } = opened;
  const emit = (event: TuneEvent): void => options.onEvent?.(event);
  const fixed = trialFixedParams(opened);
  const executor: TrialExecutor =
    opened.parallel > 1 ? new WorkerPoolExecutor(data, opened.parallel) : new InProcessExecutor(data);
  try {
    emit({
      kind: 'study-started',
      studyId: session.id,
      parentRunId: parent.id,
      resumed: opened.resumed,
      metric: session.config.metric,
      direction: session.config.direction,
      trials: session.state.trials,
    });
    await runStudyLoop({
      session,
      executor,
      tracking: {
        tracking: deps.tracking,
        metadata: deps.metadata,
        clock: deps.clock,
        log: deps.log,
        experiment: session.config.experiment,
        parentRunId: parent.id,
        studyId: session.id,
        learner: session.config.learner,
      },
      parent,
      fixed,
      metric: session.config.metric,
      pruning: session.config.pruner !== 'none',
      clock: deps.clock,
      deadline: opened.timeoutMs === null ? null : started + opened.timeoutMs,
      signal: options.signal,
      emit,
    });
    await executor.close();
    const { final, version } = await finish(deps, opened, emit);
    const best = session.study.best;
    return {
      studyId: session.id,
      parentRunId: parent.id,
      experimentId: parent.experimentId,
      name: session.config.name,
      learner: session.config.learner,
      task: session.config.task,
      target: session.config.dataSpec.target,
      metric: session.config.metric,
      direction: session.config.direction,
      sampler: session.config.sampler,
      pruner: session.config.pruner,
      counts: tuneCounts(session),
      best: best ? summarizeTrial(session, best) : null,
      bestParams: best ? { ...session.config.fixed, ...best.params } : null,
      trials: session.study.trials.map((t) => summarizeTrial(session, t)),
      interrupted: opened.interrupted,
      final,
      version,
      resumed: opened.resumed,
      durationMs: deps.clock.now() - started,
    };
  } catch (error) {
    await fail(deps, opened, error);
    throw error;
  } finally {
    await executor.close();
  }
}

/** Fixed params of every trial: one GBDT thread per trial when trials run in parallel (unless set). */
function trialFixedParams(opened: OpenedStudy): Readonly<Record<string, unknown>> {
  const { config } = opened.session;
  if (opened.parallel > 1 && config.learner === 'gbdt' && !Object.hasOwn(config.fixed, 'threads')) {
    return { ...config.fixed, threads: 1 };
  }
  return config.fixed;
}

/** Final model, parent-run summary (params, tags, artifacts, counts), FINISHED. */
async function finish(
  deps: TuneJobDeps,
  opened: OpenedStudy,
  emit: (event: TuneEvent) => void,
): Promise<{ final: TrainJobResult | null; version: ModelVersion | null }> {
  const { session, parent } = opened;
  const best = session.study.best;
  if (!best) {
    throw new KeelError(
      'KEEL_TUNE_NO_COMPLETE_TRIAL',
      `No trial of study ${session.id} completed (${tuneCounts(session).failed} failed, ${tuneCounts(session).pruned} pruned); see the keel.tune.error tags of its runs.`,
      { details: { study: session.id, counts: { ...tuneCounts(session) } } },
    );
  }
  const bestParams = { ...session.config.fixed, ...best.params };
  let final: TrainJobResult | null = null;
  let version: ModelVersion | null = null;
  if (session.config.trainFinal) {
    emit({ kind: 'final-started', params: bestParams });
    ({ final, version } = await trainFinalModel(deps, {
      session,
      parent,
      data: opened.source,
      test: opened.test,
      params: bestParams,
      bestTrial: best.number,
    }));
    session.state.finalRunId = final.runId;
    emit({ kind: 'final-finished', runId: final.runId, version });
  }
  const counts = tuneCounts(session);
  await parent.logMetrics(
    {
      'tune.trials_complete': counts.complete,
      'tune.trials_pruned': counts.pruned,
      'tune.trials_failed': counts.failed,
    },
    counts.trials,
  );
  await parent.setTags({
    [TUNE_TAGS.bestTrial]: String(best.number),
    [TUNE_TAGS.bestRun]: session.state.trialRuns[String(best.number)] ?? '',
    [TUNE_TAGS.state]: 'FINISHED',
  });
  await parent.logArtifact('study.json', Buffer.from(JSON.stringify(session.study.toJSON())));
  const trials = session.study.trials.map((t) => summarizeTrial(session, t));
  await parent.logArtifact('trials.json', Buffer.from(JSON.stringify(trials, null, 2)));
  await session.save('FINISHED');
  await parent.end('FINISHED');
  return { final, version };
}

/** Records a failed or interrupted study; a study another process took over is left to it. */
async function fail(deps: TuneJobDeps, opened: OpenedStudy, error: unknown): Promise<void> {
  if (isKeelError(error, 'KEEL_TUNE_STUDY_CONFLICT')) return;
  const killed = isKeelError(error, 'KEEL_CANCELLED');
  const status = killed ? 'KILLED' : 'FAILED';
  await opened.session.save(status).catch((e) => deps.log.warn({ err: e }, 'could not save the study'));
  if (!opened.parent.isEnded) {
    await opened.parent
      .setTags({
        [TUNE_TAGS.state]: status,
        [TUNE_TAGS.error]: String((error as Error)?.message ?? error).slice(0, 5000),
      })
      .catch(() => {});
    await opened.parent.end(status).catch(() => {});
  }
}

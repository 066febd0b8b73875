import { isKeelError, KeelError } from '../../../core/index.js';
import { Study } from '../../../learn/index.js';
import type { StoredStudy, StudyRepository } from '../../../storage/index.js';
import type { ActiveRun } from '../../../track/index.js';
import { checkTuneCounts } from '../tune-settings.js';
import { TUNE_TAGS } from '../tune-tags.js';
import type { TuneJobDeps, TuneJobOptions } from '../tune-types.js';
import type { OpenedStudy } from './start-study.js';
import { StudySession, type TuneConfig, type TuneState } from './study-session.js';
import { prepareTuneData } from './tune-data.js';

/**
 * Takes over a stored study after a crash or an interruption: the stored settings apply (only the
 * trial budget, parallelism, timeout, the data's location and the final model's registration may be
 * given again; the data must have the same fingerprint). Finished trials are kept; trials left RUNNING are marked failed and
 * their params enqueued, so they are re-asked first; child runs left RUNNING are ended FAILED; the
 * parent run is reopened. The first save bumps the revision, so the old process, if it still
 * lives, fails its next save with `KEEL_TUNE_STUDY_CONFLICT`.
 */
export async function resumeStudy(
  deps: TuneJobDeps,
  ref: string,
  options: TuneJobOptions,
): Promise<OpenedStudy> {
  const stored = await findStudy(deps.metadata.studies, ref);
  if (stored.status === 'FINISHED') {
    throw new KeelError(
      'KEEL_TUNE_STUDY_FINISHED',
      `Study ${stored.id} (${stored.name}) already finished; see keel runs show ${stored.parentRunId ?? stored.id}.`,
      { details: { study: stored.id, parentRunId: stored.parentRunId } },
    );
  }
  const config: TuneConfig = {
    ...readConfig(stored),
    // What happens after the search may be chosen again when resuming.
    ...(options.register === undefined ? {} : { register: options.register }),
    ...(options.aliases === undefined ? {} : { aliases: options.aliases }),
    ...(options.trainFinal === undefined ? {} : { trainFinal: options.trainFinal }),
  };
  const state = stored.state as unknown as TuneState;
  const parallel = options.parallel ?? config.parallel;
  const timeoutMs = options.timeoutMs ?? null;
  const trials = options.trials ?? state.trials;
  checkTuneCounts({ trials, parallel, seed: config.seed, timeoutMs });
  const source = options.data ?? config.data;
  if (source === null) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Study ${stored.id} was started on an in-memory frame; pass the same data to resume it.`,
      { details: { study: stored.id } },
    );
  }
  const data = await prepareTuneData(source, config.dataSpec, deps.cwd);
  if (data.fingerprint !== config.datasetFingerprint) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `The data changed since study ${stored.id} started (fingerprint ${data.fingerprint.slice(0, 12)}, was ${config.datasetFingerprint.slice(0, 12)}); start a new study.`,
      { details: { study: stored.id, fingerprint: data.fingerprint, expected: config.datasetFingerprint } },
    );
  }
  const study = Study.fromJSON(state.study);
  const interrupted = study.retryRunning();
  const next: TuneState = { ...state, trials, interrupted: [...state.interrupted, ...interrupted] };
  const session = StudySession.adopt(deps.metadata.studies, deps.clock, stored, config, study, next);
  await session.save('RUNNING');
  const parent = await reopenParent(deps, stored);
  return {
    session,
    parent,
    data,
    source,
    test: options.test ?? config.test,
    parallel,
    timeoutMs,
    interrupted,
    resumed: true,
  };
}

/** The study with id `ref`, or the newest study whose parent run is `ref`. */
async function findStudy(repo: StudyRepository, ref: string): Promise<StoredStudy> {
  try {
    return await repo.getStudy(ref);
  } catch (error) {
    if (!isKeelError(error, 'KEEL_TUNE_STUDY_NOT_FOUND')) throw error;
    const byRun = await repo.findStudyByParentRun(ref);
    if (byRun) return byRun;
    throw new KeelError(
      'KEEL_TUNE_STUDY_NOT_FOUND',
      `No tuning study has the id or parent run "${ref}". Find it with: keel runs list --filter "tags.keel.tune.role = 'study'"`,
      { details: { study: ref } },
    );
  }
}

function readConfig(stored: StoredStudy): TuneConfig {
  const config = stored.config as unknown as TuneConfig;
  if (config?.format !== 'keel.tune' || config.version !== 1) {
    throw new KeelError(
      'KEEL_TUNE_BAD_STUDY',
      `Study ${stored.id} was not written by keel tune (format ${String(config?.format)} version ${String(config?.version)}).`,
      { details: { study: stored.id } },
    );
  }
  return config;
}

/** Reopens the parent run and ends the child runs the crash left RUNNING as FAILED. */
async function reopenParent(deps: TuneJobDeps, stored: StoredStudy): Promise<ActiveRun> {
  const parentId = stored.parentRunId!;
  const run = await deps.tracking.getRun(parentId);
  if (run.status !== 'RUNNING') {
    await deps.metadata.tracking.updateRun(parentId, { status: 'RUNNING', endTime: null });
  }
  const parent = await deps.tracking.resumeRun(parentId);
  const resumes = Number(run.tags[TUNE_TAGS.resumed] ?? '0') + 1;
  await parent.setTags({ [TUNE_TAGS.resumed]: String(resumes) });
  const { runs } = await deps.metadata.tracking.searchRuns({
    filter: [
      { kind: 'attribute', key: 'parent_run_id', op: '=', value: parentId },
      { kind: 'attribute', key: 'status', op: '=', value: 'RUNNING' },
    ],
    maxResults: 1000,
  });
  for (const child of runs) {
    const active = await deps.tracking.resumeRun(child.id);
    await active.setTags({
      [TUNE_TAGS.state]: 'FAILED',
      [TUNE_TAGS.error]:
        'the process running this trial stopped (crash); the study re-asked its params on resume',
    });
    await active.end('FAILED');
  }
  return parent;
}

import { type Frame, KeelError, newId } from '../../../core/index.js';
import { createStudy, defineSpace, type PrunerSpec } from '../../../learn/index.js';
import type { ActiveRun } from '../../../track/index.js';
import { learnerFor } from '../../training/index.js';
import {
  checkPrunerName,
  checkSamplerName,
  checkTuneCounts,
  prunerSpecFor,
  resolveTuneMetric,
  samplerSpecFor,
} from '../tune-settings.js';
import { checkTuneSpace, defaultTuneSpace } from '../tune-space.js';
import { TUNE_TAGS } from '../tune-tags.js';
import type { TuneJobDeps, TuneJobOptions } from '../tune-types.js';
import { StudySession, type TuneConfig, type TuneState } from './study-session.js';
import { paramValues } from './trial-tracking.js';
import { prepareTuneData, type TuneData } from './tune-data.js';

/** A study opened for running: the session, its parent run, its data and where they came from. */
export interface OpenedStudy {
  readonly session: StudySession;
  readonly parent: ActiveRun;
  readonly data: TuneData;
  readonly source: string | Frame;
  readonly test: string | Frame | null;
  readonly parallel: number;
  readonly timeoutMs: number | null;
  /** Trials a crash left running (failed and re-asked); empty for a new study. */
  readonly interrupted: readonly number[];
  readonly resumed: boolean;
}

/** Longest JSON a param may hold; longer spaces are only in the `space.json` artifact. */
const MAX_SPACE_PARAM = 6000;

/**
 * Checks everything (settings, data, space against the learner) before anything is written, then
 * creates the parent run and the stored study (revision 1).
 */
export async function startStudy(deps: TuneJobDeps, options: TuneJobOptions): Promise<OpenedStudy> {
  if (options.data === undefined || options.target === undefined) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      'A new study needs data and a target (or resume one by id).',
      {
        details: { data: options.data === undefined, target: options.target === undefined },
      },
    );
  }
  const learner = options.learner ?? 'gbdt';
  learnerFor(learner);
  const sampler = checkSamplerName(options.sampler ?? 'tpe');
  const pruner = checkPrunerName(options.pruner ?? 'none');
  const trials = options.trials ?? 50;
  const parallel = options.parallel ?? 1;
  const seed = options.seed ?? 0;
  const timeoutMs = options.timeoutMs ?? null;
  checkTuneCounts({ trials, parallel, seed, timeoutMs });
  const base = options.space ?? defaultTuneSpace(learner);
  // The space's own shape is checked before the data is read; the learner's view of it after.
  defineSpace(base.space);
  for (const name of Object.keys(options.params ?? {})) {
    if (Object.hasOwn(base.space, name)) {
      throw new KeelError(
        'KEEL_TUNE_BAD_SPACE',
        `Parameter "${name}" is fixed by --param and searched by the space; drop one of them.`,
        { details: { param: name } },
      );
    }
  }
  const space = { space: base.space, fixed: { ...base.fixed, ...(options.params ?? {}) } };
  const dataSpec = {
    target: options.target,
    learner,
    split: options.split ?? { method: 'random' as const },
    hasTestFile: options.test !== undefined,
    validationFraction: options.validationFraction ?? 0.1,
    testFraction: options.testFraction ?? 0.2,
    features: options.features ?? null,
    exclude: options.exclude ?? [],
    seed,
  };
  const data = await prepareTuneData(options.data, dataSpec, deps.cwd);
  const { metric, direction } = resolveTuneMetric(
    data.task,
    learner,
    pruner,
    options.metric,
    options.direction,
  );
  checkTuneSpace(learner, data.task, space);
  const study = createStudy({
    space: space.space,
    direction,
    sampler: samplerSpecFor(sampler, parallel),
    // The name decides the pruner's type; options only tune it.
    pruner: { ...(options.prunerOptions ?? {}), ...prunerSpecFor(pruner) } as PrunerSpec,
    seed,
  });
  const id = newId(deps.clock.now());
  const config: TuneConfig = {
    format: 'keel.tune',
    version: 1,
    data: typeof options.data === 'string' ? options.data : null,
    test: typeof options.test === 'string' ? options.test : null,
    dataSpec,
    datasetFingerprint: data.fingerprint,
    task: data.task,
    features: data.features,
    learner,
    metric,
    direction,
    sampler,
    pruner,
    prunerOptions: { ...(options.prunerOptions ?? {}) },
    parallel,
    seed,
    space: space.space,
    fixed: space.fixed,
    experiment: options.experiment ?? 'Default',
    name: options.name ?? `tune-${learner}-${id.slice(-6)}`,
    register: options.register ?? null,
    aliases: options.aliases ?? [],
    trainFinal: options.trainFinal ?? true,
  };
  const parent = await startParentRun(deps, config, id, data, trials);
  try {
    const state: TuneState = {
      study: study.toJSON(),
      trials,
      trialRuns: {},
      rounds: {},
      interrupted: [],
      finalRunId: null,
    };
    const session = await StudySession.create(deps.metadata.studies, deps.clock, {
      id,
      parentRunId: parent.id,
      config,
      study,
      state,
    });
    return {
      session,
      parent,
      data,
      source: options.data,
      test: options.test ?? null,
      parallel,
      timeoutMs,
      interrupted: [],
      resumed: false,
    };
  } catch (error) {
    await parent.end('FAILED').catch(() => {});
    throw error;
  }
}

async function startParentRun(
  deps: TuneJobDeps,
  config: TuneConfig,
  id: string,
  data: TuneData,
  trials: number,
): Promise<ActiveRun> {
  const spaceJson = JSON.stringify(config.space);
  const parent = await deps.tracking.startRun({
    experiment: config.experiment,
    name: config.name,
    tags: { [TUNE_TAGS.study]: id, [TUNE_TAGS.role]: 'study', 'keel.learner': config.learner },
    params: {
      learner: config.learner,
      target: config.dataSpec.target,
      task: config.task,
      metric: config.metric,
      direction: config.direction,
      sampler: config.sampler,
      pruner: config.pruner,
      ...(Object.keys(config.prunerOptions).length > 0
        ? { 'pruner.options': JSON.stringify(config.prunerOptions) }
        : {}),
      trials,
      parallel: config.parallel,
      seed: config.seed,
      features: config.features.join(','),
      split:
        config.dataSpec.split.method === 'time'
          ? `time:${config.dataSpec.split.column}`
          : config.dataSpec.split.method,
      'rows.train': data.rows.train,
      'rows.validation': data.rows.validation,
      'rows.test': data.rows.test,
      ...(spaceJson.length <= MAX_SPACE_PARAM ? { space: spaceJson } : {}),
      ...prefixKeys('fixed.', paramValues(config.fixed)),
    },
  });
  try {
    await parent.logInput({
      fingerprint: data.fingerprint,
      name: config.data ?? 'frame',
      source: config.data,
      context: 'training',
      rowCount: data.frame.rowCount,
    });
    await parent.logArtifact(
      'space.json',
      Buffer.from(JSON.stringify({ space: config.space, fixed: config.fixed }, null, 2)),
    );
    return parent;
  } catch (error) {
    await parent.end('FAILED').catch(() => {});
    throw error;
  }
}

function prefixKeys<T>(prefix: string, values: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}

import type { Frame } from '../../../core/index.js';
import { nativeSignature } from '../../../serve/index.js';
import type { ModelVersion } from '../../../storage/index.js';
import type { ActiveRun } from '../../../track/index.js';
import { learnerFor, runTrainJob, type TrainJobResult } from '../../training/index.js';
import { TUNE_TAGS } from '../tune-tags.js';
import type { TuneJobDeps } from '../tune-types.js';
import type { StudySession } from './study-session.js';

/** What the final model is trained from. */
export interface FinalModelInput {
  readonly session: StudySession;
  readonly parent: ActiveRun;
  /** The data (path or the frame already read) and the optional test file or frame. */
  readonly data: string | Frame;
  readonly test: string | Frame | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly bestTrial: number;
}

/**
 * Trains the final model with the best params as a child run `<study>-final` on the trials' own split
 * (same train and validation rows, the test rows never seen by the search), then logs the model,
 * its signature and its metrics on the parent run and, when asked, registers it from the parent
 * run (lineage: the study's parent run; tags name the study, the final run and the best trial).
 */
export async function trainFinalModel(
  deps: TuneJobDeps,
  input: FinalModelInput,
): Promise<{ final: TrainJobResult; version: ModelVersion | null }> {
  const { config } = input.session;
  const spec = config.dataSpec;
  const final = await runTrainJob(
    { tracking: deps.tracking, registry: deps.registry, clock: deps.clock, log: deps.log, cwd: deps.cwd },
    {
      data: input.data,
      target: spec.target,
      learner: config.learner,
      params: input.params,
      split: spec.split,
      ...(input.test === null ? {} : { test: input.test }),
      validationFraction: spec.validationFraction,
      testFraction: spec.testFraction,
      features: config.features,
      task: config.task,
      experiment: config.experiment,
      runName: `${config.name}-final`,
      parentRunId: input.parent.id,
      tags: { [TUNE_TAGS.study]: input.session.id, [TUNE_TAGS.role]: 'final' },
      seed: spec.seed,
    },
  );
  const parent = input.parent;
  const metrics = {
    ...prefixed('validation', final.metrics.validation),
    ...prefixed('test', final.metrics.test),
  };
  await parent.logArtifact('model/model.keel', final.model.serialize());
  const signature = nativeSignature(final.model);
  await parent.logArtifact('signature.json', Buffer.from(JSON.stringify(signature, null, 2)));
  await parent.logMetrics(metrics, 0);
  if (!config.register) return { final, version: null };
  const finalRun = await deps.tracking.getRun(final.runId);
  const version = await deps.registry.register({
    model: config.register,
    artifactPath: 'model/model.keel',
    runId: parent.id,
    flavor: learnerFor(config.learner).flavor,
    signature,
    metrics,
    lineage: { datasetFingerprints: [final.datasetFingerprint], params: finalRun.params },
    tags: {
      [TUNE_TAGS.study]: input.session.id,
      'keel.tune.final_run': final.runId,
      [TUNE_TAGS.bestTrial]: String(input.bestTrial),
    },
    ...(config.aliases.length > 0
      ? { aliases: config.aliases, reason: `tuned by study ${input.session.id} (run ${parent.id})` }
      : {}),
  });
  await parent.setTag('keel.registered', `${version.model}/${version.version}`);
  return { final, version };
}

function prefixed(prefix: string, metrics: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) out[`${prefix}.${k}`] = v;
  return out;
}

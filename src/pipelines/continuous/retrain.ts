import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, KeelError, type Logger } from '../../core/index.js';
import { writeFrame } from '../../data/index.js';
import { attachReferenceSnapshot, buildReferenceSnapshot } from '../../monitor/index.js';
import type { Registry } from '../../registry/index.js';
import type { ArtifactStore, MetadataStore, ModelVersion } from '../../storage/index.js';
import type { Tracking } from '../../track/index.js';
import { loadPipelineFile } from '../pipeline-file.js';
import { Pipelines } from '../pipelines-service.js';
import { runTrainJob } from '../training/index.js';
import { runTuneJob } from '../tuning/index.js';
import type { LearningPolicy } from './resolved-policy.js';
import type { TrainingData } from './training-data.js';

/** A challenger registered by a retrain. */
export interface TrainedChallenger {
  readonly version: ModelVersion;
  /** The tracked run that trained it (the tuning parent run, the pipeline run), or null. */
  readonly runId: string | null;
  /** Metrics the job recorded on the version (`test.*` = on the frozen evaluation set). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Trains and registers a challenger under `model` from the split training data. */
export type ChallengerTrainer = (input: {
  readonly policy: LearningPolicy;
  readonly model: string;
  readonly data: TrainingData;
  readonly now: number;
}) => Promise<TrainedChallenger>;

/** Services a retrain records into. */
export interface TrainerDeps {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly registry: Registry;
  readonly tracking: Tracking;
  readonly clock: Clock;
  readonly log: Logger;
  readonly root: string;
}

/**
 * The policy's training job on fresh data: a `train` job or a `tune` study (the frozen evaluation
 * set as its test set, registered under the model, tagged with the deployment), or a pipeline run
 * given the training and evaluation sets as Parquet files; the new version gets a reference
 * snapshot of its training features, so drift is watched once it serves.
 */
export function defaultTrainer(deps: TrainerDeps): ChallengerTrainer {
  return async ({ policy, model, data, now }) => {
    const tags = { 'keel.learning.deployment': policy.deployment };
    const training = policy.training;
    let version: ModelVersion;
    let runId: string | null;
    let features: readonly string[];
    if ('train' in training) {
      const r = await runTrainJob(
        { ...deps, cwd: deps.root },
        {
          ...training.train,
          data: data.train,
          test: data.evaluation,
          target: policy.target,
          register: model,
          runName: `retrain-${policy.deployment}`,
          tags,
        },
      );
      version = r.version!;
      runId = r.runId;
      features = r.features;
    } else if ('tune' in training) {
      const r = await runTuneJob(
        { ...deps, cwd: deps.root },
        {
          ...training.tune,
          data: data.train,
          test: data.evaluation,
          target: policy.target,
          register: model,
          name: `retrain-${policy.deployment}-${now}`,
        },
      );
      if (!r.version || !r.final) {
        throw new KeelError(
          'KEEL_PIPELINE_STEP_FAILED',
          `The tuning study ${r.studyId} registered no model (no trial finished).`,
          {
            details: { study: r.studyId },
          },
        );
      }
      version = r.version;
      runId = r.parentRunId;
      features = r.final.features;
    } else {
      ({ version, runId } = await runPipeline(deps, policy, model, data, now, training));
      features = version.signature.inputs.map((i) => i.name);
    }
    const snapshot = buildReferenceSnapshot(data.train, {
      columns: features.filter((c) => data.train.has(c)),
    });
    await attachReferenceSnapshot(
      { registry: deps.registry, artifacts: deps.artifacts },
      `${version.model}/${version.version}`,
      snapshot,
    );
    await deps.registry.setTags(`${version.model}/${version.version}`, tags);
    return { version, runId, metrics: version.metrics };
  };
}

async function runPipeline(
  deps: TrainerDeps,
  policy: LearningPolicy,
  model: string,
  data: TrainingData,
  now: number,
  training: Extract<LearningPolicy['training'], { pipeline: string }>,
): Promise<{ version: ModelVersion; runId: string }> {
  const folder = join(deps.root, '.keel', 'learning', policy.deployment, String(now));
  await mkdir(folder, { recursive: true });
  const trainPath = join(folder, 'train.parquet');
  const evalPath = join(folder, 'evaluation.parquet');
  await writeFrame(data.train, trainPath);
  await writeFrame(data.evaluation, evalPath);
  const pipeline = await loadPipelineFile(training.pipeline, deps.root);
  const service = new Pipelines({
    metadata: deps.metadata,
    artifacts: deps.artifacts,
    clock: deps.clock,
    log: deps.log,
    root: deps.root,
  });
  const result = await service.run(pipeline, {
    params: {
      ...(training.params ?? {}),
      [training.dataParam ?? 'data']: trainPath,
      ...(training.testParam ? { [training.testParam]: evalPath } : {}),
    },
    trigger: `learning:${policy.deployment}`,
  });
  if (result.error) throw result.error;
  for (const step of result.steps) {
    if (!step.outputDigest) continue;
    const output = JSON.parse((await deps.artifacts.get(step.outputDigest)).toString('utf8')) as Record<
      string,
      unknown
    >;
    if (output?.kind === 'registered' && output.model === model && typeof output.version === 'number') {
      return { version: await deps.registry.resolve(`${model}/${output.version}`), runId: result.run.id };
    }
  }
  throw new KeelError(
    'KEEL_PIPELINE_INVALID',
    `Pipeline ${training.pipeline} (run ${result.run.id}) registered no version of model "${model}": give it a register step with name: ${model}.`,
    { details: { pipeline: training.pipeline, run: result.run.id, model } },
  );
}

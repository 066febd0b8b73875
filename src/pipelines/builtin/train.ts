import { type Frame, KeelError } from '../../core/index.js';
import { Registry } from '../../registry/index.js';
import type { JsonValue } from '../../storage/index.js';
import { Tracking } from '../../track/index.js';
import type { StepContext, StepParams } from '../step.js';
import { runTrainJob, type TrainJobDeps, type TrainJobOptions } from '../training/index.js';
import { asDataset, loadDataset } from './datasets.js';
import type { BuiltinDefinition } from './definition.js';
import { saveModel } from './models.js';

const LEARNERS = ['gbdt', 'linear'];
const TASKS = ['binary', 'multiclass', 'regression'];

/** The services `keel train`/`keel tune` jobs record into, built from a step's stores. */
export function jobDeps(
  ctx: StepContext,
): TrainJobDeps & { readonly metadata: StepContext['stores']['metadata'] } {
  const { metadata, artifacts } = ctx.stores;
  return {
    tracking: new Tracking({ metadata, artifacts, clock: ctx.clock, root: ctx.root }),
    registry: new Registry({ metadata, artifacts, clock: ctx.clock, actor: `pipeline:${ctx.pipeline}` }),
    metadata,
    clock: ctx.clock,
    log: ctx.log,
    cwd: ctx.root,
  };
}

/** The learner settings `train` and `tune` share, as job options. */
export function learnerOptions(
  params: StepParams,
): Pick<TrainJobOptions, 'target' | 'learner' | 'features' | 'task'> {
  return {
    target: String(params.target),
    learner: String(params.learner),
    ...(Array.isArray(params.features) ? { features: params.features.map(String) } : {}),
    ...(typeof params.task === 'string' ? { task: params.task as TrainJobOptions['task'] & string } : {}),
  };
}

/** Checks the params `train` and `tune` share. */
export function checkLearnerParams(p: StepParams): string | null {
  if (!LEARNERS.includes(String(p.learner))) return `learner must be one of ${LEARNERS.join(', ')}`;
  if (typeof p.target !== 'string' || p.target === '') return 'target must name the label column';
  if (p.features !== null && !(Array.isArray(p.features) && p.features.every((f) => typeof f === 'string'))) {
    return 'features must be a list of column names or null (all but the target)';
  }
  if (p.task !== null && !TASKS.includes(String(p.task)))
    return `task must be one of ${TASKS.join(', ')} or null`;
  if (!(Number(p.validationFraction) >= 0 && Number(p.validationFraction) < 1))
    return 'validationFraction must be in [0, 1)';
  return null;
}

/**
 * `train`: the `keel train` job (`runTrainJob`) on the `data` input: holds out validation (and
 * test, unless a `test` dataset is connected) rows, trains a GBDT or linear model with per-round
 * metrics, evaluates it, and logs the model, feature importance, signature and the drift reference
 * snapshot as a tracked run under the step's run. Hyperparameters from a `tuned` input (a tune
 * step) are merged over `params`. The model file is also kept with the step for evaluate/register.
 */
export const trainStep: BuiltinDefinition = {
  kind: 'train',
  description: 'Train a GBDT or linear model',
  inputs: ['data'],
  optionalInputs: ['test', 'tuned'],
  params: {
    learner: 'gbdt',
    target: null,
    features: null,
    task: null,
    params: {},
    validationFraction: 0.1,
    testFraction: 0.2,
    seed: 0,
  },
  required: ['target'],
  cache: true,
  version: '2',
  check: (p) =>
    checkLearnerParams(p) ??
    (typeof p.params === 'object' && p.params !== null && !Array.isArray(p.params)
      ? null
      : 'params must be an object'),
  async run(inputs, params, ctx) {
    const data = asDataset(inputs.data, ctx.step, 'data');
    const frame = await loadDataset(ctx, data, 'data');
    const test: Frame | undefined =
      inputs.test === undefined ? undefined : await loadDataset(ctx, inputs.test, 'test');
    const tuned = inputs.tuned === undefined ? {} : tunedParams(inputs.tuned, ctx.step);
    const result = await runTrainJob(jobDeps(ctx), {
      ...learnerOptions(params),
      data: frame,
      params: { ...(params.params as Record<string, JsonValue>), ...tuned },
      validationFraction: Number(params.validationFraction),
      testFraction: Number(params.testFraction),
      seed: Number(params.seed),
      ...(test ? { test } : {}),
      experiment: ctx.experiment,
      runName: `${ctx.step}-job`,
      parentRunId: ctx.run.id,
      tags: { 'keel.pipeline.run': ctx.runId, 'keel.pipeline.step': ctx.step },
      signal: ctx.signal,
    });
    await ctx.run.logMetrics(
      Object.fromEntries(
        Object.entries(result.metrics).flatMap(([part, m]) =>
          Object.entries(m).map(([k, v]) => [`${part}.${k}`, v]),
        ),
      ),
    );
    const ref = await saveModel(ctx, result.model, result.datasetFingerprint, result.referenceSnapshotDigest);
    return {
      ...ref,
      runId: result.runId,
      runPath: 'model/model.keel',
      metrics: { validation: { ...result.metrics.validation }, test: { ...result.metrics.test } },
    };
  },
};

function tunedParams(value: unknown, step: string): Record<string, JsonValue> {
  const best = (value as { bestParams?: unknown } | null)?.bestParams;
  if (!best || typeof best !== 'object' || Array.isArray(best)) {
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `Step "${step}" input "tuned" must be the result of a tune step.`,
      {
        details: { step, input: 'tuned' },
      },
    );
  }
  return best as Record<string, JsonValue>;
}

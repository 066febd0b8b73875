import { type Direction, defineSpace, type SpaceSpec } from '../../learn/index.js';
import type { JsonValue } from '../../storage/index.js';
import {
  runTuneJob,
  TUNE_PRUNERS,
  TUNE_SAMPLERS,
  type TunePrunerName,
  type TuneSamplerName,
} from '../tuning/index.js';
import { asDataset, loadDataset } from './datasets.js';
import type { BuiltinDefinition } from './definition.js';
import { checkLearnerParams, jobDeps, learnerOptions } from './train.js';

/**
 * `tune`: the `keel tune` job (`runTuneJob`) on the `data` input: a stored, resumable study whose
 * trials are tracked child runs, pruned on their per-round validation metric, in parallel worker
 * threads with `parallel` > 1. The step's result carries `bestParams` (the best trial's params over
 * the fixed ones), which a `train` step takes through its `tuned` input; no final model is trained here.
 */
export const tuneStep: BuiltinDefinition = {
  kind: 'tune',
  description: 'Search hyperparameters (TPE, pruning)',
  inputs: ['data'],
  optionalInputs: [],
  params: {
    learner: 'gbdt',
    target: null,
    features: null,
    task: null,
    space: null,
    params: {},
    trials: 20,
    metric: null,
    direction: null,
    sampler: 'tpe',
    pruner: 'none',
    parallel: 1,
    seed: 0,
    validationFraction: 0.1,
  },
  required: ['target'],
  cache: true,
  version: '1',
  check: (p) =>
    checkLearnerParams(p) ??
    spaceProblem(p.space) ??
    (!Number.isInteger(p.trials) || Number(p.trials) < 1
      ? 'trials must be a whole number ≥ 1'
      : !Number.isInteger(p.parallel) || Number(p.parallel) < 1
        ? 'parallel must be a whole number ≥ 1'
        : !TUNE_SAMPLERS.includes(p.sampler as TuneSamplerName)
          ? `sampler must be one of ${TUNE_SAMPLERS.join(', ')}`
          : !TUNE_PRUNERS.includes(p.pruner as TunePrunerName)
            ? `pruner must be one of ${TUNE_PRUNERS.join(', ')}`
            : p.direction !== null && p.direction !== 'maximize' && p.direction !== 'minimize'
              ? "direction must be 'maximize', 'minimize' or null (the metric's own)"
              : null),
  async run(inputs, params, ctx) {
    const data = asDataset(inputs.data, ctx.step, 'data');
    const frame = await loadDataset(ctx, data, 'data');
    const result = await runTuneJob(jobDeps(ctx), {
      ...learnerOptions(params),
      data: frame,
      ...(params.space !== null ? { space: { space: params.space as unknown as SpaceSpec, fixed: {} } } : {}),
      params: params.params as Record<string, JsonValue>,
      trials: Number(params.trials),
      sampler: params.sampler as TuneSamplerName,
      pruner: params.pruner as TunePrunerName,
      ...(typeof params.metric === 'string' ? { metric: params.metric } : {}),
      ...(typeof params.direction === 'string' ? { direction: params.direction as Direction } : {}),
      parallel: Number(params.parallel),
      seed: Number(params.seed),
      validationFraction: Number(params.validationFraction),
      experiment: ctx.experiment,
      name: `${ctx.pipeline}-${ctx.step}-${ctx.runId.slice(-8)}`,
      trainFinal: false,
      signal: ctx.signal,
    });
    await ctx.run.setTags({ 'keel.tune.study': result.studyId, 'keel.tune.parent_run': result.parentRunId });
    if (result.best?.value !== null && result.best?.value !== undefined) {
      await ctx.run.logMetrics({
        [`best.${result.metric}`]: result.best.value,
        trials: result.counts.trials,
      });
    }
    return {
      kind: 'tune',
      studyId: result.studyId,
      parentRunId: result.parentRunId,
      metric: result.metric,
      direction: result.direction,
      bestParams: (result.bestParams ?? {}) as Record<string, JsonValue>,
      bestValue: result.best?.value ?? null,
      counts: { ...result.counts },
    };
  },
};

/** The search space's first problem (checked at definition time), or null when absent or valid. */
function spaceProblem(space: JsonValue | undefined): string | null {
  if (space === null || space === undefined) return null;
  try {
    defineSpace(space as unknown as SpaceSpec);
    return null;
  } catch (error) {
    return `space: ${(error as Error).message}`;
  }
}

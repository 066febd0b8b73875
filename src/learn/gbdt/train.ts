import { availableParallelism } from 'node:os';
import { type Frame, KeelError } from '../../core/index.js';
import { prepareLabels } from '../labels.js';
import type { TrainOptions } from '../model.js';
import { GbdtModel } from './gbdt-model.js';
import { boost, useLevelGrowth } from './internal/booster.js';
import { HistExecutor } from './internal/executor.js';
import { levelSlotsOf, maxNodesOf } from './internal/level-grower.js';
import { makeObjective } from './internal/objectives.js';
import { allocateSharedState } from './internal/shared-state.js';
import { prepareTrainingData } from './internal/training-data.js';
import { type GbdtParams, resolveGbdtParams } from './params.js';

/** Training sets smaller than this train on the calling thread only (workers would cost more than they save). */
export const GBDT_PARALLEL_MIN_ROWS = 32_768;

/**
 * Trains a histogram gradient-boosted tree ensemble on `frame` (see `GbdtParams` for the
 * parameters and their defaults, docs/learn-gbdt.md for the algorithm).
 *
 * Numeric features are binned into at most `maxBins` quantile bins, categorical features split
 * natively (categories sorted by gradient/hessian), missing values learn a direction per split and
 * unseen levels follow it. Constant and all-missing columns stay in the signature but never split.
 * With `threads` > 1 (0 = all cores) and at least 32,768 rows, histograms and row partitions run
 * on worker threads over shared memory; the model bytes are identical for any thread count.
 * `options.onRound` receives `train.*` and `validation.*` metrics after every round (return false
 * to stop); `earlyStoppingRounds` needs `options.validation` and keeps the best round's trees.
 */
export async function trainGbdt(frame: Frame, params: GbdtParams, options: TrainOptions): Promise<GbdtModel> {
  const labels = prepareLabels(frame, options.target, options.task);
  const p = resolveGbdtParams(params, labels.task);
  if (p.earlyStoppingRounds > 0 && !options.validation) {
    throw new KeelError(
      'KEEL_LEARN_INVALID_PARAM',
      'GBDT parameter "earlyStoppingRounds" needs a validation frame (options.validation).',
      { details: { param: 'earlyStoppingRounds', value: String(p.earlyStoppingRounds) } },
    );
  }
  const data = prepareTrainingData(frame, options, labels, p);
  const k = labels.task === 'multiclass' ? labels.classes!.length : 1;
  const objective = makeObjective(p.objective, k, p.huberDelta);
  const n = frame.rowCount;
  const threads = n < GBDT_PARALLEL_MIN_ROWS ? 1 : p.threads === 0 ? availableParallelism() : p.threads;
  const { bins, p: width, offsets } = data.binned;
  const level = useLevelGrowth(p);
  const state = allocateSharedState(bins, labels.y, data.weights, {
    p: width,
    totalBins: offsets[width]!,
    k,
    threads,
    maxNodes: level ? maxNodesOf(p.maxDepth) : 1,
    slotCapacity: level ? levelSlotsOf(p.maxDepth) : 1,
  });
  const ex = await HistExecutor.start(state);
  try {
    const result = await boost(ex, data, labels.y, objective, p, {
      onRound: options.onRound,
      signal: options.signal,
    });
    return new GbdtModel(
      {
        task: labels.task,
        target: options.target,
        features: data.specs,
        classes: labels.classes,
        objective: p.objective,
        baseScore: Array.from(result.baseScore),
        rounds: result.rounds,
        // `threads` is left out: it never changes the model, so the bytes do not depend on it.
        params: Object.fromEntries(Object.entries(p).filter(([key]) => key !== 'threads')),
      },
      result.arrays,
    );
  } finally {
    await ex.close();
  }
}

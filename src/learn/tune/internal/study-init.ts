import { KeelError } from '../../../core/index.js';
import { type ResolvedPrunerSpec, resolvePrunerSpec } from '../pruner.js';
import { type ResolvedSamplerSpec, resolveSamplerSpec } from '../sampler.js';
import { SearchSpace } from '../space.js';
import type { Params } from '../space-spec.js';
import { checkStudyEnvelope, loadTrial, type StudyData } from '../study-data.js';
import type { StudyOptions } from '../study-options.js';
import type { Direction, TrialRecord } from '../trial.js';
import { createPruner, createSampler } from './factories.js';
import type { PrunerImpl } from './pruner-impl.js';
import type { SamplerImpl } from './sampler-impl.js';

/** Everything a `Study` is built from. */
export interface StudyInit {
  readonly name: string;
  readonly direction: Direction;
  readonly seed: number;
  readonly space: SearchSpace;
  readonly sampler: ResolvedSamplerSpec;
  readonly pruner: ResolvedPrunerSpec;
  readonly samplerImpl: SamplerImpl;
  readonly prunerImpl: PrunerImpl;
  readonly trials: TrialRecord[];
  readonly queue: Params[];
}

/** A fresh study's parts from `createStudy` options (checked; bad ones throw coded errors). */
export function initFromOptions(options: StudyOptions): StudyInit {
  const space = options.space instanceof SearchSpace ? options.space : SearchSpace.define(options.space);
  const direction = options.direction ?? 'minimize';
  if (direction !== 'minimize' && direction !== 'maximize') {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Study direction must be "minimize" or "maximize" (got ${JSON.stringify(direction)}).`,
    );
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `Study seed must be an integer in [0, 2^32) (got ${seed}).`);
  }
  const sampler = resolveSamplerSpec(options.sampler);
  const pruner = resolvePrunerSpec(options.pruner);
  return {
    name: options.name ?? 'study',
    direction,
    seed,
    space,
    sampler,
    pruner,
    samplerImpl: createSampler(sampler, space, seed, undefined),
    prunerImpl: createPruner(pruner, undefined),
    trials: [],
    queue: [],
  };
}

/** A saved study's parts from `toJSON()` output (checked; bad data throws KEEL_TUNE_BAD_STUDY). */
export function initFromData(data: unknown): StudyInit {
  checkStudyEnvelope(data);
  const space = SearchSpace.define(data.space);
  const sampler = resolveSamplerSpec(data.sampler);
  const pruner = resolvePrunerSpec(data.pruner);
  const trials = data.trials.map((t, i) => loadTrial(t, i));
  for (const t of trials) space.checkParams(t.params);
  const queue = data.queue.map((q) => ({ ...q }));
  for (const q of queue) checkPartialParams(space, q);
  return {
    name: data.name,
    direction: data.direction,
    seed: data.seed,
    space,
    sampler,
    pruner,
    samplerImpl: restoreSampler(sampler, space, data),
    prunerImpl: createPruner(pruner, data.prunerState),
    trials,
    queue,
  };
}

/** The sampler with its saved random streams; a corrupt stream fails with KEEL_TUNE_BAD_STUDY. */
function restoreSampler(spec: ResolvedSamplerSpec, space: SearchSpace, data: StudyData): SamplerImpl {
  try {
    return createSampler(spec, space, data.seed, data.samplerState);
  } catch (error) {
    if (error instanceof KeelError) throw error;
    throw new KeelError(
      'KEEL_TUNE_BAD_STUDY',
      `Saved study, samplerState: ${error instanceof Error ? error.message : String(error)}.`,
      {
        details: { path: 'samplerState' },
        cause: error,
      },
    );
  }
}

/** Checks enqueued values: known parameters with values they can take. */
export function checkPartialParams(space: SearchSpace, params: Params): void {
  for (const [name, v] of Object.entries(params)) {
    const p = space.get(name);
    if (p === undefined) {
      throw new KeelError('KEEL_TUNE_BAD_SPACE', `Enqueued parameter "${name}" is not in the search space.`, {
        details: { param: name },
      });
    }
    if (!p.contains(v)) {
      throw new KeelError(
        'KEEL_TUNE_BAD_SPACE',
        `Enqueued value ${JSON.stringify(v)} of "${name}" is outside its ${p.describe()}.`,
        {
          details: { param: name },
        },
      );
    }
  }
}

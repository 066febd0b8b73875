import { KeelError } from '../../core/index.js';
import {
  type Direction,
  EVALUATION_METRICS,
  metricGoal,
  type PrunerSpec,
  type SamplerSpec,
  type Task,
} from '../../learn/index.js';
import { TUNE_PRUNERS, TUNE_SAMPLERS, type TunePrunerName, type TuneSamplerName } from './tune-types.js';

/**
 * The validation metrics each learner reports every round (docs/learn-gbdt.md, learn-linear.md):
 * pruning needs the tuned metric among them. Absent learner = every metric of the task.
 */
const ROUND_METRICS: Readonly<Record<string, Readonly<Record<Task, readonly string[]>>>> = {
  gbdt: { binary: ['logloss', 'auc'], multiclass: ['logloss', 'accuracy'], regression: ['rmse', 'mae'] },
};

/** The metric a study optimises for `task` when none is given: AUC (binary), log loss (multiclass), RMSE (regression). */
export const PRIMARY_TUNE_METRIC: Readonly<Record<Task, string>> = {
  binary: 'auc',
  multiclass: 'logloss',
  regression: 'rmse',
};

/** Checks a sampler name; `KEEL_INVALID_ARGUMENT` listing the known ones. */
export function checkSamplerName(name: string): TuneSamplerName {
  if ((TUNE_SAMPLERS as readonly string[]).includes(name)) return name as TuneSamplerName;
  throw new KeelError(
    'KEEL_INVALID_ARGUMENT',
    `Unknown sampler "${name}". Use one of: ${TUNE_SAMPLERS.join(', ')}.`,
    { details: { sampler: name, known: TUNE_SAMPLERS } },
  );
}

/** Checks a pruner name; `KEEL_INVALID_ARGUMENT` listing the known ones. */
export function checkPrunerName(name: string): TunePrunerName {
  if ((TUNE_PRUNERS as readonly string[]).includes(name)) return name as TunePrunerName;
  throw new KeelError(
    'KEEL_INVALID_ARGUMENT',
    `Unknown pruner "${name}". Use one of: ${TUNE_PRUNERS.join(', ')}.`,
    { details: { pruner: name, known: TUNE_PRUNERS } },
  );
}

/**
 * The study's sampler spec: Optuna 3.1's defaults; with `parallel` > 1 TPE uses the constant liar,
 * so trials running at the same time count as bad and workers spread out.
 */
export function samplerSpecFor(name: TuneSamplerName, parallel: number): SamplerSpec {
  switch (name) {
    case 'random':
      return { type: 'random' };
    case 'grid':
      return { type: 'grid' };
    case 'tpe':
      return parallel > 1 ? { type: 'tpe', constantLiar: true } : { type: 'tpe' };
    case 'tpe-multivariate':
      return { type: 'tpe', multivariate: true, ...(parallel > 1 ? { constantLiar: true } : {}) };
  }
}

/** The study's pruner spec, with the library's (Optuna 3.1's) defaults. */
export function prunerSpecFor(name: TunePrunerName): PrunerSpec {
  switch (name) {
    case 'none':
      return { type: 'none' };
    case 'median':
      return { type: 'median' };
    case 'asha':
      return { type: 'successive-halving' };
    case 'hyperband':
      return { type: 'hyperband' };
  }
}

/**
 * The metric and direction of a study for `task`: the given metric must be in the task's standard
 * set, and with a pruner the learner must report it every round (`KEEL_INVALID_ARGUMENT` otherwise).
 */
export function resolveTuneMetric(
  task: Task,
  learner: string,
  pruner: TunePrunerName,
  metric?: string,
  direction?: Direction,
): { readonly metric: string; readonly direction: Direction } {
  const name = metric ?? PRIMARY_TUNE_METRIC[task];
  const known: readonly string[] = EVALUATION_METRICS[task];
  if (!known.includes(name)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Metric "${name}" is not a ${task} metric. Use one of: ${known.join(', ')}.`,
      { details: { metric: name, task, known } },
    );
  }
  const perRound = ROUND_METRICS[learner]?.[task];
  if (pruner !== 'none' && perRound && !perRound.includes(name)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `The ${learner} learner does not report "${name}" every round, so the ${pruner} pruner cannot use it. ` +
        `Tune ${perRound.join(' or ')}, or use --pruner none.`,
      { details: { metric: name, learner, pruner, perRound } },
    );
  }
  if (direction !== undefined && direction !== 'minimize' && direction !== 'maximize') {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `Direction "${direction}" must be minimize or maximize.`, {
      details: { direction },
    });
  }
  return { metric: name, direction: direction ?? metricGoal(name) };
}

/** Checks the trial count, parallelism, seed and timeout (`KEEL_INVALID_ARGUMENT` naming the bad one). */
export function checkTuneCounts(o: {
  readonly trials: number;
  readonly parallel: number;
  readonly seed: number;
  readonly timeoutMs: number | null;
}): void {
  const bad = (what: string, value: unknown, rule: string): never => {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${what} must be ${rule}, not ${String(value)}.`, {
      details: { [what]: value },
    });
  };
  if (!Number.isSafeInteger(o.trials) || o.trials < 1) bad('trials', o.trials, 'an integer ≥ 1');
  if (!Number.isSafeInteger(o.parallel) || o.parallel < 1 || o.parallel > 64)
    bad('parallel', o.parallel, 'an integer in 1..64');
  if (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed >= 2 ** 32)
    bad('seed', o.seed, 'an integer in [0, 2^32)');
  if (o.timeoutMs !== null && !(o.timeoutMs > 0)) bad('timeout', o.timeoutMs, 'a positive duration');
}

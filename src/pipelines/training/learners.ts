import type { Frame } from '../../core/index.js';
import { KeelError } from '../../core/index.js';
import {
  type GbdtParams,
  type LinearParams,
  type Model,
  resolveGbdtParams,
  resolveLinearParams,
  type Task,
  type TrainOptions,
  trainGbdt,
  trainLinear,
} from '../../learn/index.js';

/** A learner `keel train` and the pipelines can use: how to check its params and train it. */
export interface LearnerEntry {
  /** The registry flavor of its models. */
  readonly flavor: string;
  /** Validates params for a task (throws KEEL_LEARN_INVALID_PARAM) and returns them resolved with defaults. */
  resolve(params: Readonly<Record<string, unknown>>, task: Task): Record<string, unknown>;
  train(frame: Frame, params: Readonly<Record<string, unknown>>, options: TrainOptions): Promise<Model>;
  /** The metric early stopping and progress follow, per task. */
  readonly primaryMetric: Readonly<Record<Task, string>>;
}

/** The learners Keel ships, by the name `--learner` takes. */
export const LEARNERS: Readonly<Record<string, LearnerEntry>> = {
  gbdt: {
    flavor: 'keel-gbdt',
    resolve: (params, task) => ({ ...resolveGbdtParams(params as GbdtParams, task) }),
    train: (frame, params, options) => trainGbdt(frame, params as GbdtParams, options),
    primaryMetric: { binary: 'auc', multiclass: 'logloss', regression: 'rmse' },
  },
  linear: {
    flavor: 'keel-linear',
    resolve: (params, task) => ({ ...resolveLinearParams(params as LinearParams, task) }),
    train: (frame, params, options) => trainLinear(frame, params as LinearParams, options),
    primaryMetric: { binary: 'auc', multiclass: 'logloss', regression: 'rmse' },
  },
};

/** The learner named `name`, or `KEEL_LEARN_INVALID_PARAM` listing the known ones. */
export function learnerFor(name: string): LearnerEntry {
  const entry = LEARNERS[name];
  if (!entry) {
    throw new KeelError(
      'KEEL_LEARN_INVALID_PARAM',
      `Unknown learner "${name}". Known learners: ${Object.keys(LEARNERS).join(', ')}.`,
      { details: { learner: name, known: Object.keys(LEARNERS) } },
    );
  }
  return entry;
}

/**
 * Parses `key=value` strings from the command line into typed params: numbers, booleans and
 * JSON objects (`classWeights={"1":5}`) are converted, everything else stays a string.
 */
export function parseParamPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new KeelError('KEEL_USAGE', `--param "${pair}" must look like key=value (e.g. numTrees=200).`, {
        details: { param: pair },
      });
    }
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    out[key] = parseValue(raw);
  }
  return out;
}

function parseValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

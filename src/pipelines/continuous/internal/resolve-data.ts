import { isKeelError } from '../../../core/index.js';
import { learnerFor } from '../../training/index.js';
import type { DataOptions, EvaluationOptions, GuardOptions, TrainingOptions } from '../policy-types.js';
import type { LearningPolicy, ResolvedData } from '../resolved-policy.js';
import { checkDuration, checkKeys, checkNumber, policyError } from './policy-checks.js';

const TEMPLATE_KEYS = [
  'learner',
  'params',
  'features',
  'exclude',
  'split',
  'validationFraction',
  'experiment',
  'seed',
];
const TUNE_KEYS = [...TEMPLATE_KEYS, 'trials', 'sampler', 'pruner', 'metric', 'parallel'];

/** The marker a code data loader is stored as (the function itself cannot be). */
export const CODE_DATA_MARKER = '<code: defined in the process that applied the policy>';

/** Checks the training-set source: exactly one of `file`, `featureService` or `load`. */
export function resolveData(d: string, value: DataOptions | undefined): ResolvedData {
  const o = checkKeys(d, 'data', value ?? null, [
    'file',
    'timeColumn',
    'window',
    'featureService',
    'entities',
    'timestampColumn',
    'load',
  ]);
  const kinds = ['file', 'featureService', 'load'].filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) {
    throw policyError(
      d,
      'data',
      `needs exactly one of file, featureService or load (got ${kinds.join(', ') || 'none'}).`,
    );
  }
  const windowMs =
    o.window === undefined ? null : checkDuration(d, 'data.window', o.window as string | number, 0);
  const text = (key: string): string | null => {
    if (o[key] === undefined) return null;
    if (typeof o[key] !== 'string' || o[key] === '')
      throw policyError(d, `data.${key}`, 'must be a non-empty string.');
    return o[key] as string;
  };
  if (o.file !== undefined)
    return { kind: 'file', file: text('file')!, timeColumn: text('timeColumn'), windowMs };
  if (o.featureService !== undefined) {
    const entities = text('entities');
    if (!entities)
      throw policyError(d, 'data.entities', 'must name the file of entity rows (keys, timestamp, target).');
    return {
      kind: 'featureService',
      service: text('featureService')!,
      entities,
      timestampColumn: text('timestampColumn') ?? 'event_timestamp',
      windowMs,
    };
  }
  if (o.load === CODE_DATA_MARKER) return { kind: 'code', load: null, timeColumn: text('timeColumn') };
  if (typeof o.load !== 'function')
    throw policyError(d, 'data.load', 'must be a function ({ now }) => Promise<Frame>.');
  return {
    kind: 'code',
    load: o.load as NonNullable<Extract<ResolvedData, { kind: 'code' }>['load']>,
    timeColumn: text('timeColumn'),
  };
}

/** Checks the training job: exactly one of `train`, `tune` or `pipeline`, with a known learner. */
export function resolveTraining(
  d: string,
  value: TrainingOptions | undefined,
  target: string,
): TrainingOptions {
  const o = checkKeys(d, 'training', value ?? null, [
    'train',
    'tune',
    'pipeline',
    'params',
    'dataParam',
    'testParam',
  ]);
  const kinds = ['train', 'tune', 'pipeline'].filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) {
    throw policyError(
      d,
      'training',
      `needs exactly one of train, tune or pipeline (got ${kinds.join(', ') || 'none'}).`,
    );
  }
  if (o.pipeline !== undefined) {
    if (typeof o.pipeline !== 'string' || o.pipeline === '')
      throw policyError(d, 'training.pipeline', 'must be a pipeline file.');
    return value as TrainingOptions;
  }
  const kind = kinds[0] as 'train' | 'tune';
  const template = checkKeys(d, `training.${kind}`, o[kind], kind === 'tune' ? TUNE_KEYS : TEMPLATE_KEYS);
  try {
    learnerFor(String(template.learner ?? 'gbdt'));
  } catch (error) {
    if (!isKeelError(error)) throw error;
    throw policyError(d, `training.${kind}.learner`, error.message);
  }
  const features = template.features as unknown;
  if (Array.isArray(features) && features.includes(target)) {
    throw policyError(d, `training.${kind}.features`, `includes the target "${target}".`);
  }
  if (kind === 'tune' && template.trials !== undefined) {
    checkNumber(d, 'training.tune.trials', template.trials, 1, 100_000, { integer: true });
  }
  return value as TrainingOptions;
}

/** Checks the evaluation set options. */
export function resolveEvaluation(
  d: string,
  value: EvaluationOptions | undefined,
): LearningPolicy['evaluation'] {
  const o = checkKeys(d, 'evaluation', value ?? {}, ['holdout', 'file', 'minRows']);
  if (o.file !== undefined && (typeof o.file !== 'string' || o.file === '')) {
    throw policyError(d, 'evaluation.file', 'must be a data file.');
  }
  return {
    holdout: checkNumber(d, 'evaluation.holdout', o.holdout ?? 0.2, 0, 0.9, { loOpen: true }),
    file: (o.file as string | undefined) ?? null,
    minRows: checkNumber(d, 'evaluation.minRows', o.minRows ?? 100, 1, 1e12, { integer: true }),
  };
}

/** Checks the guards. */
export function resolveGuards(d: string, value: GuardOptions | undefined): LearningPolicy['guards'] {
  const o = checkKeys(d, 'guards', value ?? {}, [
    'holdoutPercent',
    'maxRetrainsPerDay',
    'minNewLabels',
    'trainingTimeout',
  ]);
  return {
    holdoutPercent: checkNumber(d, 'guards.holdoutPercent', o.holdoutPercent ?? 5, 0, 50),
    maxRetrainsPerDay: checkNumber(d, 'guards.maxRetrainsPerDay', o.maxRetrainsPerDay ?? 2, 1, 1000, {
      integer: true,
    }),
    minNewLabels: checkNumber(d, 'guards.minNewLabels', o.minNewLabels ?? 0, 0, 1e12, { integer: true }),
    trainingTimeoutMs: checkDuration(
      d,
      'guards.trainingTimeout',
      o.trainingTimeout as string | undefined,
      6 * 3_600_000,
      1000,
    ),
  };
}

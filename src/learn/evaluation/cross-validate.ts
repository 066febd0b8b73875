import { type Frame, KeelError } from '../../core/index.js';
import { encodeLabels, inferTask } from '../labels.js';
import { evaluate } from '../metrics/evaluate.js';
import type { Model } from '../model.js';
import { predictFrame } from '../predict.js';
import { type Fold, kFold, stratifiedKFold } from './folds.js';

/** Options of `crossValidate`. */
export interface CrossValidateOptions {
  /** Target column (to score each fold). */
  readonly target: string;
  /** Number of folds; default 5. */
  readonly k?: number;
  /** Stratify folds on the target; default true for classification targets. */
  readonly stratified?: boolean;
  /** Shuffle before assigning folds; default true. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle; default 0. */
  readonly seed?: number;
  /** Explicit folds (overrides k, stratified, shuffle and seed). */
  readonly folds?: readonly Fold[];
  /** A column of per-row weights used when scoring. */
  readonly weightColumn?: string;
}

/** Metrics of one fold. */
export interface FoldResult {
  readonly fold: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Per-fold metrics and their mean and population standard deviation (over folds where the metric is defined). */
export interface CrossValidationResult {
  readonly folds: readonly FoldResult[];
  readonly mean: Readonly<Record<string, number>>;
  readonly std: Readonly<Record<string, number>>;
}

/** Trains one fold's model; `fold` is 0-based. */
export type FoldTrainer = (train: Frame, fold: number) => Model | Promise<Model>;

function makeFolds(frame: Frame, options: CrossValidateOptions): readonly Fold[] {
  if (options.folds) return options.folds;
  const common = { k: options.k ?? 5, shuffle: options.shuffle ?? true, seed: options.seed ?? 0 };
  const column = frame.column(options.target);
  const stratified = options.stratified ?? inferTask(column) !== 'regression';
  if (!stratified) return kFold(frame.rowCount, common);
  const ids = new Map<string, number>();
  const labels = new Float64Array(frame.rowCount);
  const codes = column.type === 'categorical' ? column.codes : null;
  for (let i = 0; i < frame.rowCount; i++) {
    const key = codes ? String(codes[i]) : String(column.type === 'categorical' ? '' : column.values[i]);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    labels[i] = id;
  }
  return stratifiedKFold(labels, common);
}

/**
 * K-fold cross-validation: trains a model per fold with `train`, scores it on the held-out rows with
 * `evaluate` (the task's standard metric set) and summarises the folds.
 */
export async function crossValidate(
  frame: Frame,
  train: FoldTrainer,
  options: CrossValidateOptions,
): Promise<CrossValidationResult> {
  const folds = makeFolds(frame, options);
  if (folds.length === 0)
    throw new KeelError('KEEL_INVALID_ARGUMENT', 'crossValidate needs at least one fold.');
  const results: FoldResult[] = [];
  for (let f = 0; f < folds.length; f++) {
    const fold = folds[f]!;
    const model = await train(frame.take(fold.train), f);
    const test = frame.take(fold.test);
    const predictions = predictFrame(model, test);
    const y = encodeLabels(test, options.target, { task: model.task, classes: model.classes });
    const weights = options.weightColumn ? test.numberColumn(options.weightColumn).values : undefined;
    const metrics = evaluate(model.task, y, predictions.outputs, model.classes, weights);
    results.push({ fold: f, trainRows: fold.train.length, testRows: fold.test.length, metrics });
  }
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const keys = new Set(results.flatMap((r) => Object.keys(r.metrics)));
  for (const key of keys) {
    const values = results.map((r) => r.metrics[key]).filter((v): v is number => v !== undefined);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[key] = m;
    std[key] = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  }
  return { folds: results, mean, std };
}

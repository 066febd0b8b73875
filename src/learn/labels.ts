import { type Column, type Frame, KeelError } from '../core/index.js';
import type { Task } from './model.js';

/** Labels prepared for a learner. */
export interface PreparedLabels {
  readonly task: Task;
  /** Regression: the target. Classification: the class index (0..k-1) as a float. */
  readonly y: Float64Array;
  /** Class labels in index order (classifiers), null for regression. */
  readonly classes: readonly string[] | null;
}

/**
 * The task a target column implies: categorical, boolean or text → classification (binary with two
 * classes); numbers that are all 0 or 1 → binary; other numbers → regression.
 */
export function inferTask(column: Column): Task {
  if (column.type === 'categorical') return column.levels.length <= 2 ? 'binary' : 'multiclass';
  if (column.type === 'text')
    return new Set(column.values.filter((v) => v !== null)).size <= 2 ? 'binary' : 'multiclass';
  if (column.type === 'boolean') return 'binary';
  for (const v of column.values) if (!Number.isNaN(v) && v !== 0 && v !== 1) return 'regression';
  return 'binary';
}

function labelText(column: Column, i: number): string | null {
  if (column.type === 'categorical') {
    const c = column.codes[i]!;
    return c < 0 ? null : column.levels[c]!;
  }
  if (column.type === 'text') return column.values[i] ?? null;
  const v = column.values[i]!;
  if (Number.isNaN(v)) return null;
  return column.type === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

/**
 * Turns the target column into numeric labels. Missing or NaN labels and classification targets
 * with fewer than two classes fail with `KEEL_LEARN_BAD_LABELS` naming the first bad row.
 * Classes are ordered: numbers numerically, booleans false < true, strings lexically (as scikit-learn).
 */
export function prepareLabels(frame: Frame, target: string, task?: Task): PreparedLabels {
  const column = frame.column(target);
  const n = frame.rowCount;
  if (n === 0) throw new KeelError('KEEL_DATA_EMPTY', `Cannot train on an empty frame (target "${target}").`);
  const resolved = task ?? inferTask(column);
  if (resolved === 'regression') {
    if (column.type === 'categorical' || column.type === 'text') {
      throw new KeelError(
        'KEEL_LEARN_BAD_LABELS',
        `Target "${target}" is ${column.type}; regression needs numbers.`,
        {
          details: { target },
        },
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(column.values[i]!)) throw missingLabel(target, i);
    }
    return { task: resolved, y: Float64Array.from(column.values), classes: null };
  }
  const texts: string[] = new Array(n);
  const distinct = new Set<string>();
  for (let i = 0; i < n; i++) {
    const t = labelText(column, i);
    if (t === null) throw missingLabel(target, i);
    texts[i] = t;
    distinct.add(t);
  }
  const numeric = column.type !== 'categorical' && column.type !== 'text' && column.type !== 'boolean';
  const classes = [...distinct].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (classes.length < 2) {
    throw new KeelError(
      'KEEL_LEARN_BAD_LABELS',
      `Target "${target}" has a single class (${JSON.stringify(classes[0])}): a classifier needs at least two.`,
      { details: { target, classes } },
    );
  }
  if (resolved === 'binary' && classes.length > 2) {
    throw new KeelError(
      'KEEL_LEARN_BAD_LABELS',
      `Target "${target}" has ${classes.length} classes but the task is binary; use task "multiclass".`,
      { details: { target, classes: classes.slice(0, 20) } },
    );
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = index.get(texts[i]!)!;
  return { task: classes.length === 2 ? 'binary' : 'multiclass', y, classes };
}

/**
 * Encodes another frame's target (a validation or test set) with labels already prepared on the
 * training set: class indices in `prepared.classes` order, or the values for regression. Missing
 * labels and classes unseen in training fail with `KEEL_LEARN_BAD_LABELS` naming the row.
 */
export function encodeLabels(
  frame: Frame,
  target: string,
  prepared: Pick<PreparedLabels, 'task' | 'classes'>,
): Float64Array {
  if (prepared.task === 'regression' || !prepared.classes) {
    return prepareLabels(frame, target, 'regression').y;
  }
  const column = frame.column(target);
  const index = new Map(prepared.classes.map((c, i) => [c, i]));
  const y = new Float64Array(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const t = labelText(column, i);
    if (t === null) throw missingLabel(target, i);
    const k = index.get(t);
    if (k === undefined) {
      throw new KeelError(
        'KEEL_LEARN_BAD_LABELS',
        `Target "${target}" has class ${JSON.stringify(t)} at row ${i}, unseen in training (classes: ${prepared.classes.slice(0, 20).join(', ')}).`,
        { details: { target, row: i, label: t } },
      );
    }
    y[i] = k;
  }
  return y;
}

function missingLabel(target: string, row: number): KeelError {
  return new KeelError(
    'KEEL_LEARN_BAD_LABELS',
    `Target "${target}" is missing or not a finite number at row ${row}. Drop or fill unlabeled rows first.`,
    { details: { target, row } },
  );
}

import { type Frame, KeelError, valueAt } from '../../core/index.js';
import { checkFractions, partSizes, sortedIndices } from './internal/checks.js';
import { SeededRandom } from './internal/rng.js';

/** Row indices of a train / validation / test split (validation may be empty). */
export interface SplitIndices {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/** Fractions of rows held out: `test` default 0.2, `validation` default 0; each part gets ceil(fraction x n) rows. */
export interface SplitFractions {
  readonly test?: number;
  readonly validation?: number;
}

/** Options of the seeded splits. */
export interface RandomSplitOptions extends SplitFractions {
  /** Seed of the shuffle; default 0. */
  readonly seed?: number;
}

/**
 * A seeded random split of `rowCount` rows; indices come back sorted within each part.
 * Throws `KEEL_INVALID_ARGUMENT` when the fractions leave no training row.
 */
export function randomSplit(rowCount: number, options: RandomSplitOptions = {}): SplitIndices {
  const test = options.test ?? 0.2;
  const validation = options.validation ?? 0;
  checkFractions(test, validation);
  const { nTest, nValidation } = partSizes(rowCount, test, validation);
  const order = new SeededRandom(options.seed ?? 0).shuffle(
    Int32Array.from({ length: rowCount }, (_, i) => i),
  );
  return {
    test: sortedIndices(order.subarray(0, nTest)),
    validation: sortedIndices(order.subarray(nTest, nTest + nValidation)),
    train: sortedIndices(order.subarray(nTest + nValidation)),
  };
}

/** Splits `total` into integer parts proportional to `sizes` that sum exactly (largest remainder). */
function apportion(sizes: readonly number[], total: number, n: number): number[] {
  const ideal = sizes.map((s) => (s * total) / n);
  const out = ideal.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = sizes
    .map((_, c) => c)
    .sort((a, b) => ideal[b]! - out[b]! - (ideal[a]! - out[a]!) || sizes[b]! - sizes[a]! || a - b);
  for (const c of order) {
    if (left === 0) break;
    if (out[c]! < sizes[c]!) {
      out[c]!++;
      left--;
    }
  }
  return out;
}

/**
 * A seeded split that keeps each class's share in every part (`labels[i]` is row i's class, any
 * number). Per-class counts are apportioned by largest remainder, so part sizes equal `randomSplit`'s.
 */
export function stratifiedSplit(labels: ArrayLike<number>, options: RandomSplitOptions = {}): SplitIndices {
  const n = labels.length;
  const test = options.test ?? 0.2;
  const validation = options.validation ?? 0;
  checkFractions(test, validation);
  const { nTest, nValidation } = partSizes(n, test, validation);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (Number.isNaN(v)) {
      throw new KeelError('KEEL_INVALID_ARGUMENT', `Stratified split: the label of row ${i} is missing.`, {
        details: { row: i },
      });
    }
    let g = groups.get(v);
    if (!g) groups.set(v, (g = []));
    g.push(i);
  }
  const classes = [...groups.keys()].sort((a, b) => a - b);
  const sizes = classes.map((c) => groups.get(c)!.length);
  const testPer = apportion(sizes, nTest, n);
  const rest = sizes.map((s, c) => s - testPer[c]!);
  const valPer = apportion(rest, nValidation, n - nTest);
  const rng = new SeededRandom(options.seed ?? 0);
  const parts = { train: [] as number[], validation: [] as number[], test: [] as number[] };
  classes.forEach((cls, c) => {
    const rows = rng.shuffle(Int32Array.from(groups.get(cls)!));
    const t = testPer[c]!;
    const v = valPer[c]!;
    for (let j = 0; j < rows.length; j++) {
      (j < t ? parts.test : j < t + v ? parts.validation : parts.train).push(rows[j]!);
    }
  });
  return {
    train: sortedIndices(parts.train),
    validation: sortedIndices(parts.validation),
    test: sortedIndices(parts.test),
  };
}

/**
 * A time split: rows sorted by `timestamps` (ties by row order); the earliest go to train, then
 * validation, the latest to test. A cut never separates rows with the same timestamp: it moves to
 * the end of the tie group (or to its start when that would empty the later part). Indices come back
 * in time order. Missing (NaN) timestamps are refused with `KEEL_INVALID_ARGUMENT`.
 */
export function timeSplit(timestamps: ArrayLike<number>, options: SplitFractions = {}): SplitIndices {
  const n = timestamps.length;
  const test = options.test ?? 0.2;
  const validation = options.validation ?? 0;
  checkFractions(test, validation);
  const { nTest, nValidation } = partSizes(n, test, validation);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(timestamps[i]!)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Time split: the timestamp of row ${i} is missing; drop or fill rows without a time first.`,
        { details: { row: i } },
      );
    }
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => timestamps[a]! - timestamps[b]! || a - b,
  );
  const t = (j: number): number => timestamps[order[j]!]!;
  const cutAt = (c: number, low: number): number => {
    if (c <= low || c >= n) return c;
    let forward = c;
    while (forward < n && t(forward) === t(forward - 1)) forward++;
    if (forward < n) return forward;
    let back = c;
    while (back > low && t(back) === t(back - 1)) back--;
    return back;
  };
  const c1 = cutAt(n - nTest - nValidation, 0);
  const c2 = nTest > 0 ? cutAt(Math.max(c1, n - nTest), c1) : n;
  if (c1 < 1 || (nTest > 0 && c2 >= n) || (nValidation > 0 && c2 <= c1)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      'Time split: too many rows share a timestamp to cut train, validation and test apart; use a random split.',
      { details: { rows: n } },
    );
  }
  return { train: order.slice(0, c1), validation: order.slice(c1, c2), test: order.slice(c2) };
}

/** How `splitFrame` splits. */
export interface FrameSplitOptions extends RandomSplitOptions {
  /** `random` (default), `stratified` (by `column`) or `time` (by the timestamp `column`). */
  readonly method?: 'random' | 'stratified' | 'time';
  /** The class column to stratify on, or the time column. */
  readonly column?: string;
}

/**
 * Splits a frame's rows by one of the methods above; returns indices for `frame.take`.
 * A stratification column may be of any type (classes compared by value, missing refused).
 */
export function splitFrame(frame: Frame, options: FrameSplitOptions = {}): SplitIndices {
  const method = options.method ?? 'random';
  if (method === 'random') return randomSplit(frame.rowCount, options);
  if (!options.column) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `A ${method} split needs a column (options.column).`, {
      details: { method },
    });
  }
  const column = frame.column(options.column);
  if (method === 'time') {
    if (column.type === 'categorical' || column.type === 'text') {
      throw new KeelError(
        'KEEL_FRAME_TYPE_MISMATCH',
        `Time split column "${column.name}" is ${column.type}; it must hold timestamps or numbers.`,
        { details: { column: column.name } },
      );
    }
    return timeSplit(column.values, options);
  }
  const ids = new Map<string, number>();
  const labels = new Float64Array(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const v = valueAt(column, i);
    if (v === null) {
      labels[i] = Number.NaN;
      continue;
    }
    const key = String(v);
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    labels[i] = id;
  }
  return stratifiedSplit(labels, options);
}

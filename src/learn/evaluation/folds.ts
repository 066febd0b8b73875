import { KeelError } from '../../core/index.js';
import { sortedIndices } from './internal/checks.js';
import { SeededRandom } from './internal/rng.js';

/** One cross-validation fold: training rows and held-out test rows, each sorted. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Options of the k-fold splitters. */
export interface KFoldOptions {
  /** Number of folds; default 5, at least 2. */
  readonly k?: number;
  /** Shuffle rows before assigning folds (seeded); default false, which keeps scikit-learn's exact folds. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle; default 0. */
  readonly seed?: number;
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `k-fold needs an integer k between 2 and the row count (${n}), got ${k}.`,
      { details: { k, rows: n } },
    );
  }
}

function foldsFromAssignment(foldOf: Int32Array, k: number): Fold[] {
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < foldOf.length; i++) (foldOf[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/**
 * K-fold cross-validation folds of `rowCount` rows, as scikit-learn's `KFold`: consecutive blocks,
 * the first `rowCount % k` one row larger; with `shuffle`, blocks of a seeded permutation.
 */
export function kFold(rowCount: number, options: KFoldOptions = {}): Fold[] {
  const k = options.k ?? 5;
  checkK(k, rowCount);
  const order = Int32Array.from({ length: rowCount }, (_, i) => i);
  if (options.shuffle) new SeededRandom(options.seed ?? 0).shuffle(order);
  const foldOf = new Int32Array(rowCount);
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(rowCount / k) + (f < rowCount % k ? 1 : 0);
    for (let j = start; j < start + size; j++) foldOf[order[j]!] = f;
    start += size;
  }
  return foldsFromAssignment(foldOf, k);
}

/**
 * Stratified k-fold folds, with scikit-learn 1.2's `StratifiedKFold` allocation (classes in order of
 * first appearance, each class's rows dealt to folds so fold sizes differ by at most one). Without
 * `shuffle` the folds equal scikit-learn's exactly; with it, each class's fold order is a seeded permutation.
 * Fails with `KEEL_INVALID_ARGUMENT` when every class has fewer than k rows.
 */
export function stratifiedKFold(labels: ArrayLike<number>, options: KFoldOptions = {}): Fold[] {
  const n = labels.length;
  const k = options.k ?? 5;
  checkK(k, n);
  const classOf = new Map<number, number>();
  const encoded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (Number.isNaN(v)) {
      throw new KeelError('KEEL_INVALID_ARGUMENT', `Stratified k-fold: the label of row ${i} is missing.`, {
        details: { row: i },
      });
    }
    let c = classOf.get(v);
    if (c === undefined) classOf.set(v, (c = classOf.size));
    encoded[i] = c;
  }
  const nClasses = classOf.size;
  const counts = new Int32Array(nClasses);
  for (const c of encoded) counts[c]!++;
  if (counts.every((c) => c < k)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Stratified k-fold: k = ${k} is greater than the number of rows in every class; lower k.`,
      { details: { k, classCounts: [...counts] } },
    );
  }
  // scikit-learn: sort the encoded labels and deal them round-robin to the folds.
  const yOrder = sortedIndices(encoded);
  const allocation = Array.from({ length: k }, () => new Int32Array(nClasses));
  for (let j = 0; j < n; j++) allocation[j % k]![yOrder[j]!]!++;
  const rng = options.shuffle ? new SeededRandom(options.seed ?? 0) : null;
  const foldOf = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    const foldsForClass: number[] = [];
    for (let f = 0; f < k; f++) for (let r = 0; r < allocation[f]![c]!; r++) foldsForClass.push(f);
    const assigned = Int32Array.from(foldsForClass);
    if (rng) rng.shuffle(assigned);
    let j = 0;
    for (let i = 0; i < n; i++) if (encoded[i] === c) foldOf[i] = assigned[j++]!;
  }
  return foldsFromAssignment(foldOf, k);
}

/**
 * One column of one side of a drift comparison, whether it comes from a Frame (all values) or
 * from a reference snapshot (full counts and summaries, numeric values possibly sketched).
 * Expensive parts (sort, bins, value counts) are computed once, on first use.
 */
import type { Column } from '../../core/index.js';
import { binCountsSorted, psiCutPoints } from '../drift/stats/psi.js';
import { meanStd, sortedSample } from '../drift/stats/sample.js';

/** Numeric columns with at most this many distinct values keep exact per-value counts. */
export const MAX_VALUE_COUNTS = 20;
/** The category that stands for missing values when `categoricalMissing: 'category'`. */
export const MISSING_CATEGORY = '__missing__';

/** Distinct values (ascending) with their counts. */
export interface ValueCounts {
  readonly values: number[];
  readonly counts: number[];
}

/** PSI decile bins of a numeric column over all its values. */
export interface NumericBins {
  readonly cutPoints: number[];
  readonly counts: number[];
}

/** A numeric column side. `sorted` holds every value when `exact`, else a quantile sketch. */
export interface NumericSide {
  readonly kind: 'numeric';
  readonly name: string;
  readonly type: string;
  readonly rows: number;
  readonly missing: number;
  readonly count: number;
  readonly exact: boolean;
  sorted(): Float64Array;
  mean(): number;
  std(): number;
  min(): number;
  max(): number;
  bins(): NumericBins;
  valueCounts(): ValueCounts | null;
}

/** A categorical column side: counts of every present category. */
export interface CategoricalSide {
  readonly kind: 'categorical';
  readonly name: string;
  readonly type: string;
  readonly rows: number;
  readonly missing: number;
  readonly count: number;
  readonly counts: ReadonlyMap<string, number>;
}

/** A column Keel does not test (text, timestamps). */
export interface UnsupportedSide {
  readonly kind: 'unsupported';
  readonly name: string;
  readonly type: string;
  readonly rows: number;
  readonly missing: number;
  readonly count: number;
}

/** One side of one column. */
export type ColumnSide = NumericSide | CategoricalSide | UnsupportedSide;

/** A memoised thunk: `compute` runs on the first call only. */
export function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}

/** Distinct values of an ascending array with counts, or null past MAX_VALUE_COUNTS distinct values. */
export function valueCountsSorted(sorted: Float64Array): ValueCounts | null {
  const values: number[] = [];
  const counts: number[] = [];
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    if (values.length === MAX_VALUE_COUNTS) return null;
    values.push(v);
    counts.push(j - i);
    i = j;
  }
  return { values, counts };
}

/** A numeric side over every value of `values` (NaN and ±Infinity count as missing). */
export function numericSideFromValues(name: string, type: string, values: ArrayLike<number>): NumericSide {
  const sample = sortedSample(values, true);
  const sorted = sample.values;
  const stats = once(() => meanStd(sorted));
  return {
    kind: 'numeric',
    name,
    type,
    rows: values.length,
    missing: sample.nanCount,
    count: sorted.length,
    exact: true,
    sorted: () => sorted,
    mean: () => stats().mean,
    std: () => stats().std,
    min: () => sorted[0] ?? Number.NaN,
    max: () => sorted[sorted.length - 1] ?? Number.NaN,
    bins: once(() => {
      const cutPoints = psiCutPoints(sorted);
      return { cutPoints, counts: binCountsSorted(sorted, cutPoints) };
    }),
    valueCounts: once(() => valueCountsSorted(sorted)),
  };
}

function categoricalFromCounts(
  name: string,
  type: string,
  rows: number,
  missing: number,
  counts: Map<string, number>,
  missingAsCategory: boolean,
): CategoricalSide {
  if (missingAsCategory && missing > 0)
    counts.set(MISSING_CATEGORY, (counts.get(MISSING_CATEGORY) ?? 0) + missing);
  let count = 0;
  for (const c of counts.values()) count += c;
  return { kind: 'categorical', name, type, rows, missing, count, counts };
}

/** The side of a Frame column: numeric for numeric/integer, categorical for categorical/boolean. */
export function sideFromColumn(column: Column, missingAsCategory: boolean): ColumnSide {
  if (column.type === 'categorical') {
    const bins = new Float64Array(column.levels.length);
    let missing = 0;
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c < 0) missing++;
      else bins[c]!++;
    }
    const counts = new Map<string, number>();
    column.levels.forEach((level, i) => {
      if (bins[i]! > 0) counts.set(level, bins[i]!);
    });
    return categoricalFromCounts(column.name, column.type, codes.length, missing, counts, missingAsCategory);
  }
  if (column.type === 'boolean') {
    let yes = 0;
    let no = 0;
    for (const v of column.values) {
      if (v === 0) no++;
      else if (!Number.isNaN(v)) yes++;
    }
    const counts = new Map<string, number>();
    if (no > 0) counts.set('false', no);
    if (yes > 0) counts.set('true', yes);
    const rows = column.values.length;
    return categoricalFromCounts(column.name, column.type, rows, rows - yes - no, counts, missingAsCategory);
  }
  if (column.type === 'numeric' || column.type === 'integer') {
    return numericSideFromValues(column.name, column.type, column.values);
  }
  const rows = column.values.length;
  let missing = 0;
  if (column.type === 'text') for (const v of column.values) missing += v === null ? 1 : 0;
  else for (const v of column.values) missing += Number.isNaN(v) ? 1 : 0;
  return { kind: 'unsupported', name: column.name, type: column.type, rows, missing, count: rows - missing };
}

/** The categorical side of a categorical snapshot column. */
export function categoricalSideFromCounts(
  name: string,
  type: string,
  missing: number,
  categories: readonly (readonly [string, number])[],
  missingAsCategory: boolean,
): CategoricalSide {
  const counts = new Map<string, number>(categories.map(([k, c]) => [k, c]));
  let rows = missing;
  for (const c of counts.values()) rows += c;
  return categoricalFromCounts(name, type, rows, missing, counts, missingAsCategory);
}

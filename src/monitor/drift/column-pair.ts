/**
 * Turns the two sides of a column into what the tests consume: numeric sides (plus per-value
 * counts when both sides together hold at most five distinct values, as Evidently treats them)
 * or category counts over the sorted union of categories.
 */
import { type CategoricalSide, MAX_VALUE_COUNTS, type NumericSide } from '../internal/column-side.js';
import type { ColumnPair, DiscreteCounts } from './stat-tests.js';

/** Numeric columns with at most this many distinct values (both sides) are tested on value counts. */
export const MAX_DISCRETE_VALUES = 5;

/** A column pair plus facts the report shows. */
export interface PreparedPair {
  readonly pair: ColumnPair;
  /** Distinct values over both sides, null when more than 20 (numeric). */
  readonly uniqueValues: number | null;
  /** Values present only in current data. */
  readonly newCategories: string[];
}

/** Sorted union of categories with counts on each side. */
export function categoricalPair(reference: CategoricalSide, current: CategoricalSide): PreparedPair {
  const keys = [...new Set([...reference.counts.keys(), ...current.counts.keys()])].sort();
  const discrete: DiscreteCounts = {
    keys,
    reference: keys.map((k) => reference.counts.get(k) ?? 0),
    current: keys.map((k) => current.counts.get(k) ?? 0),
  };
  return {
    pair: { kind: 'categorical', discrete },
    uniqueValues: keys.length,
    newCategories: keys.filter((k) => !reference.counts.has(k)),
  };
}

/** Distinct values of the ascending `sorted` with counts, stopping past `cap` distinct values. */
function distinctCounts(sorted: Float64Array, cap: number): Map<number, number> | null {
  const out = new Map<number, number>();
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    out.set(v, j - i);
    if (out.size > cap) return null;
    i = j;
  }
  return out;
}

/** Numeric sides, with discrete counts when the union has at most five distinct values. */
export function numericPair(reference: NumericSide, current: NumericSide): PreparedPair {
  const refCounts = reference.valueCounts();
  const curCounts = refCounts ? distinctCounts(current.sorted(), MAX_VALUE_COUNTS) : null;
  if (!refCounts || !curCounts) {
    return {
      pair: { kind: 'numeric', reference, current, discrete: null },
      uniqueValues: null,
      newCategories: [],
    };
  }
  const refMap = new Map(refCounts.values.map((v, i) => [v, refCounts.counts[i]!]));
  const values = [...new Set([...refCounts.values, ...curCounts.keys()])].sort((a, b) => a - b);
  if (values.length > MAX_VALUE_COUNTS) {
    return {
      pair: { kind: 'numeric', reference, current, discrete: null },
      uniqueValues: null,
      newCategories: [],
    };
  }
  const newCategories = values.filter((v) => !refMap.has(v)).map(String);
  if (values.length > MAX_DISCRETE_VALUES) {
    return {
      pair: { kind: 'numeric', reference, current, discrete: null },
      uniqueValues: values.length,
      newCategories,
    };
  }
  const discrete: DiscreteCounts = {
    keys: values.map(String),
    reference: values.map((v) => refMap.get(v) ?? 0),
    current: values.map((v) => curCounts.get(v) ?? 0),
  };
  return {
    pair: { kind: 'numeric', reference, current, discrete },
    uniqueValues: values.length,
    newCategories,
  };
}

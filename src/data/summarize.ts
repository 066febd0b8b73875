import { type Column, type DataType, type Frame, missingCount } from '../core/index.js';
import { distinctCount, quantiles } from './internal/number-stats.js';

/** A level (or value) and how many rows hold it. */
export interface LevelCount {
  readonly value: string;
  readonly count: number;
}

/**
 * Statistics of one column. Every field but the first six is present only where it means
 * something: numeric stats for numeric/integer/boolean columns, `top` for categoricals, `min` and
 * `max` (epoch ms) for timestamps. Values that cannot be computed (the std of one value) are null.
 */
export interface ColumnSummary {
  readonly name: string;
  readonly type: DataType;
  /** True when the column has missing values. */
  readonly nullable: boolean;
  /** Rows with a value. */
  readonly count: number;
  /** Rows without one. */
  readonly missing: number;
  /** `missing / rows` (0 for an empty frame). */
  readonly missingShare: number;
  /** Distinct non-missing values. */
  readonly distinct: number;
  readonly mean?: number | null;
  /** Sample standard deviation (n - 1 denominator, as pandas). */
  readonly std?: number | null;
  readonly min?: number | null;
  /** Quantiles with linear interpolation between order statistics (pandas/NumPy default). */
  readonly p25?: number | null;
  readonly median?: number | null;
  readonly p75?: number | null;
  readonly max?: number | null;
  /** Rows equal to 0. */
  readonly zeros?: number;
  /** The most frequent levels, most frequent first (ties by value). */
  readonly top?: readonly LevelCount[];
}

/** A frame's size and per-column statistics. */
export interface DataSummary {
  readonly rows: number;
  readonly columns: readonly ColumnSummary[];
}

/** Options for `summarize`. */
export interface SummarizeOptions {
  /** Levels listed in `top` (default 10). */
  readonly topLevels?: number;
}

function present(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // -0 is reported as 0.
    if (!Number.isNaN(v)) out[k++] = v === 0 ? 0 : v;
  }
  return out;
}

function numberStats(
  values: Float64Array,
  timestamp: boolean,
): Partial<ColumnSummary> & { distinct: number } {
  const xs = present(values);
  const n = xs.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (v === 0) zeros++;
  }
  const range = n > 0 ? { min, max } : { min: null, max: null };
  const distinct = distinctCount(xs);
  if (timestamp) return { distinct, ...range };
  const mean = n > 0 ? sum / n : null;
  let ss = 0;
  if (mean !== null) for (let i = 0; i < n; i++) ss += (xs[i]! - mean) * (xs[i]! - mean);
  const [p25, median, p75] = quantiles(xs, [0.25, 0.5, 0.75]);
  return {
    distinct,
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : null,
    min: range.min,
    p25: p25 ?? null,
    median: median ?? null,
    p75: p75 ?? null,
    max: range.max,
    zeros,
  };
}

function categoricalStats(
  codes: Int32Array,
  levels: readonly string[],
  topLevels: number,
): { distinct: number; top: LevelCount[] } {
  const counts = new Float64Array(levels.length);
  for (const c of codes) if (c >= 0) counts[c]!++;
  const used: LevelCount[] = [];
  levels.forEach((value, i) => {
    if (counts[i]! > 0) used.push({ value, count: counts[i]! });
  });
  used.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { distinct: used.length, top: used.slice(0, topLevels) };
}

function columnSummary(column: Column, rows: number, topLevels: number): ColumnSummary {
  const missing = missingCount(column);
  const base = {
    name: column.name,
    type: column.type,
    nullable: missing > 0,
    count: rows - missing,
    missing,
    missingShare: rows === 0 ? 0 : missing / rows,
  };
  if (column.type === 'categorical')
    return { ...base, ...categoricalStats(column.codes, column.levels, topLevels) };
  if (column.type === 'text') {
    const distinct = new Set<string>();
    for (const v of column.values) if (v !== null) distinct.add(v);
    return { ...base, distinct: distinct.size };
  }
  return { ...base, ...numberStats(column.values, column.type === 'timestamp') };
}

/**
 * Per-column statistics of a frame, as `keel data inspect` prints them: counts, missing values,
 * distinct values, numeric stats (mean, sample std, min, quartiles, max, zeros), the top levels of
 * categoricals and the range of timestamps.
 */
export function summarize(frame: Frame, options: SummarizeOptions = {}): DataSummary {
  const topLevels = options.topLevels ?? 10;
  return {
    rows: frame.rowCount,
    columns: frame.columns.map((c) => columnSummary(c, frame.rowCount, topLevels)),
  };
}

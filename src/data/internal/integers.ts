import type { Column, Frame } from '../../core/index.js';

/** A value in an integer column that is not a whole number. */
export interface NotInteger {
  /** Frame row index. */
  readonly index: number;
  readonly column: string;
  readonly value: number;
}

/** The outcome of `settleIntegers`. */
export interface SettledIntegers {
  /** The frame with sniffed integer columns labelled `integer` (whole values) or `numeric`. */
  readonly frame: Frame;
  /** Values of declared integer columns that are not whole, by row. */
  readonly bad: readonly NotInteger[];
}

function isWhole(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // Missing values (NaN) and whole numbers pass; fractions and infinities do not.
    if (v - Math.floor(v) !== 0 && !Number.isNaN(v)) return false;
  }
  return true;
}

/**
 * Settles integer columns after a scan that parsed them as DOUBLE. DuckDB's VARCHAR→BIGINT cast
 * rounds (`'1.5'` becomes 2), so Keel never parses text as BIGINT: columns the sniffer thought
 * integer are read as DOUBLE and labelled `integer` only if every value is whole (else `numeric`);
 * columns declared integer are checked and each fractional value is reported.
 */
export function settleIntegers(
  frame: Frame,
  declared: ReadonlySet<string>,
  candidates: ReadonlySet<string>,
): SettledIntegers {
  const bad: NotInteger[] = [];
  let out = frame;
  for (const column of frame.columns) {
    if (column.type === 'categorical' || column.type === 'text') continue;
    if (declared.has(column.name)) {
      column.values.forEach((v, index) => {
        if (!Number.isNaN(v) && !Number.isInteger(v)) bad.push({ index, column: column.name, value: v });
      });
    } else if (candidates.has(column.name)) {
      const type = isWhole(column.values) ? 'integer' : 'numeric';
      if (type !== column.type) out = out.withColumn({ ...column, type } as Column);
    }
  }
  bad.sort((a, b) => a.index - b.index);
  return { frame: out, bad };
}

/** The frame without the rows at `indexes` (and the kept row numbers, from `rowNumbers` or i + 1). */
export function withoutRows(
  frame: Frame,
  indexes: readonly number[],
  rowNumbers?: ArrayLike<number>,
): { frame: Frame; rowNumbers: Int32Array } {
  const drop = new Set(indexes);
  const keep: number[] = [];
  for (let i = 0; i < frame.rowCount; i++) if (!drop.has(i)) keep.push(i);
  return {
    frame: frame.take(keep),
    rowNumbers: Int32Array.from(keep, (i) => (rowNumbers ? rowNumbers[i]! : i + 1)),
  };
}

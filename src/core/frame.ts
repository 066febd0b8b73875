import {
  type Column,
  columnFromValues,
  columnLength,
  concatColumns,
  missingCount,
  type NumberColumn,
  type Scalar,
  takeColumn,
  valueAt,
} from './column.js';
import { KeelError } from './errors.js';
import type { DataType, Field, Schema } from './schema.js';

function renameColumn(column: Column, name: string): Column {
  return { ...column, name };
}

/**
 * An immutable, columnar table shared by data ingestion, learners, feature stores and
 * serving. Numbers live in `Float64Array`s, categoricals are dictionary-encoded, text
 * is kept as strings; missing values are explicit (NaN / code -1 / null).
 *
 * Operations return new frames that share column buffers where they can.
 */
export class Frame {
  readonly columns: readonly Column[];
  readonly rowCount: number;
  private readonly byName: Map<string, Column>;

  private constructor(columns: readonly Column[], rowCount: number) {
    this.columns = columns;
    this.rowCount = rowCount;
    this.byName = new Map(columns.map((c) => [c.name, c]));
  }

  /** A frame from columns of equal length with unique names. */
  static fromColumns(columns: readonly Column[]): Frame {
    const rowCount = columns[0] ? columnLength(columns[0]) : 0;
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name)) {
        throw new KeelError('KEEL_FRAME_SHAPE_MISMATCH', `Column "${c.name}" appears twice in the frame.`, {
          details: { column: c.name },
        });
      }
      seen.add(c.name);
      const len = columnLength(c);
      if (len !== rowCount) {
        throw new KeelError(
          'KEEL_FRAME_SHAPE_MISMATCH',
          `Column "${c.name}" has ${len} rows but column "${columns[0]?.name}" has ${rowCount}.`,
          { details: { column: c.name, rows: len, expected: rowCount } },
        );
      }
    }
    return new Frame(columns, rowCount);
  }

  /** An empty frame with no columns. */
  static empty(): Frame {
    return new Frame([], 0);
  }

  /**
   * A frame from row objects. With a schema, columns follow it; without, types are inferred per
   * column: all-number → numeric, all-boolean → boolean, otherwise categorical.
   */
  static fromRecords(records: readonly Record<string, unknown>[], schema?: Schema): Frame {
    const fields: readonly Field[] = schema?.fields ?? inferFields(records);
    return Frame.fromColumns(
      fields.map((f) =>
        columnFromValues(
          f,
          records.map((r) => r[f.name]),
        ),
      ),
    );
  }

  /** The schema (names, types, nullability from the actual data). */
  get schema(): Schema {
    return {
      fields: this.columns.map((c) => ({ name: c.name, type: c.type, nullable: missingCount(c) > 0 })),
    };
  }

  /** Column names in order. */
  get names(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** True when the frame has a column named `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The column named `name`; throws `KEEL_FRAME_COLUMN_NOT_FOUND` listing the known columns. */
  column(name: string): Column {
    const c = this.byName.get(name);
    if (!c) {
      throw new KeelError(
        'KEEL_FRAME_COLUMN_NOT_FOUND',
        `No column "${name}". Columns are: ${this.names.join(', ') || '(none)'}.`,
        { details: { column: name, columns: this.names } },
      );
    }
    return c;
  }

  /** The number column named `name`; throws when it is categorical or text. */
  numberColumn(name: string): NumberColumn {
    const c = this.column(name);
    if (c.type === 'categorical' || c.type === 'text') {
      throw new KeelError('KEEL_FRAME_TYPE_MISMATCH', `Column "${name}" is ${c.type}, not a number column.`, {
        details: { column: name, type: c.type },
      });
    }
    return c;
  }

  /** A frame with only the named columns, in the given order. */
  select(names: readonly string[]): Frame {
    return new Frame(
      names.map((n) => this.column(n)),
      this.rowCount,
    );
  }

  /** A frame without the named columns (unknown names are ignored). */
  drop(names: readonly string[]): Frame {
    const set = new Set(names);
    return new Frame(
      this.columns.filter((c) => !set.has(c.name)),
      this.rowCount,
    );
  }

  /** A frame with `column` added, or replacing the column of the same name. */
  withColumn(column: Column): Frame {
    if (this.columns.length > 0 && columnLength(column) !== this.rowCount) {
      throw new KeelError(
        'KEEL_FRAME_SHAPE_MISMATCH',
        `Column "${column.name}" has ${columnLength(column)} rows, the frame has ${this.rowCount}.`,
        { details: { column: column.name } },
      );
    }
    const idx = this.columns.findIndex((c) => c.name === column.name);
    const cols = [...this.columns];
    if (idx >= 0) cols[idx] = column;
    else cols.push(column);
    return new Frame(cols, columnLength(column));
  }

  /** A frame with a column renamed. */
  rename(from: string, to: string): Frame {
    return new Frame(
      this.columns.map((c) => (c.name === from ? renameColumn(c, to) : c)),
      this.rowCount,
    );
  }

  /** The rows at `indices` (any order, repeats allowed). */
  take(indices: ArrayLike<number>): Frame {
    return new Frame(
      this.columns.map((c) => takeColumn(c, indices)),
      indices.length,
    );
  }

  /** Rows `start` (inclusive) to `end` (exclusive); shares typed-array buffers. */
  slice(start: number, end: number = this.rowCount): Frame {
    const s = Math.max(0, Math.min(start, this.rowCount));
    const e = Math.max(s, Math.min(end, this.rowCount));
    return new Frame(
      this.columns.map((c): Column => {
        if (c.type === 'categorical') return { ...c, codes: c.codes.subarray(s, e) };
        if (c.type === 'text') return { ...c, values: c.values.slice(s, e) };
        return { ...c, values: c.values.subarray(s, e) };
      }),
      e - s,
    );
  }

  /** The rows where `mask[i]` is truthy. */
  filter(mask: ArrayLike<number | boolean>): Frame {
    const idx: number[] = [];
    for (let i = 0; i < this.rowCount; i++) if (mask[i]) idx.push(i);
    return this.take(idx);
  }

  /** Row `i` as an object of scalars. */
  row(i: number): Record<string, Scalar> {
    const out: Record<string, Scalar> = {};
    for (const c of this.columns) out[c.name] = valueAt(c, i);
    return out;
  }

  /** Every row as an object of scalars (timestamps as epoch ms). */
  toRecords(): Record<string, Scalar>[] {
    const out = new Array<Record<string, Scalar>>(this.rowCount);
    for (let i = 0; i < this.rowCount; i++) out[i] = this.row(i);
    return out;
  }

  /** Concatenates frames with the same column names and types (categorical levels are merged). */
  static concat(frames: readonly Frame[]): Frame {
    const first = frames[0];
    if (!first) return Frame.empty();
    if (frames.length === 1) return first;
    return Frame.fromColumns(first.columns.map((c) => concatColumns(frames.map((f) => f.column(c.name)))));
  }
}

function inferFields(records: readonly Record<string, unknown>[]): Field[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names.map((name) => {
    let allNumber = true;
    let allBoolean = true;
    let nullable = false;
    for (const r of records) {
      const v = r[name];
      if (v === null || v === undefined) {
        nullable = true;
        continue;
      }
      if (typeof v !== 'number') allNumber = false;
      if (typeof v !== 'boolean') allBoolean = false;
    }
    const type: DataType = allBoolean && !allNumber ? 'boolean' : allNumber ? 'numeric' : 'categorical';
    return { name, type, nullable };
  });
}

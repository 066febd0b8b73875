import { KeelError } from './errors.js';
import { type DataType, type Field, isNumberType, type Schema } from './schema.js';

/**
 * A numeric-valued column: `numeric`, `integer`, `boolean` (0/1) or `timestamp`
 * (epoch ms, UTC). Missing values are `NaN`; no other NaN is ever stored.
 */
export interface NumberColumn {
  readonly name: string;
  readonly type: 'numeric' | 'integer' | 'boolean' | 'timestamp';
  readonly values: Float64Array;
}

/**
 * A dictionary-encoded column: `codes[i]` indexes `levels`, `-1` is missing.
 * Levels are unique; their order is the order of first appearance unless stated otherwise.
 */
export interface CategoricalColumn {
  readonly name: string;
  readonly type: 'categorical';
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

/** A free-text column; `null` is missing. */
export interface TextColumn {
  readonly name: string;
  readonly type: 'text';
  readonly values: readonly (string | null)[];
}

/** One column of a `Frame`. */
export type Column = NumberColumn | CategoricalColumn | TextColumn;

/** A scalar read out of a frame: numbers, booleans, strings; timestamps as epoch ms; missing as null. */
export type Scalar = number | string | boolean | null;

/** The number of rows in a column. */
export function columnLength(column: Column): number {
  return column.type === 'categorical' ? column.codes.length : column.values.length;
}

/** True when row `i` of `column` is missing. */
export function isMissingAt(column: Column, i: number): boolean {
  if (column.type === 'categorical') return column.codes[i]! < 0;
  if (column.type === 'text') return column.values[i] === null;
  return Number.isNaN(column.values[i]!);
}

/** Row `i` of `column` as a scalar (booleans as true/false, missing as null). */
export function valueAt(column: Column, i: number): Scalar {
  switch (column.type) {
    case 'categorical': {
      const code = column.codes[i]!;
      return code < 0 ? null : column.levels[code]!;
    }
    case 'text':
      return column.values[i] ?? null;
    default: {
      const v = column.values[i]!;
      if (Number.isNaN(v)) return null;
      return column.type === 'boolean' ? v !== 0 : v;
    }
  }
}

/** Counts missing values in a column. */
export function missingCount(column: Column): number {
  let n = 0;
  const len = columnLength(column);
  for (let i = 0; i < len; i++) if (isMissingAt(column, i)) n++;
  return n;
}

/** Builds a number column; `values` may contain `null`/`undefined` for missing. */
export function numberColumn(
  name: string,
  values: ArrayLike<number | null | undefined> | Float64Array,
  type: NumberColumn['type'] = 'numeric',
): NumberColumn {
  if (values instanceof Float64Array) return { name, type, values };
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? Number.NaN : v;
  }
  return { name, type, values: out };
}

/** Builds a categorical column by dictionary-encoding strings (`null`/`undefined` = missing). */
export function categoricalColumn(
  name: string,
  values: ArrayLike<string | null | undefined>,
  levels?: readonly string[],
): CategoricalColumn {
  const index = new Map<string, number>();
  const outLevels: string[] = [];
  if (levels) {
    for (const l of levels) {
      if (!index.has(l)) {
        index.set(l, outLevels.length);
        outLevels.push(l);
      }
    }
  }
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = outLevels.length;
      index.set(v, code);
      outLevels.push(v);
    }
    codes[i] = code;
  }
  return { name, type: 'categorical', codes, levels: outLevels };
}

/** Builds a text column (`undefined` becomes null). */
export function textColumn(name: string, values: ArrayLike<string | null | undefined>): TextColumn {
  return { name, type: 'text', values: Array.from(values, (v) => v ?? null) };
}

function takeColumn(column: Column, indices: ArrayLike<number>): Column {
  const n = indices.length;
  if (column.type === 'categorical') {
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = column.codes[indices[i]!]!;
    return { ...column, codes };
  }
  if (column.type === 'text') {
    const values = new Array<string | null>(n);
    for (let i = 0; i < n; i++) values[i] = column.values[indices[i]!] ?? null;
    return { ...column, values };
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = column.values[indices[i]!]!;
  return { ...column, values };
}

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

function concatColumns(parts: readonly Column[]): Column {
  const head = parts[0]!;
  const total = parts.reduce((n, p) => n + columnLength(p), 0);
  for (const p of parts) {
    if (p.type !== head.type) {
      throw new KeelError(
        'KEEL_FRAME_TYPE_MISMATCH',
        `Column "${head.name}" is ${head.type} in one frame and ${p.type} in another.`,
        { details: { column: head.name } },
      );
    }
  }
  if (head.type === 'categorical') {
    const index = new Map<string, number>();
    const levels: string[] = [];
    const codes = new Int32Array(total);
    let o = 0;
    for (const p of parts as CategoricalColumn[]) {
      const remap = p.levels.map((l) => {
        let code = index.get(l);
        if (code === undefined) {
          code = levels.length;
          index.set(l, code);
          levels.push(l);
        }
        return code;
      });
      for (let i = 0; i < p.codes.length; i++) {
        const c = p.codes[i]!;
        codes[o++] = c < 0 ? -1 : remap[c]!;
      }
    }
    return { name: head.name, type: 'categorical', codes, levels };
  }
  if (head.type === 'text') {
    return { name: head.name, type: 'text', values: (parts as TextColumn[]).flatMap((p) => p.values) };
  }
  const values = new Float64Array(total);
  let o = 0;
  for (const p of parts as NumberColumn[]) {
    values.set(p.values, o);
    o += p.values.length;
  }
  return { name: head.name, type: head.type, values };
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

/** Builds a column of `field`'s type from JS values; throws `KEEL_DATA_TYPE_ERROR` naming the row on a bad value. */
export function columnFromValues(field: Field, values: readonly unknown[]): Column {
  if (field.type === 'categorical') {
    return categoricalColumn(
      field.name,
      values.map((v) => (v === null || v === undefined ? null : String(v))),
    );
  }
  if (field.type === 'text') {
    return textColumn(
      field.name,
      values.map((v) => (v === null || v === undefined ? null : String(v))),
    );
  }
  if (!isNumberType(field.type)) throw new KeelError('KEEL_INTERNAL', `Unhandled type ${field.type}`);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = toNumber(values[i], field, i);
  }
  return { name: field.name, type: field.type, values: out };
}

function toNumber(v: unknown, field: Field, row: number): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (field.type === 'timestamp' && typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  throw new KeelError(
    'KEEL_DATA_TYPE_ERROR',
    `Row ${row}, column "${field.name}": ${JSON.stringify(v)} is not a valid ${field.type}.`,
    { details: { row, column: field.name, value: String(v), type: field.type } },
  );
}

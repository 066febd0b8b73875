import { KeelError } from './errors.js';
import { type Field, isNumberType } from './schema.js';

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

export function takeColumn(column: Column, indices: ArrayLike<number>): Column {
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

/** Concatenates columns of the same name and type (categorical levels are merged). */
export function concatColumns(parts: readonly Column[]): Column {
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

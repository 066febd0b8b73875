import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBDataChunk,
  type DuckDBType,
  DuckDBTypeId,
  ENUM,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import type * as duckdb from '@duckdb/node-bindings';
import type { Column, Frame } from '../../../core/index.js';
import { bindings } from './bindings.js';

/** Rows per DuckDB vector: the most one data chunk holds. */
export const VECTOR_SIZE = 2048;
const TWO_32 = 4294967296;
/** DuckDB's enum index width is chosen by member count; above this the index is 32-bit. */
const MAX_ENUM_LEVELS = 65_535;

/**
 * The DuckDB type a frame column is written as: numeric → DOUBLE, integer → BIGINT,
 * boolean → BOOLEAN, timestamp → TIMESTAMPTZ (UTC), categorical → ENUM of its levels
 * (VARCHAR when it has none or very many), text → VARCHAR.
 */
export function duckdbTypeOf(column: Column): DuckDBType {
  switch (column.type) {
    case 'numeric':
      return DOUBLE;
    case 'integer':
      return BIGINT;
    case 'boolean':
      return BOOLEAN;
    case 'timestamp':
      return TIMESTAMPTZ;
    case 'categorical':
      return column.levels.length === 0 || column.levels.length > MAX_ENUM_LEVELS
        ? VARCHAR
        : ENUM(column.levels);
    default:
      return VARCHAR;
  }
}

function validityMask(rows: number): Uint8Array {
  return new Uint8Array(Math.ceil(rows / 64) * 8).fill(0xff);
}

function copyValidity(vector: duckdb.Vector, mask: Uint8Array): void {
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(
    vector,
    0,
    mask.buffer as ArrayBuffer,
    mask.byteOffset,
    mask.byteLength,
  );
}

function writeNumbers(
  vector: duckdb.Vector,
  type: DuckDBType,
  values: Float64Array,
  from: number,
  to: number,
): void {
  const rows = to - from;
  const mask = validityMask(rows);
  let missing = false;
  let data: Float64Array | Int32Array | Uint8Array;
  if (type.typeId === DuckDBTypeId.DOUBLE) {
    data = values.slice(from, to);
  } else if (type.typeId === DuckDBTypeId.BOOLEAN) {
    data = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) data[i] = values[from + i]! !== 0 ? 1 : 0;
  } else {
    // BIGINT or TIMESTAMPTZ (microseconds): split each value into two 32-bit halves.
    const micros = type.typeId === DuckDBTypeId.TIMESTAMP_TZ;
    data = new Int32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const x = values[from + i]!;
      if (Number.isNaN(x)) continue;
      const v = micros ? Math.round(x * 1000) : Math.trunc(x);
      const hi = Math.floor(v / TWO_32);
      data[2 * i] = (v - hi * TWO_32) | 0;
      data[2 * i + 1] = hi | 0;
    }
  }
  for (let i = 0; i < rows; i++) {
    if (Number.isNaN(values[from + i]!)) {
      mask[i >> 3]! &= ~(1 << (i & 7));
      missing = true;
    }
  }
  bindings.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  if (missing) copyValidity(vector, mask);
}

function writeEnum(
  vector: duckdb.Vector,
  width: DuckDBTypeId,
  codes: Int32Array,
  from: number,
  to: number,
): void {
  const rows = to - from;
  const mask = validityMask(rows);
  let missing = false;
  const data =
    width === DuckDBTypeId.UTINYINT
      ? new Uint8Array(rows)
      : width === DuckDBTypeId.USMALLINT
        ? new Uint16Array(rows)
        : new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = codes[from + i]!;
    if (c < 0) {
      mask[i >> 3]! &= ~(1 << (i & 7));
      missing = true;
    } else data[i] = c;
  }
  bindings.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  if (missing) copyValidity(vector, mask);
}

function writeStrings(
  vector: duckdb.Vector,
  value: (i: number) => string | null,
  from: number,
  to: number,
): void {
  const rows = to - from;
  const mask = validityMask(rows);
  let missing = false;
  for (let i = 0; i < rows; i++) {
    const s = value(from + i);
    if (s === null) {
      mask[i >> 3]! &= ~(1 << (i & 7));
      missing = true;
    } else bindings.vector_assign_string_element(vector, i, s);
  }
  if (missing) copyValidity(vector, mask);
}

/**
 * Fills `chunk` (created with `duckdbTypeOf` of each column) with rows `[from, to)` of `frame`,
 * copying number buffers straight into the vectors. `to - from` must not exceed the vector size.
 */
export function fillChunk(
  chunk: DuckDBDataChunk,
  types: readonly DuckDBType[],
  frame: Frame,
  from: number,
  to: number,
): void {
  chunk.rowCount = to - from;
  frame.columns.forEach((column, j) => {
    const vector = bindings.data_chunk_get_vector(chunk.chunk, j);
    const type = types[j]!;
    if (column.type === 'categorical') {
      if (type.typeId === DuckDBTypeId.ENUM) writeEnum(vector, type.internalTypeId, column.codes, from, to);
      else
        writeStrings(
          vector,
          (i) => (column.codes[i]! < 0 ? null : column.levels[column.codes[i]!]!),
          from,
          to,
        );
    } else if (column.type === 'text') {
      writeStrings(vector, (i) => column.values[i] ?? null, from, to);
    } else {
      writeNumbers(vector, type, column.values, from, to);
    }
  });
}

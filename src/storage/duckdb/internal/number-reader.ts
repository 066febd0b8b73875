import { DuckDBTypeId } from '@duckdb/node-api';
import type * as duckdb from '@duckdb/node-bindings';
import { bindings, dataOf, isValid, validityOf } from './bindings.js';

const TWO_32 = 4294967296;
const MS_PER_DAY = 86_400_000;

/** How a DuckDB number-like type is laid out and scaled to a float64 (timestamps to epoch ms). */
export interface NumberLayout {
  /** Bytes per item. */
  readonly width: 1 | 2 | 4 | 8;
  readonly kind: 'f64' | 'f32' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64';
  /** Multiply the stored value by this (days or seconds to ms). */
  readonly factor: number;
  /** Then divide by this (micro/nanoseconds to ms, decimal scale); division keeps results correctly rounded. */
  readonly divisor: number;
}

/** The layout of a DuckDB type read as a number, or undefined when it is not one. */
export function numberLayout(
  typeId: DuckDBTypeId,
  decimal?: { width: number; scale: number },
): NumberLayout | undefined {
  switch (typeId) {
    case DuckDBTypeId.DOUBLE:
      return { width: 8, kind: 'f64', factor: 1, divisor: 1 };
    case DuckDBTypeId.FLOAT:
      return { width: 4, kind: 'f32', factor: 1, divisor: 1 };
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.UTINYINT:
      return { width: 1, kind: 'u8', factor: 1, divisor: 1 };
    case DuckDBTypeId.TINYINT:
      return { width: 1, kind: 'i8', factor: 1, divisor: 1 };
    case DuckDBTypeId.SMALLINT:
      return { width: 2, kind: 'i16', factor: 1, divisor: 1 };
    case DuckDBTypeId.USMALLINT:
      return { width: 2, kind: 'u16', factor: 1, divisor: 1 };
    case DuckDBTypeId.INTEGER:
      return { width: 4, kind: 'i32', factor: 1, divisor: 1 };
    case DuckDBTypeId.UINTEGER:
      return { width: 4, kind: 'u32', factor: 1, divisor: 1 };
    case DuckDBTypeId.BIGINT:
      return { width: 8, kind: 'i64', factor: 1, divisor: 1 };
    case DuckDBTypeId.UBIGINT:
      return { width: 8, kind: 'u64', factor: 1, divisor: 1 };
    case DuckDBTypeId.DATE:
      return { width: 4, kind: 'i32', factor: MS_PER_DAY, divisor: 1 };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { width: 8, kind: 'i64', factor: 1, divisor: 1000 };
    case DuckDBTypeId.TIMESTAMP_S:
      return { width: 8, kind: 'i64', factor: 1000, divisor: 1 };
    case DuckDBTypeId.TIMESTAMP_MS:
      return { width: 8, kind: 'i64', factor: 1, divisor: 1 };
    case DuckDBTypeId.TIMESTAMP_NS:
      return { width: 8, kind: 'i64', factor: 1, divisor: 1e6 };
    case DuckDBTypeId.DECIMAL: {
      if (!decimal || decimal.width > 18) return undefined;
      const divisor = 10 ** decimal.scale;
      if (decimal.width <= 4) return { width: 2, kind: 'i16', factor: 1, divisor };
      if (decimal.width <= 9) return { width: 4, kind: 'i32', factor: 1, divisor };
      return { width: 8, kind: 'i64', factor: 1, divisor };
    }
    default:
      return undefined;
  }
}

function view(layout: NumberLayout, bytes: Uint8Array, rows: number): ArrayLike<number> {
  const { buffer, byteOffset } = bytes;
  switch (layout.kind) {
    case 'f64':
      return new Float64Array(buffer, byteOffset, rows);
    case 'f32':
      return new Float32Array(buffer, byteOffset, rows);
    case 'i8':
      return new Int8Array(buffer, byteOffset, rows);
    case 'u8':
      return new Uint8Array(buffer, byteOffset, rows);
    case 'i16':
      return new Int16Array(buffer, byteOffset, rows);
    case 'u16':
      return new Uint16Array(buffer, byteOffset, rows);
    case 'i32':
      return new Int32Array(buffer, byteOffset, rows);
    default:
      return new Uint32Array(buffer, byteOffset, rows);
  }
}

/**
 * Copies rows `[from, to)` of a number-like vector into `out` at `at`, as float64 with
 * missing values as NaN. 64-bit integers are rebuilt from their two 32-bit halves, which is
 * exact up to 2^53 and allocates nothing (no BigInt per value).
 */
export function readNumbers(
  vector: duckdb.Vector,
  chunkRows: number,
  layout: NumberLayout,
  from: number,
  to: number,
  out: Float64Array,
  at: number,
): void {
  const bytes = dataOf(vector, chunkRows, layout.width);
  const validity = validityOf(vector, chunkRows);
  const { factor, divisor } = layout;
  const exact = factor === 1 && divisor === 1;
  if (layout.kind === 'i64' || layout.kind === 'u64') {
    const words = new Int32Array(bytes.buffer, bytes.byteOffset, chunkRows * 2);
    const signed = layout.kind === 'i64';
    for (let i = from, o = at; i < to; i++, o++) {
      const lo = words[2 * i]! >>> 0;
      const hi = words[2 * i + 1]!;
      const v = (signed ? hi : hi >>> 0) * TWO_32 + lo;
      out[o] = exact ? v : (v * factor) / divisor;
    }
  } else if (layout.kind === 'f64') {
    out.set(new Float64Array(bytes.buffer, bytes.byteOffset, chunkRows).subarray(from, to), at);
    // DuckDB doubles may hold NaN; Keel reserves NaN for missing, which it is read as.
  } else {
    const items = view(layout, bytes, chunkRows);
    for (let i = from, o = at; i < to; i++, o++) out[o] = exact ? items[i]! : (items[i]! * factor) / divisor;
  }
  if (validity !== null) {
    for (let i = from, o = at; i < to; i++, o++) if (!isValid(validity, i)) out[o] = Number.NaN;
  }
}

/** The raw vector `j` of a data chunk. */
export function vectorAt(chunk: duckdb.DataChunk, j: number): duckdb.Vector {
  return bindings.data_chunk_get_vector(chunk, j);
}

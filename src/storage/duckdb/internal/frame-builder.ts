import { type DuckDBDataChunk, type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import {
  type Column,
  type DataType,
  Frame,
  isNumberType,
  KeelError,
  type NumberColumn,
} from '../../../core/index.js';
import type { FrameConversionOptions } from '../frame-options.js';
import { type NumberLayout, numberLayout, readNumbers, vectorAt } from './number-reader.js';
import { StringDictionary } from './string-dictionary.js';
import { readEnum, readVarchar } from './string-reader.js';

type NumberType = NumberColumn['type'];

function defaultNumberType(typeId: DuckDBTypeId): NumberType | undefined {
  switch (typeId) {
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.SQLNULL:
      return 'numeric';
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.DATE:
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return 'integer';
    default:
      return undefined;
  }
}

function grown<T extends Float64Array | Int32Array>(array: T, capacity: number): T {
  if (array.length >= capacity) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(capacity, array.length * 2));
  next.set(array);
  return next;
}

/** One frame column to build: its name and DuckDB type, where it sits in the chunks, and its hash column. */
export interface BuilderColumn {
  readonly name: string;
  readonly type: DuckDBType;
  /** Index of the column in each data chunk. */
  readonly index: number;
  /** Index of a UBIGINT `hash()` of a VARCHAR column, which speeds up long strings (see `readVarchar`). */
  readonly hashIndex?: number;
}

interface Accumulator {
  ensure(capacity: number): void;
  append(chunk: DuckDBDataChunk, from: number, to: number, at: number): void;
  finish(rows: number, options: FrameConversionOptions): Column;
}

class NumberAccumulator implements Accumulator {
  private values: Float64Array;
  constructor(
    private readonly name: string,
    private readonly index: number,
    private readonly type: NumberType,
    private readonly layout: NumberLayout | undefined,
    capacity: number,
  ) {
    this.values = new Float64Array(capacity);
  }
  ensure(capacity: number): void {
    this.values = grown(this.values, capacity);
  }
  append(chunk: DuckDBDataChunk, from: number, to: number, at: number): void {
    if (this.layout) {
      readNumbers(vectorAt(chunk.chunk, this.index), chunk.rowCount, this.layout, from, to, this.values, at);
      return;
    }
    // Rare wide types (HUGEINT, DECIMAL(38,x), NULL): through the value API.
    const vector = chunk.getColumnVector(this.index);
    for (let i = from, o = at; i < to; i++, o++) {
      const v = vector.getItem(i);
      this.values[o] = v === null ? Number.NaN : Number(String(v));
    }
  }
  finish(rows: number): Column {
    return { name: this.name, type: this.type, values: this.values.subarray(0, rows) };
  }
}

class StringAccumulator implements Accumulator {
  private codes: Int32Array;
  private readonly dictionary = new StringDictionary();
  private readonly remap: Int32Array | undefined;
  private readonly name: string;
  private readonly type: DuckDBType;
  constructor(
    private readonly column: BuilderColumn,
    private readonly declared: 'categorical' | 'text' | undefined,
    capacity: number,
  ) {
    this.name = column.name;
    this.type = column.type;
    this.codes = new Int32Array(capacity);
    const type = column.type;
    if (type.typeId === DuckDBTypeId.ENUM) this.remap = new Int32Array(type.values.length).fill(-1);
  }
  ensure(capacity: number): void {
    this.codes = grown(this.codes, capacity);
  }
  append(chunk: DuckDBDataChunk, from: number, to: number, at: number): void {
    const type = this.type;
    const j = this.column.index;
    if (type.typeId === DuckDBTypeId.VARCHAR) {
      const hashes =
        this.column.hashIndex === undefined ? null : vectorAt(chunk.chunk, this.column.hashIndex);
      readVarchar(
        vectorAt(chunk.chunk, j),
        hashes,
        chunk.rowCount,
        from,
        to,
        this.dictionary,
        this.codes,
        at,
      );
    } else if (type.typeId === DuckDBTypeId.ENUM) {
      const width =
        type.internalTypeId === DuckDBTypeId.UTINYINT
          ? 1
          : type.internalTypeId === DuckDBTypeId.USMALLINT
            ? 2
            : 4;
      readEnum(
        vectorAt(chunk.chunk, j),
        chunk.rowCount,
        width,
        type.values,
        this.remap!,
        from,
        to,
        this.dictionary,
        this.codes,
        at,
      );
    } else {
      const vector = chunk.getColumnVector(j);
      for (let i = from, o = at; i < to; i++, o++) {
        const v = vector.getItem(i);
        this.codes[o] = v === null ? -1 : this.dictionary.stringId(String(v));
      }
    }
  }
  finish(rows: number, options: FrameConversionOptions): Column {
    const codes = this.codes.subarray(0, rows);
    const levels = this.dictionary.levels;
    let nonMissing = 0;
    for (let i = 0; i < rows; i++) if (codes[i]! >= 0) nonMissing++;
    const plain = this.type.typeId === DuckDBTypeId.VARCHAR || this.type.typeId === DuckDBTypeId.ENUM;
    const kind =
      this.declared ??
      (plain
        ? (options.stringType?.({ name: this.name, rows, nonMissing, distinct: levels.length }) ??
          'categorical')
        : 'text');
    if (kind === 'categorical') return { name: this.name, type: 'categorical', codes, levels };
    const values = new Array<string | null>(rows);
    for (let i = 0; i < rows; i++) {
      const c = codes[i]!;
      values[i] = c < 0 ? null : levels[c]!;
    }
    return { name: this.name, type: 'text', values };
  }
}

function accumulatorFor(
  column: BuilderColumn,
  declared: DataType | undefined,
  capacity: number,
): Accumulator {
  const { name, type } = column;
  const numberType = defaultNumberType(type.typeId);
  if (numberType !== undefined) {
    if (declared !== undefined && !isNumberType(declared)) {
      throw new KeelError(
        'KEEL_FRAME_TYPE_MISMATCH',
        `Column "${name}" is ${type.toString()} in DuckDB and cannot be read as ${declared}; CAST it in the query.`,
        { details: { column: name, duckdbType: type.toString(), declared } },
      );
    }
    const layout =
      type.typeId === DuckDBTypeId.DECIMAL ? numberLayout(type.typeId, type) : numberLayout(type.typeId);
    return new NumberAccumulator(name, column.index, declared ?? numberType, layout, capacity);
  }
  if (declared !== undefined && declared !== 'categorical' && declared !== 'text') {
    throw new KeelError(
      'KEEL_FRAME_TYPE_MISMATCH',
      `Column "${name}" is ${type.toString()} in DuckDB and cannot be read as ${declared}; CAST it in the query.`,
      { details: { column: name, duckdbType: type.toString(), declared } },
    );
  }
  return new StringAccumulator(column, declared, capacity);
}

/**
 * Builds a `Frame` from DuckDB data chunks column by column: numbers are copied out of the
 * vectors' memory into `Float64Array`s, strings are dictionary-encoded on their raw bytes.
 * No row objects and no per-value `DuckDBValue`s on the common types.
 */
export class FrameBuilder {
  private readonly accumulators: Accumulator[];
  private capacity: number;
  /** Rows appended so far. */
  rows = 0;

  constructor(
    columns: readonly BuilderColumn[],
    private readonly options: FrameConversionOptions,
    capacity: number,
  ) {
    this.capacity = Math.max(capacity, 1);
    this.accumulators = columns.map((c) => accumulatorFor(c, options.types?.[c.name], this.capacity));
  }

  /** Appends rows `[from, to)` of a chunk (default: all of it). */
  append(chunk: DuckDBDataChunk, from = 0, to = chunk.rowCount): void {
    const needed = this.rows + (to - from);
    if (needed > this.capacity) {
      this.capacity = Math.max(needed, this.capacity * 2);
      for (const a of this.accumulators) a.ensure(this.capacity);
    }
    for (const a of this.accumulators) a.append(chunk, from, to, this.rows);
    this.rows = needed;
  }

  /** The frame of every row appended (string columns are typed now, with all rows seen). */
  finish(): Frame {
    if (this.accumulators.length === 0) return Frame.empty();
    return Frame.fromColumns(this.accumulators.map((a) => a.finish(this.rows, this.options)));
  }
}

import type { DataType } from '../../core/index.js';

/** What is known about a string column when deciding whether it is categorical or text. */
export interface StringColumnStats {
  readonly name: string;
  /** Rows in the frame (or batch) being built. */
  readonly rows: number;
  /** Rows with a value. */
  readonly nonMissing: number;
  /** Distinct values among them. */
  readonly distinct: number;
}

/**
 * How DuckDB result columns become `Frame` columns.
 *
 * DuckDB types map to Keel types as: DOUBLE/FLOAT/DECIMAL → numeric; (U)TINYINT…(U)HUGEINT →
 * integer; BOOLEAN → boolean; DATE and every TIMESTAMP flavour → timestamp (epoch ms UTC);
 * VARCHAR/ENUM → categorical or text (see `stringType`); anything else (TIME, UUID, LIST…) → text
 * holding DuckDB's rendering of the value.
 */
export interface FrameConversionOptions {
  /**
   * Keel types by column name, overriding the mapping. A number column may be relabelled as another
   * number type (e.g. integer → boolean); a string column as categorical or text. Anything else
   * needs a CAST in the SQL and fails with `KEEL_FRAME_TYPE_MISMATCH`.
   */
  readonly types?: Readonly<Record<string, DataType>>;
  /** Decides categorical vs text for string columns without a declared type (default: categorical). */
  readonly stringType?: (stats: StringColumnStats) => 'categorical' | 'text';
  /** Called after each chunk with the rows converted so far. */
  readonly onRows?: (rows: number) => void;
}

/** Options for streaming a query as frames. */
export interface StreamFrameOptions extends FrameConversionOptions {
  /** Rows per yielded frame (the last may be shorter). Default 65,536. */
  readonly batchRows?: number;
}

/** How `DuckDBSession.writeTable` treats an existing table. */
export interface WriteTableOptions {
  /** `create` fails if the table exists, `replace` drops it first, `append` adds rows (default `create`). */
  readonly mode?: 'create' | 'replace' | 'append';
  /** Create a connection-local temporary table (default false). */
  readonly temporary?: boolean;
}

import type { DataType, Frame } from '../core/index.js';
import type { DuckDBEngine } from '../storage/index.js';
import type { DataSource } from './source.js';

/** Progress of a read: `scan` while DuckDB parses (percent known), `convert` while rows become a frame. */
export interface ReadProgress {
  readonly phase: 'scan' | 'convert';
  /** Percent of the scan done (0-100, -1 when unknown) or rows converted so far. */
  readonly done: number;
  /** 100 for `scan`; total rows for `convert` when known, else 0. */
  readonly total: number;
}

/** Options for `readFrame`, `readTable` and `readBatches`. */
export interface ReadOptions {
  /**
   * Declared column types. They override inference and are enforced: a value that does not fit
   * fails the read with `KEEL_DATA_TYPE_ERROR` naming the file, line and column (or is counted as
   * a bad row with `badRows: 'skip'`).
   */
  readonly types?: Readonly<Record<string, DataType>>;
  /** Read only these columns, in this order (default: all, in file order). */
  readonly columns?: readonly string[];
  /** CSV field separator (default `,`, or a tab for `.tsv`). */
  readonly delimiter?: string;
  /** CSV: whether line 1 holds column names (default true; without, columns are named column0, column1...). */
  readonly header?: boolean;
  /** CSV: strings read as missing (default: only the empty field). */
  readonly nullValues?: readonly string[];
  /** Read at most this many rows. */
  readonly limit?: number;
  /**
   * Rows that cannot be parsed (wrong number of fields, unterminated quote, a value that does not
   * fit a declared type): `fail` (default) throws on the first, naming file, line and column, and
   * saying how many there are; `skip` leaves them out of the frame and lists them in
   * `ReadResult.badRows`. They are never dropped silently.
   */
  readonly badRows?: 'fail' | 'skip';
  /** PostgreSQL sources: the table to read (or give `query`, or `?table=` in the URL). */
  readonly table?: string;
  /** PostgreSQL sources: the query to read. */
  readonly query?: string;
  /** Base folder for relative file paths (default: the process's working directory). */
  readonly cwd?: string;
  /** Engine to read with (default: a private in-memory engine, closed after the read). */
  readonly engine?: DuckDBEngine;
  /** Called as the read advances (see `ReadProgress`). */
  readonly onProgress?: (progress: ReadProgress) => void;
}

/** A row left out of a read, with where and why. */
export interface BadRow {
  /** 1-based line in the file (header = line 1), or the row number for sources without lines. */
  readonly line: number;
  /** The column at fault, when known. */
  readonly column: string | null;
  /** DuckDB's error class: `TOO MANY COLUMNS`, `MISSING COLUMNS`, `UNQUOTED VALUE`, `CAST`, `INVALID JSON`... */
  readonly kind: string;
  /** What was wrong, for humans. */
  readonly message: string;
  /** The offending line as read (truncated to 200 characters), when known. */
  readonly text: string | null;
}

/** Every bad row of a read: the count and the first ones in detail. */
export interface BadRowReport {
  readonly count: number;
  /** Up to 100, in file order. */
  readonly rows: readonly BadRow[];
}

/** The outcome of `readTable`. */
export interface ReadResult {
  readonly frame: Frame;
  readonly source: DataSource;
  /** Rows left out (always empty with `badRows: 'fail'`, which throws instead). */
  readonly badRows: BadRowReport;
  /**
   * 1-based data-row number in the source of each frame row, set only when rows were left out
   * (otherwise frame row i is data row i + 1). For CSV it counts records after the header.
   */
  readonly rowNumbers?: Int32Array;
}

/** Options for `readBatches`. */
export interface ReadBatchesOptions extends ReadOptions {
  /** Rows per batch (the last may be shorter). Default 65,536. */
  readonly batchRows?: number;
  /** Rows read up front to type string columns consistently across batches (default 100,000). */
  readonly sampleRows?: number;
  /** With `badRows: 'skip'`: called once the last batch is read, with every row left out. */
  readonly onBadRows?: (report: BadRowReport) => void;
}

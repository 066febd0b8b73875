import type { Frame } from '../../core/index.js';

/**
 * The offline store: historical feature rows, point-in-time training sets, the latest rows for
 * materialisation, and the append-only log that push and stream ingestion write to.
 *
 * The contract speaks of tables and columns, never of SQL: the embedded backend is DuckDB; a
 * PostgreSQL backend implements the same methods with its own join. Sources are read with the
 * declared types (`OfflineValueType`), so every backend gives the same values. Time is epoch ms UTC.
 */

/** Value types of offline columns. `int64` is exact up to 2^53; timestamps are epoch ms UTC in frames. */
export type OfflineValueType = 'int64' | 'float64' | 'string' | 'bool' | 'timestamp';

/** Where source rows live, as the store reads them. */
export type OfflineTable =
  /** A file the store reads itself (only formats listed in `capabilities.nativeFormats`). */
  | { readonly kind: 'file'; readonly format: 'parquet' | 'csv' | 'jsonl'; readonly path: string }
  /** Rows handed to the store with `stage` (for sources it cannot read natively). */
  | { readonly kind: 'staged'; readonly id: string }
  /** The store's own append-only log written by `appendLog` (absent logs read as empty). */
  | { readonly kind: 'log'; readonly name: string };

/** A source: the union of its tables (e.g. a batch file plus a push log), with its time columns. */
export interface OfflineSource {
  readonly tables: readonly OfflineTable[];
  /** Column holding each row's event time. Rows whose event time is null never match. */
  readonly timestampColumn: string;
  /** Column holding the created time (the tie-breaker), if the source has one. */
  readonly createdTimestampColumn?: string;
}

/** A column read from a source, cast to `type`, and named `name` in the output. */
export interface OfflineColumn {
  /** Output column name. */
  readonly name: string;
  /** Column in the source. */
  readonly column: string;
  readonly type: OfflineValueType;
}

/** One feature view of a point-in-time join. */
export interface PointInTimeView {
  /** The view's name (for messages). */
  readonly name: string;
  readonly source: OfflineSource;
  /** Join keys: `name` is the entity-row column, `column` the source column (same values, same type). */
  readonly joinKeys: readonly OfflineColumn[];
  /** Features to return, named by `name` in the output. */
  readonly features: readonly OfflineColumn[];
  /** Look-back bound in ms: rows older than the entity time minus this never match. Null = unbounded. */
  readonly ttlMs: number | null;
}

/** A point-in-time join request. */
export interface PointInTimeRequest {
  /** The entity rows: join-key columns plus a timestamp column (epoch ms, no missing values). */
  readonly entities: Frame;
  /** The entity rows' timestamp column. */
  readonly timestampColumn: string;
  readonly views: readonly PointInTimeView[];
}

/** A request for the latest row of every entity of a source within a time range (materialisation). */
export interface LatestRowsRequest {
  readonly source: OfflineSource;
  /** Join-key columns (output names are the key names). */
  readonly joinKeys: readonly OfflineColumn[];
  readonly features: readonly OfflineColumn[];
  /** Inclusive range of event times, epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  /** Entities per partition: the rows are pulled in entity-hash partitions of about this many source rows (default 1,000,000). */
  readonly partitionRows?: number;
  /** Rows per yielded frame (default 65,536). */
  readonly batchRows?: number;
}

/** One frame of `pullLatest` output and where it stands. */
export interface LatestRowsBatch {
  /**
   * Key columns, feature columns, then `event_timestamp` and `created_timestamp` (timestamps;
   * created is missing when the source has none). One row per entity, never repeated across batches;
   * within a partition, rows come in join-key order.
   */
  readonly frame: Frame;
  /** 0-based partition this frame belongs to, and how many partitions there are. */
  readonly partition: number;
  readonly partitions: number;
  /** Source rows in the range, counted before the pull (the work to do). */
  readonly sourceRows: number;
}

/** What an offline backend can do, as data. */
export interface OfflineCapabilities {
  /** File formats `OfflineTable` `file` entries may use; other sources are read by the caller and `stage`d. */
  readonly nativeFormats: readonly ('parquet' | 'csv' | 'jsonl')[];
  /** Whether the append-only log survives the process (a folder or database) or lives in memory. */
  readonly durableLog: boolean;
}

/** Historical feature rows and point-in-time joins (see the module doc). */
export interface OfflineStore {
  readonly backend: string;
  readonly capabilities: OfflineCapabilities;
  /**
   * The point-in-time join: for every entity row and view, the source row with equal join keys and
   * the largest event time ≤ the entity time (and ≥ entity time − TTL, both inclusive), ties broken
   * by the largest created time (missing ranks lowest). Returns one frame with one row per entity
   * row, in input order (duplicates kept), holding only the feature columns of every view in
   * request order, missing where nothing matched. Fails with `KEEL_FEATURE_BAD_VALUE` when a
   * source value cannot be read as its declared type.
   */
  getHistoricalFeatures(request: PointInTimeRequest): Promise<Frame>;
  /**
   * The latest row (largest event time, then created time) of every entity whose rows fall in
   * [startMs, endMs], streamed partition by partition so memory stays flat as sources grow.
   */
  pullLatest(request: LatestRowsRequest): AsyncGenerator<LatestRowsBatch>;
  /** Source rows with event time in [startMs, endMs] (both inclusive). */
  countRows(source: OfflineSource, startMs: number, endMs: number): Promise<number>;
  /**
   * Appends rows to the log `name` (a Keel name), atomically: readers see all of them or none.
   * Columns may differ between appends; missing columns read as missing.
   */
  appendLog(name: string, rows: Frame): Promise<void>;
  /**
   * Hands the store rows it cannot read natively (CSV read by the data module, PostgreSQL tables),
   * with their column types; returns a table usable until `unstage` or `close`.
   */
  stage(
    batches: AsyncIterable<Frame>,
    columns: Readonly<Record<string, OfflineValueType>>,
  ): Promise<OfflineTable>;
  /** Drops a staged table (idempotent). */
  unstage(table: OfflineTable): Promise<void>;
  /** Releases the engine; the store is unusable afterwards. */
  close(): Promise<void>;
}

import { type DuckDBConnection, DuckDBDataChunk, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { type Frame, KeelError } from '../../core/index.js';
import type { FrameConversionOptions, StreamFrameOptions, WriteTableOptions } from './frame-options.js';
import { type BuilderColumn, FrameBuilder } from './internal/frame-builder.js';
import { withFrameScan } from './internal/frame-scan.js';
import { duckdbTypeOf, fillChunk, VECTOR_SIZE } from './internal/frame-writer.js';
import { columnsOf, planQuery } from './internal/query-plan.js';
import { quoteIdent } from './sql.js';

const DEFAULT_BATCH_ROWS = 65_536;

/** A plain value from `queryRows`: BIGINTs as numbers, timestamps as epoch ms, nested values as DuckDB gives them. */
export type RowValue = number | string | boolean | null | unknown[] | Record<string, unknown>;

/** Options for `DuckDBSession.queryFrame`. */
export interface QueryFrameOptions extends FrameConversionOptions {
  /** Called about every 100 ms while DuckDB runs the query, with its progress in percent (-1 when unknown). */
  readonly onQueryProgress?: (percent: number) => void;
}

let sessionCounter = 0;

function plain(value: unknown): RowValue {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.getTime();
  if (value === undefined) return null;
  return value as RowValue;
}

/**
 * One DuckDB connection borrowed from a `DuckDBEngine`: temporary tables and settings live as long
 * as the session. Names made with `tempName` are dropped when the session is released.
 * A session runs one statement at a time; use several sessions for parallel work.
 */
export class DuckDBSession {
  private readonly temps = new Set<string>();
  private readonly id = ++sessionCounter;
  private counter = 0;
  private streaming = false;

  constructor(
    /** The underlying `@duckdb/node-api` connection, for what the session does not wrap. */
    readonly connection: DuckDBConnection,
  ) {}

  /** A fresh table name, dropped (as a table or view) when the session is released. */
  tempName(prefix = 'keel_tmp'): string {
    const name = `${prefix}_${this.id}_${++this.counter}`;
    this.temps.add(name);
    return name;
  }

  /** Runs statements that return nothing of interest. */
  async exec(sql: string): Promise<void> {
    this.assertIdle();
    await this.connection.run(sql);
  }

  /** Runs a query with a small result and returns its rows as plain objects (column name → value). */
  async queryRows(sql: string): Promise<Record<string, RowValue>[]> {
    this.assertIdle();
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((row) => {
      const out: Record<string, RowValue> = {};
      for (const [k, v] of Object.entries(row)) out[k] = plain(v);
      return out;
    });
  }

  /** Runs a query and converts the whole result to a `Frame`, column by column (see `FrameConversionOptions`). */
  async queryFrame(sql: string, options: QueryFrameOptions = {}): Promise<Frame> {
    this.assertIdle();
    const plan = await planQuery(this.connection, sql);
    const result = await this.withProgress(options.onQueryProgress, () => plan.run());
    return materializedToFrame(result, columnsOf(plan, result), options);
  }

  /**
   * Streams a query as frames of `batchRows` rows (the last may be shorter), so results larger
   * than memory can be processed with flat memory. String columns are typed per batch unless
   * `types` declares them; declare them when batches must agree. While the stream is open the
   * session runs nothing else (DuckDB would end the stream early); use another session meanwhile.
   *
   * Caveat: `@duckdb/node-api` ends a stream that fails mid-way (I/O error, a cast error) exactly
   * like one that is exhausted, without an error. Callers that must not miss rows check the count
   * afterwards (as `readBatches` does) or use `queryFrame`, which reports errors.
   */
  async *streamFrames(sql: string, options: StreamFrameOptions = {}): AsyncGenerator<Frame> {
    const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
    if (!Number.isInteger(batchRows) || batchRows < 1) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `batchRows must be a positive integer, got ${batchRows}.`,
        {
          details: { batchRows },
        },
      );
    }
    this.assertIdle();
    this.streaming = true;
    try {
      yield* this.stream(sql, options, batchRows);
    } finally {
      this.streaming = false;
    }
  }

  private async *stream(sql: string, options: StreamFrameOptions, batchRows: number): AsyncGenerator<Frame> {
    const plan = await planQuery(this.connection, sql);
    const result = await plan.stream();
    const columns = columnsOf(plan, result);
    let builder = new FrameBuilder(columns, options, batchRows);
    let total = 0;
    // The next chunk is fetched (on a worker thread) while this one is converted.
    let next = result.fetchChunk();
    for (;;) {
      const chunk = await next;
      if (!chunk || chunk.rowCount === 0) break;
      next = result.fetchChunk();
      let from = 0;
      while (from < chunk.rowCount) {
        const to = Math.min(chunk.rowCount, from + batchRows - builder.rows);
        builder.append(chunk, from, to);
        total += to - from;
        from = to;
        if (builder.rows === batchRows) {
          options.onRows?.(total);
          yield builder.finish();
          builder = new FrameBuilder(columns, options, batchRows);
        }
      }
    }
    if (builder.rows > 0) {
      options.onRows?.(total);
      yield builder.finish();
    }
  }

  /**
   * Writes a frame into the table named `table` (a plain name, quoted here), appending columnar data chunks (number buffers are copied, not
   * converted per value). Column types follow the frame (see `duckdbTypeOf`); `append` inserts
   * through a staging table so the target's own types apply.
   */
  async writeTable(table: string, frame: Frame, options: WriteTableOptions = {}): Promise<void> {
    this.assertIdle();
    const mode = options.mode ?? 'create';
    if (mode === 'append') {
      const staging = this.tempName('keel_stage');
      await this.writeTable(staging, frame, { mode: 'create', temporary: true });
      await this.exec(`INSERT INTO ${quoteIdent(table)} BY NAME SELECT * FROM ${quoteIdent(staging)}`);
      await this.exec(`DROP TABLE ${quoteIdent(staging)}`);
      return;
    }
    const types = frame.columns.map(duckdbTypeOf);
    const columns = frame.columns.map((c, j) => `${quoteIdent(c.name)} ${types[j]!.toString()}`);
    const create = mode === 'replace' ? 'CREATE OR REPLACE' : 'CREATE';
    const temporary = options.temporary ? ' TEMPORARY' : '';
    await this.exec(`${create}${temporary} TABLE ${quoteIdent(table)} (${columns.join(', ')})`);
    if (frame.rowCount === 0 || frame.columns.length === 0) return;
    const appender = await this.connection.createAppender(
      table,
      options.temporary ? 'main' : null,
      options.temporary ? 'temp' : null,
    );
    try {
      const chunk = DuckDBDataChunk.create(types);
      for (let from = 0; from < frame.rowCount; from += VECTOR_SIZE) {
        chunk.reset();
        fillChunk(chunk, types, frame, from, Math.min(frame.rowCount, from + VECTOR_SIZE));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }

  /**
   * Runs `fn` with a SQL table expression that reads `frame` straight from memory (column types as
   * `writeTable` gives them), for one statement such as `COPY (SELECT * FROM <table>) TO ...`:
   * cheaper than `writeTable` when the rows are read once.
   */
  withFrame<T>(frame: Frame, fn: (table: string) => Promise<T>): Promise<T> {
    this.assertIdle();
    return withFrameScan(this.connection, frame, fn);
  }

  /** Drops the session's temporary names; called by the engine when the session is released. */
  async cleanUp(): Promise<void> {
    for (const name of this.temps) {
      await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
      await this.connection.run(`DROP VIEW IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
    }
    this.temps.clear();
  }

  private assertIdle(): void {
    if (this.streaming) {
      throw new KeelError(
        'KEEL_INTERNAL',
        'A DuckDB session was asked to run a statement while it streams a result; use another session.',
      );
    }
  }

  private async withProgress<T>(
    onProgress: ((percent: number) => void) | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    if (!onProgress) return run();
    const timer = setInterval(() => onProgress(this.connection.progress.percentage), 100);
    try {
      return await run();
    } finally {
      clearInterval(timer);
    }
  }
}

/** Converts a materialized result to a frame, preallocating every column to the exact row count. */
async function materializedToFrame(
  result: DuckDBMaterializedResult,
  columns: readonly BuilderColumn[],
  options: FrameConversionOptions,
): Promise<Frame> {
  const builder = new FrameBuilder(columns, options, result.rowCount);
  // Fetching a chunk copies it out of DuckDB's result on a worker thread: fetch the next one
  // while this one is converted.
  let next = result.fetchChunk();
  for (;;) {
    const chunk = await next;
    if (!chunk || chunk.rowCount === 0) break;
    next = result.fetchChunk();
    builder.append(chunk);
    options.onRows?.(builder.rows);
  }
  return builder.finish();
}

import { stat } from 'node:fs/promises';
import { type Frame, KeelError } from '../core/index.js';
import { type DuckDBEngine, openDuckDBEngine } from '../storage/index.js';
import { readCsvTable } from './internal/csv-table.js';
import { readJsonlTable } from './internal/jsonl-table.js';
import { readParquetTable } from './internal/parquet-table.js';
import { readPostgresTable } from './internal/postgres-table.js';
import type { ReadOptions, ReadResult } from './read-options.js';
import { type DataSource, type FileSource, parseSource } from './source.js';

/** Fails with `KEEL_DATA_FILE_NOT_FOUND` unless `path` is an existing regular file. */
export async function assertReadableFile(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) {
    throw new KeelError(
      'KEEL_DATA_FILE_NOT_FOUND',
      info
        ? `${path} is a folder, not a data file.`
        : `File ${path} does not exist. Check the path (relative paths start from the current folder).`,
      { details: { file: path } },
    );
  }
}

/** Runs `fn` with `engine`, or with a private in-memory engine closed afterwards. */
export async function withEngine<T>(
  engine: DuckDBEngine | undefined,
  fn: (engine: DuckDBEngine) => Promise<T>,
): Promise<T> {
  if (engine) return fn(engine);
  const own = await openDuckDBEngine();
  try {
    return await fn(own);
  } finally {
    await own.close();
  }
}

/** The source a read refers to, parsed and (for files) checked to exist. */
export async function resolveSource(source: string | DataSource, options: ReadOptions): Promise<DataSource> {
  const parsed = typeof source === 'string' ? parseSource(source, options) : source;
  if (parsed.kind !== 'postgres') await assertReadableFile(parsed.path);
  return parsed;
}

function readFile(source: FileSource, options: ReadOptions): Promise<ReadResult> {
  return withEngine(options.engine, (engine) =>
    engine.withSession((session) => {
      if (source.kind === 'csv') return readCsvTable(session, source, options);
      if (source.kind === 'jsonl') return readJsonlTable(session, source, options);
      return readParquetTable(session, source, options);
    }),
  );
}

/**
 * Reads a whole source into a frame, with what was left out.
 *
 * Sources: CSV/TSV, Parquet and JSON Lines files (by extension; `.gz` allowed for CSV and JSONL)
 * and PostgreSQL tables or queries (`postgres://...` with `table` or `query`). Column types are
 * inferred (see docs/data.md) unless declared in `options.types`. Fails with
 * `KEEL_DATA_FILE_NOT_FOUND`, `KEEL_DATA_UNSUPPORTED_FORMAT`, `KEEL_DATA_PARSE_ERROR` or
 * `KEEL_DATA_TYPE_ERROR` (naming file, line and column), or lists bad rows with `badRows: 'skip'`.
 */
export async function readTable(source: string | DataSource, options: ReadOptions = {}): Promise<ReadResult> {
  const parsed = await resolveSource(source, options);
  return parsed.kind === 'postgres' ? readPostgresTable(parsed, options) : readFile(parsed, options);
}

/** Reads a whole source into a frame (see `readTable`; bad rows fail the read unless `badRows: 'skip'`). */
export async function readFrame(source: string | DataSource, options: ReadOptions = {}): Promise<Frame> {
  return (await readTable(source, options)).frame;
}

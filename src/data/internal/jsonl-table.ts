import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DataType, type Frame, KeelError } from '../../core/index.js';
import { type DuckDBSession, quoteLiteral } from '../../storage/index.js';
import type { ReadBatchesOptions, ReadOptions, ReadResult } from '../read-options.js';
import type { FileSource } from '../source.js';
import { badRowsError, NO_BAD_ROWS } from './bad-rows.js';
import { conversionOptions, limitSql } from './conversion.js';
import { settleIntegers } from './integers.js';
import { diagnoseJsonl, type JsonlDiagnosis } from './jsonl-diagnose.js';
import { type SourceQuery, streamSourceBatches } from './stream-batches.js';
import {
  checkColumns,
  declaredCasts,
  describeColumns,
  isoTimestampColumns,
  selectList,
} from './typed-select.js';

function jsonScan(path: string): string {
  // sample_size=-1: column types are detected on every line, not a sample, so no later value is refused.
  return `read_json(${quoteLiteral(path)}, format='newline_delimited', sample_size=-1)`;
}

async function planJsonl(session: DuckDBSession, path: string, options: ReadOptions): Promise<SourceQuery> {
  const from = jsonScan(path);
  const columns = await describeColumns(session, from);
  const declared = options.types ?? {};
  checkColumns(path, columns, [...Object.keys(declared), ...(options.columns ?? [])]);
  const timestamps = await isoTimestampColumns(session, from, columns, declared);
  const types: Record<string, DataType> = { ...declared };
  for (const t of timestamps) types[t] = 'timestamp';
  return {
    from,
    select: selectList(columns, options.columns, declaredCasts(columns, declared), timestamps),
    types,
  };
}

/** Throws the bad-rows error for a JSON Lines file that DuckDB refused, or a parse error with DuckDB's reason. */
async function explainFailure(source: FileSource, options: ReadOptions, error: unknown): Promise<never> {
  if (error instanceof KeelError) throw error;
  const diagnosis = await diagnoseJsonl(source.path, options.types ?? {});
  if (diagnosis.report.count > 0) throw badRowsError(source.path, diagnosis.report);
  throw new KeelError(
    'KEEL_DATA_PARSE_ERROR',
    `Cannot read ${source.path}: ${(error as Error).message.split('\n')[0]}`,
    {
      cause: error,
      details: { file: source.path },
    },
  );
}

/**
 * With `badRows: 'skip'`: finds the bad lines and copies the good ones to a temporary file, then
 * runs `fn` on that copy (null when nothing was bad: read the original).
 */
async function withCleanCopy<T>(
  source: FileSource,
  options: ReadOptions,
  fn: (clean: string | null, d: JsonlDiagnosis) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'keel-jsonl-'));
  try {
    const clean = join(dir, 'clean.jsonl');
    const diagnosis = await diagnoseJsonl(source.path, options.types ?? {}, clean);
    return await fn(diagnosis.report.count > 0 ? clean : null, diagnosis);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reads a JSON Lines file (one object per line; blank lines skipped). Types come from DuckDB's
 * JSON reader over every line; string columns holding only ISO 8601 dates/times become
 * timestamps. On a malformed line or a value that does not fit a declared type, the file is
 * scanned line by line to name every bad line (`fail` throws on the first; `skip` leaves them
 * out and lists them: the good lines are copied to a temporary file that DuckDB reads, so no bad
 * line can turn into a row of nulls).
 */
export async function readJsonlTable(
  session: DuckDBSession,
  source: FileSource,
  options: ReadOptions,
): Promise<ReadResult> {
  if ((options.badRows ?? 'fail') === 'skip') {
    const skipped = await withCleanCopy(source, options, async (clean, diagnosis) => {
      if (clean === null) return null;
      const q = await planJsonl(session, clean, options);
      const frame = await session.queryFrame(
        `SELECT ${q.select} FROM ${q.from}${limitSql(options.limit)}`,
        conversionOptions(options, q.types),
      );
      return {
        frame,
        source,
        badRows: diagnosis.report,
        rowNumbers: diagnosis.keptLines!.slice(0, frame.rowCount),
      };
    });
    if (skipped) return skipped;
  }
  let frame: Frame;
  try {
    const q = await planJsonl(session, source.path, options);
    frame = await session.queryFrame(
      `SELECT ${q.select} FROM ${q.from}${limitSql(options.limit)}`,
      conversionOptions(options, q.types),
    );
  } catch (error) {
    return explainFailure(source, options, error);
  }
  const integers = new Set(Object.keys(options.types ?? {}).filter((n) => options.types?.[n] === 'integer'));
  if (settleIntegers(frame, integers, new Set()).bad.length > 0) {
    // The line-by-line diagnosis names the lines with fractions in declared integer columns.
    return explainFailure(source, options, new Error('a declared integer column holds a fraction'));
  }
  return { frame, source, badRows: NO_BAD_ROWS };
}

/** Streams a JSON Lines file in batches (see `readBatches`); bad rows are handled as in `readJsonlTable`. */
export async function* jsonlBatches(
  session: DuckDBSession,
  source: FileSource,
  options: ReadBatchesOptions,
): AsyncGenerator<Frame> {
  if ((options.badRows ?? 'fail') === 'skip') {
    const dir = await mkdtemp(join(tmpdir(), 'keel-jsonl-'));
    try {
      const clean = join(dir, 'clean.jsonl');
      const diagnosis = await diagnoseJsonl(source.path, options.types ?? {}, clean);
      yield* jsonlStream(session, { ...source, path: clean }, options);
      options.onBadRows?.(diagnosis.report);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  yield* jsonlStream(session, source, options);
}

async function* jsonlStream(
  session: DuckDBSession,
  source: FileSource,
  options: ReadBatchesOptions,
): AsyncGenerator<Frame> {
  let q: SourceQuery;
  try {
    q = await planJsonl(session, source.path, options);
  } catch (error) {
    return await explainFailure(source, options, error);
  }
  yield* streamSourceBatches(session, q, options, {
    file: source.path,
    countRows: async () => Number((await session.queryRows(`SELECT count(*) AS n FROM ${q.from}`))[0]!.n),
    diagnose: async () => {
      const diagnosis = await diagnoseJsonl(source.path, options.types ?? {});
      if (diagnosis.report.count > 0) throw badRowsError(source.path, diagnosis.report);
    },
  });
}

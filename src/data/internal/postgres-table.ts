import { type DataType, Frame, isNumberType, KeelError } from '../../core/index.js';
import { quoteIdent } from '../../storage/index.js';
import type { BadRow, ReadBatchesOptions, ReadOptions, ReadResult } from '../read-options.js';
import { describeSource, type PostgresSource } from '../source.js';
import { badRowsError, MAX_BAD_ROWS } from './bad-rows.js';
import { limitSql } from './conversion.js';
import { columnFromText, parseNumber, pgKeelType } from './postgres-values.js';
import { DEFAULT_BATCH_ROWS, sampleTypes } from './stream-batches.js';

type PgClient = import('pg').Client;
const FETCH_ROWS = 10_000;
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

async function connect(source: PostgresSource): Promise<PgClient> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: source.url });
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'");
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new KeelError(
      'KEEL_STORE_UNAVAILABLE',
      `Cannot connect to ${describeSource(source)}: ${(error as Error).message}`,
      {
        cause: error,
        details: { source: describeSource(source) },
      },
    );
  }
}

function sourceSql(source: PostgresSource, options: ReadOptions): string {
  const columns = options.columns ? options.columns.map(quoteIdent).join(', ') : '*';
  const from =
    source.table !== undefined
      ? source.table.split('.').map(quoteIdent).join('.')
      : `(${source.query}) AS keel_query`;
  return `SELECT ${columns} FROM ${from}${limitSql(options.limit)}`;
}

interface PgBatch {
  readonly names: string[];
  readonly types: DataType[];
  readonly rows: (string | null)[][];
}

/**
 * Streams rows of a PostgreSQL table or query through a server-side cursor (read-only
 * transaction), `FETCH_ROWS` at a time, as raw text per column with each column's Keel type.
 */
export async function* pgBatches(
  source: PostgresSource,
  options: ReadOptions,
  fetchRows = FETCH_ROWS,
): AsyncGenerator<PgBatch> {
  const client = await connect(source);
  try {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`DECLARE keel_cursor NO SCROLL CURSOR FOR ${sourceSql(source, options)}`);
    } catch (error) {
      throw new KeelError(
        'KEEL_DATA_PARSE_ERROR',
        `Cannot read ${describeSource(source)}: ${(error as Error).message}`,
        {
          cause: error,
          details: { source: describeSource(source) },
        },
      );
    }
    for (let first = true; ; first = false) {
      const result = await client.query({
        text: `FETCH FORWARD ${fetchRows} FROM keel_cursor`,
        rowMode: 'array',
        types: RAW_TEXT,
      });
      const names = result.fields.map((f) => f.name);
      const types = result.fields.map((f) => options.types?.[f.name] ?? pgKeelType(f.dataTypeID));
      // The first fetch is yielded even when empty: it carries the column names and types.
      if (result.rows.length > 0 || first) yield { names, types, rows: result.rows as (string | null)[][] };
      if (result.rows.length < fetchRows) break;
    }
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Checks each value against declared number types; returns the bad rows (row = 1-based across the read). */
function checkDeclared(batch: PgBatch, options: ReadOptions, firstRow: number): BadRow[] {
  const bad: BadRow[] = [];
  const checks = batch.names.flatMap((name, j) => {
    const type = options.types?.[name];
    return type !== undefined && isNumberType(type) ? [{ name, j, type }] : [];
  });
  if (checks.length === 0) return bad;
  batch.rows.forEach((row, i) => {
    const wrong = checks.find((c) => row[c.j] !== null && Number.isNaN(parseNumber(row[c.j]!, c.type)));
    if (wrong) {
      bad.push({
        line: firstRow + i,
        column: wrong.name,
        kind: 'CAST',
        message: `"${row[wrong.j]}" is not a valid ${wrong.type}`,
        text: null,
      });
    }
  });
  return bad;
}

/** Builds a frame from batches of text rows (columns typed by the rule unless declared). */
export function pgFrame(
  names: readonly string[],
  types: readonly DataType[],
  rows: readonly (string | null)[][],
  declared: Readonly<Record<string, DataType>>,
): Frame {
  return Frame.fromColumns(
    names.map((name, j) =>
      columnFromText(
        name,
        types[j]!,
        declared[name] !== undefined,
        rows.map((r) => r[j] ?? null),
      ),
    ),
  );
}

/** Reads a PostgreSQL table or query into a frame; values that do not fit a declared type are bad rows. */
export async function readPostgresTable(source: PostgresSource, options: ReadOptions): Promise<ReadResult> {
  const kept: (string | null)[][] = [];
  const keptRows: number[] = [];
  const bad: BadRow[] = [];
  let names: string[] = [];
  let types: DataType[] = [];
  let seen = 0;
  for await (const batch of pgBatches(source, options)) {
    names = batch.names;
    types = batch.types;
    const failures = checkDeclared(batch, options, seen + 1);
    const failed = new Set(failures.map((f) => f.line));
    bad.push(...failures);
    batch.rows.forEach((row, i) => {
      if (failed.has(seen + 1 + i)) return;
      kept.push(row);
      keptRows.push(seen + 1 + i);
    });
    seen += batch.rows.length;
    options.onProgress?.({ phase: 'convert', done: seen, total: 0 });
  }
  const report = { count: bad.length, rows: bad.slice(0, MAX_BAD_ROWS) };
  if (bad.length > 0 && (options.badRows ?? 'fail') === 'fail')
    throw badRowsError(describeSource(source), report, 'row');
  const frame = pgFrame(names, types, kept, options.types ?? {});
  return {
    frame,
    source,
    badRows: report,
    ...(bad.length > 0 ? { rowNumbers: Int32Array.from(keptRows) } : {}),
  };
}

/** Streams a PostgreSQL table or query in batches (string columns typed on the first batch). */
export async function* postgresBatches(
  source: PostgresSource,
  options: ReadBatchesOptions,
): AsyncGenerator<Frame> {
  const declared = options.types ?? {};
  const fail = (options.badRows ?? 'fail') === 'fail';
  const bad: BadRow[] = [];
  let fixed: Record<string, DataType> | null = null;
  let seen = 0;
  for await (const batch of pgBatches(source, options, options.batchRows ?? DEFAULT_BATCH_ROWS)) {
    const failures = checkDeclared(batch, options, seen + 1);
    if (fail && failures.length > 0)
      throw badRowsError(describeSource(source), { count: failures.length, rows: failures }, 'row');
    bad.push(...failures);
    const failed = new Set(failures.map((f) => f.line));
    const rows = batch.rows.filter((_, i) => !failed.has(seen + 1 + i));
    seen += batch.rows.length;
    const types = fixed ? batch.names.map((n) => fixed![n]!) : batch.types;
    const frame = pgFrame(batch.names, types, rows, fixed ?? declared);
    fixed ??= sampleTypes(frame, declared);
    if (frame.rowCount > 0) yield frame;
  }
  if (!fail) options.onBadRows?.({ count: bad.length, rows: bad.slice(0, MAX_BAD_ROWS) });
}

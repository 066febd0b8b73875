import { DATA_TYPES, type DataType, type Frame, KeelError } from '../../core/index.js';
import { type DuckDBSession, quoteIdent, quoteLiteral } from '../../storage/index.js';
import type { BadRow, BadRowReport, ReadBatchesOptions, ReadOptions, ReadResult } from '../read-options.js';
import type { FileSource } from '../source.js';
import { badRowsError, keptRowNumbers, MAX_BAD_ROWS, NO_BAD_ROWS } from './bad-rows.js';
import { conversionOptions, limitSql } from './conversion.js';
import { settleIntegers, withoutRows } from './integers.js';
import { type SourceQuery, streamSourceBatches } from './stream-batches.js';
import {
  checkColumns,
  type DeclaredCast,
  declaredCasts,
  describeColumns,
  selectList,
} from './typed-select.js';

/** Parquet key-value metadata key under which `writeFrame` stores the Keel schema. */
export const KEEL_SCHEMA_KEY = 'keel.schema';

/** The Keel types stored by `writeFrame` in a Parquet file, or {} for other writers' files. */
async function storedTypes(session: DuckDBSession, path: string): Promise<Record<string, DataType>> {
  const rows = await session.queryRows(
    `SELECT decode(value) AS v FROM parquet_kv_metadata(${quoteLiteral(path)}) WHERE decode(key) = ${quoteLiteral(KEEL_SCHEMA_KEY)}`,
  );
  const text = rows[0]?.v;
  if (typeof text !== 'string') return {};
  try {
    const fields = JSON.parse(text) as { name: string; type: DataType }[];
    return Object.fromEntries(fields.filter((f) => DATA_TYPES.includes(f.type)).map((f) => [f.name, f.type]));
  } catch {
    return {};
  }
}

interface CastFailures {
  readonly report: BadRowReport;
  /** Every failing row (1-based), ascending. */
  readonly rows: readonly number[];
}

async function castFailures(
  session: DuckDBSession,
  from: string,
  casts: readonly DeclaredCast[],
): Promise<CastFailures> {
  const detail: BadRow[] = [];
  const all = new Set<number>();
  for (const c of casts) {
    const q = quoteIdent(c.name);
    const bad = await session.queryRows(
      `SELECT keel_row, CAST(${q} AS VARCHAR) AS v FROM (SELECT row_number() OVER () AS keel_row, ${q} FROM ${from}) ` +
        `WHERE ${q} IS NOT NULL AND TRY_CAST(${q} AS ${c.target}) IS NULL ORDER BY keel_row`,
    );
    for (const r of bad) {
      const row = Number(r.keel_row);
      if (!all.has(row))
        detail.push({
          line: row,
          column: c.name,
          kind: 'CAST',
          message: `"${r.v}" is not a valid ${c.type}`,
          text: null,
        });
      all.add(row);
    }
  }
  const rows = [...all].sort((a, b) => a - b);
  detail.sort((a, b) => a.line - b.line);
  return { report: { count: rows.length, rows: detail.slice(0, MAX_BAD_ROWS) }, rows };
}

function castFilter(casts: readonly DeclaredCast[]): string {
  const ok = casts.map(
    (c) => `(${quoteIdent(c.name)} IS NULL OR TRY_CAST(${quoteIdent(c.name)} AS ${c.target}) IS NOT NULL)`,
  );
  return ok.length === 0 ? '' : ` WHERE ${ok.join(' AND ')}`;
}

interface ParquetPlan extends SourceQuery {
  readonly casts: readonly DeclaredCast[];
}

async function planParquet(
  session: DuckDBSession,
  source: FileSource,
  options: ReadOptions,
): Promise<ParquetPlan> {
  const from = `read_parquet(${quoteLiteral(source.path)})`;
  let columns: Awaited<ReturnType<typeof describeColumns>>;
  try {
    columns = await describeColumns(session, from);
  } catch (error) {
    throw new KeelError(
      'KEEL_DATA_PARSE_ERROR',
      `${source.path} is not a readable Parquet file: ${(error as Error).message.split('\n')[0]}`,
      {
        cause: error,
        details: { file: source.path },
      },
    );
  }
  const declared = options.types ?? {};
  checkColumns(source.path, columns, [...Object.keys(declared), ...(options.columns ?? [])]);
  const stored = await storedTypes(session, source.path);
  const casts = declaredCasts(columns, declared);
  return {
    from,
    select: selectList(columns, options.columns, casts, []),
    types: { ...stored, ...declared },
    casts,
  };
}

/** Throws the precise error for a failed Parquet read: the rows a declared type refuses, else DuckDB's reason. */
async function explainFailure(
  session: DuckDBSession,
  source: FileSource,
  plan: ParquetPlan,
  error: unknown,
): Promise<never> {
  if (error instanceof KeelError) throw error;
  const failures = await castFailures(session, plan.from, plan.casts);
  if (failures.report.count > 0) throw badRowsError(source.path, failures.report, 'row');
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
 * Reads a Parquet file. Types follow the file's own; a file written by `writeFrame` also carries
 * the Keel schema, so categorical and text columns come back as they were written. A declared
 * type that a value cannot take fails with `KEEL_DATA_TYPE_ERROR` naming the row (1-based).
 */
export async function readParquetTable(
  session: DuckDBSession,
  source: FileSource,
  options: ReadOptions,
): Promise<ReadResult> {
  const plan = await planParquet(session, source, options);
  if ((options.badRows ?? 'fail') === 'skip' && plan.casts.length > 0) {
    const failures = await castFailures(session, plan.from, plan.casts);
    if (failures.report.count > 0) {
      const sql = `SELECT ${plan.select} FROM ${plan.from}${castFilter(plan.casts)}${limitSql(options.limit)}`;
      const frame = await session.queryFrame(sql, conversionOptions(options, plan.types));
      return {
        frame,
        source,
        badRows: failures.report,
        rowNumbers: keptRowNumbers(failures.rows, frame.rowCount, 1),
      };
    }
  }
  let frame: Frame;
  try {
    const sql = `SELECT ${plan.select} FROM ${plan.from}${limitSql(options.limit)}`;
    frame = await session.queryFrame(sql, conversionOptions(options, plan.types));
  } catch (error) {
    return explainFailure(session, source, plan, error);
  }
  return settleDeclaredIntegers(frame, source, options);
}

/** Reports fractional values in declared integer columns as bad rows (row = 1-based row of the file). */
function settleDeclaredIntegers(frame: Frame, source: FileSource, options: ReadOptions): ReadResult {
  const integers = new Set(Object.keys(options.types ?? {}).filter((n) => options.types?.[n] === 'integer'));
  const { bad } = settleIntegers(frame, integers, new Set());
  if (bad.length === 0) return { frame, source, badRows: NO_BAD_ROWS };
  const rows: BadRow[] = bad.map((b) => ({
    line: b.index + 1,
    column: b.column,
    kind: 'CAST',
    message: `${b.value} is not a valid integer`,
    text: null,
  }));
  const report = { count: rows.length, rows: rows.slice(0, MAX_BAD_ROWS) };
  if ((options.badRows ?? 'fail') === 'fail') throw badRowsError(source.path, report, 'row');
  const kept = withoutRows(
    frame,
    bad.map((b) => b.index),
  );
  return { frame: kept.frame, source, badRows: report, rowNumbers: kept.rowNumbers };
}

/** Streams a Parquet file in batches (see `readBatches`); rows a declared type refuses are handled as in `readParquetTable`. */
export async function* parquetBatches(
  session: DuckDBSession,
  source: FileSource,
  options: ReadBatchesOptions,
): AsyncGenerator<Frame> {
  const plan = await planParquet(session, source, options);
  let where = '';
  let skipped: BadRowReport = NO_BAD_ROWS;
  if ((options.badRows ?? 'fail') === 'skip' && plan.casts.length > 0) {
    skipped = (await castFailures(session, plan.from, plan.casts)).report;
    if (skipped.count > 0) where = castFilter(plan.casts);
  }
  yield* streamSourceBatches(session, { ...plan, where }, options, {
    file: source.path,
    countRows: async () =>
      Number((await session.queryRows(`SELECT count(*) AS n FROM ${plan.from}${where}`))[0]!.n),
    diagnose: async () => {
      const failures = await castFailures(session, plan.from, plan.casts);
      if (failures.report.count > 0) throw badRowsError(source.path, failures.report, 'row');
    },
  });
  if ((options.badRows ?? 'fail') === 'skip') options.onBadRows?.(skipped);
}

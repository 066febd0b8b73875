import type { DataType, Frame } from '../../core/index.js';
import { type DuckDBSession, quoteIdent } from '../../storage/index.js';
import type { BadRow, ReadOptions, ReadResult } from '../read-options.js';
import type { FileSource } from '../source.js';
import { badRowsError, type CsvRejects, keptRowNumbers, MAX_BAD_ROWS, readCsvRejects } from './bad-rows.js';
import { conversionOptions, limitSql } from './conversion.js';
import { type CsvPlan, csvKeelType, csvScanSql, inferFromText, planCsv, widen } from './csv-reader.js';
import { csvSelect, type TimeFailure, takeTimeFailures } from './csv-select.js';
import { type NotInteger, settleIntegers, withoutRows } from './integers.js';

/** Widening rounds before a column is given up on. */
const MAX_WIDENINGS = 6;

/** The outcome of reading a CSV file: the frame, its bad rows and the final (widened) plan. */
export interface CsvScan {
  /** Null only when the sniffer failed and bad rows must fail the read. */
  readonly frame: Frame | null;
  readonly rejects: CsvRejects;
  readonly plan: CsvPlan;
  /** Undeclared columns scanned as DOUBLE that are integers if every value is whole. */
  readonly integers: ReadonlySet<string>;
  /** Date/time values that did not parse. */
  readonly timeFailures: readonly TimeFailure[];
}

async function scanOnce(
  session: DuckDBSession,
  plan: CsvPlan,
  options: ReadOptions,
): Promise<Omit<CsvScan, 'plan'>> {
  const declared = options.types ?? {};
  const rejectsNames = { table: session.tempName('keel_rejects'), scan: session.tempName('keel_scan') };
  const typeOf = (column: string): DataType | undefined => csvKeelType(plan, column, declared);
  const scan = csvScanSql(plan, rejectsNames);
  const convert = conversionOptions(options, declared);
  if (!plan.inferAfterScan) {
    const select = csvSelect(plan, options.columns, new Map());
    const raw = await session.queryFrame(
      `SELECT ${select.sql} FROM ${scan}${limitSql(options.limit)}`,
      convert,
    );
    const { frame, failures } = takeTimeFailures(raw, select);
    const integers = new Set(plan.columns.filter((c) => c.integer).map((c) => c.name));
    return {
      frame,
      rejects: await readCsvRejects(session, rejectsNames.table, typeOf),
      integers,
      timeFailures: failures,
    };
  }
  // The sniffer failed: scan undeclared columns as text, report bad lines, then type the text.
  const table = session.tempName('keel_raw');
  await session.exec(
    `CREATE TEMP TABLE ${quoteIdent(table)} AS SELECT * FROM ${scan}${limitSql(options.limit)}`,
  );
  const rejects = await readCsvRejects(session, rejectsNames.table, typeOf);
  if (rejects.report.count > 0 && (options.badRows ?? 'fail') === 'fail') {
    return { frame: null, rejects, integers: new Set(), timeFailures: [] };
  }
  const casts = await inferFromText(session, table, plan.columns);
  const select = csvSelect(plan, options.columns, casts);
  const raw = await session.queryFrame(`SELECT ${select.sql} FROM ${quoteIdent(table)}`, convert);
  const { frame, failures } = takeTimeFailures(raw, select);
  const integers = new Set([...casts].filter(([, type]) => type === 'DOUBLE').map(([name]) => name));
  return { frame, rejects, integers, timeFailures: failures };
}

/**
 * Scans a CSV file into a frame, widening sniffed types until every value fits: when a value
 * far down the file does not fit the type the sniffer chose from its sample, the column is
 * widened (numbers, booleans and date/times to text) and the file read again.
 */
export async function scanCsv(
  session: DuckDBSession,
  source: FileSource,
  options: ReadOptions,
): Promise<CsvScan> {
  let plan = await planCsv(session, source, options);
  for (let round = 0; ; round++) {
    const outcome = await scanOnce(session, plan, options);
    const misfits = new Set([
      ...[...outcome.rejects.castColumns].filter((c) => options.types?.[c] === undefined),
      ...outcome.timeFailures.filter((f) => !f.declared).map((f) => f.column),
    ]);
    if (misfits.size > 0 && !plan.inferAfterScan && round < MAX_WIDENINGS) {
      const wider = widen(plan, misfits);
      if (wider) {
        plan = wider;
        continue;
      }
    }
    return { ...outcome, plan };
  }
}

function typeRows(
  lineOf: (i: number) => number,
  fractions: readonly NotInteger[],
  times: readonly TimeFailure[],
): BadRow[] {
  return [
    ...fractions.map((b) => ({
      line: lineOf(b.index),
      column: b.column,
      kind: 'CAST',
      message: `${b.value} is not a valid integer`,
      text: null,
    })),
    ...times.map((t) => ({
      line: lineOf(t.index),
      column: t.column,
      kind: 'CAST',
      message: `"${t.value}" is not a valid timestamp`,
      text: null,
    })),
  ];
}

/**
 * Reads a CSV file into a frame in one DuckDB scan (parallel parse, columnar conversion).
 *
 * Types come from DuckDB's sniffer on a sample, checked against every row (see `scanCsv`).
 * Bad rows (wrong field count, unterminated quote, a value that does not fit a declared type)
 * are collected by DuckDB's `store_rejects` with their line numbers, or found afterwards for
 * integers and date/times, which DuckDB would otherwise round or turn into missing values.
 */
export async function readCsvTable(
  session: DuckDBSession,
  source: FileSource,
  options: ReadOptions,
): Promise<ReadResult> {
  const scan = await scanCsv(session, source, options);
  const fail = (options.badRows ?? 'fail') === 'fail';
  if (scan.rejects.report.count > 0 && fail) throw badRowsError(source.path, scan.rejects.report);
  const firstDataLine = scan.plan.header ? 2 : 1;
  const rowNumbers =
    scan.rejects.report.count > 0
      ? keptRowNumbers(scan.rejects.lines, scan.frame!.rowCount, firstDataLine)
      : undefined;
  const declaredIntegers = new Set(
    Object.entries(options.types ?? {})
      .filter(([, t]) => t === 'integer')
      .map(([n]) => n),
  );
  const settled = settleIntegers(scan.frame!, declaredIntegers, scan.integers);
  const times = scan.timeFailures.filter((t) => t.declared);
  if (settled.bad.length === 0 && times.length === 0) {
    return {
      frame: settled.frame,
      source,
      badRows: scan.rejects.report,
      ...(rowNumbers ? { rowNumbers } : {}),
    };
  }
  const lineOf = (i: number): number => (rowNumbers ? rowNumbers[i]! : i + 1) + firstDataLine - 1;
  const typed = typeRows(lineOf, settled.bad, times);
  const rows = [...scan.rejects.report.rows, ...typed].sort((a, b) => a.line - b.line).slice(0, MAX_BAD_ROWS);
  const report = { count: scan.rejects.report.count + new Set(typed.map((r) => r.line)).size, rows };
  if (fail) throw badRowsError(source.path, report);
  const dropped = [...settled.bad.map((b) => b.index), ...times.map((t) => t.index)];
  const kept = withoutRows(settled.frame, dropped, rowNumbers);
  return { frame: kept.frame, source, badRows: report, rowNumbers: kept.rowNumbers };
}

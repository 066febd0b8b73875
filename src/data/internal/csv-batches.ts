import { type DataType, type Frame, KeelError } from '../../core/index.js';
import type { DuckDBSession } from '../../storage/index.js';
import type { ReadBatchesOptions } from '../read-options.js';
import type { FileSource } from '../source.js';
import { badRowsError, readCsvRejects } from './bad-rows.js';
import { conversionOptions, limitSql } from './conversion.js';
import { csvKeelType, csvScanSql } from './csv-reader.js';
import { csvSelect, type TimeFailure, takeTimeFailures } from './csv-select.js';
import { readCsvTable, scanCsv } from './csv-table.js';
import { settleIntegers } from './integers.js';
import {
  assertWholeNumbers,
  DEFAULT_BATCH_ROWS,
  DEFAULT_SAMPLE_ROWS,
  sampleTypes,
} from './stream-batches.js';

/**
 * Streams a CSV file in batches with flat memory.
 *
 * 1. The first `sampleRows` rows are read (widening sniffed types as `readCsvTable` does) to fix
 *    every column's type, so all batches agree.
 * 2. A counting scan finds the structural bad rows (wrong field count, broken quotes) before any
 *    batch is yielded: with `badRows: 'fail'` the read fails up front.
 * 3. The file is streamed; rows with a value that does not fit are only known when the scan
 *    ends, so with `fail` the iterator throws after the last batch (writers should commit
 *    atomically). A fractional value in an integer column fails the batch it is in. The rows streamed are checked against the count, since DuckDB's streaming API
 *    ends a failed stream like a finished one.
 */
export async function* csvBatches(
  session: DuckDBSession,
  source: FileSource,
  options: ReadBatchesOptions,
): AsyncGenerator<Frame> {
  const fail = (options.badRows ?? 'fail') === 'fail';
  const declared = options.types ?? {};
  const sample = await scanCsv(session, source, {
    ...options,
    limit: options.sampleRows ?? DEFAULT_SAMPLE_ROWS,
    badRows: 'skip',
  });
  if (fail && sample.rejects.report.count > 0) throw badRowsError(source.path, sample.rejects.report);
  if (sample.plan.inferAfterScan) {
    // DuckDB could not sniff the file: it is read whole (as readFrame does), then sliced.
    const { frame, badRows } = await readCsvTable(session, source, options);
    const size = options.batchRows ?? DEFAULT_BATCH_ROWS;
    for (let start = 0; start < frame.rowCount; start += size) yield frame.slice(start, start + size);
    if (!fail) options.onBadRows?.(badRows);
    return;
  }
  const plan = sample.plan;
  const declaredIntegers = new Set(Object.keys(declared).filter((n) => declared[n] === 'integer'));
  const types = sampleTypes(settleIntegers(sample.frame!, declaredIntegers, sample.integers).frame, declared);
  const typeOf = (column: string): DataType | undefined => csvKeelType(plan, column, declared);
  const counted = { table: session.tempName('keel_rejects'), scan: session.tempName('keel_scan') };
  const total = Number(
    (await session.queryRows(`SELECT count(*) AS n FROM ${csvScanSql(plan, counted)}`))[0]!.n,
  );
  const structural = await readCsvRejects(session, counted.table, typeOf);
  if (fail && structural.report.count > 0) throw badRowsError(source.path, structural.report);

  const streamed = { table: session.tempName('keel_rejects'), scan: session.tempName('keel_scan') };
  const select = csvSelect(plan, options.columns, new Map());
  const sql = `SELECT ${select.sql} FROM ${csvScanSql(plan, streamed)}${limitSql(options.limit)}`;
  let rows = 0;
  const stream = session.streamFrames(sql, {
    ...conversionOptions(options, types),
    batchRows: options.batchRows ?? DEFAULT_BATCH_ROWS,
  });
  for await (const raw of stream) {
    const { frame: batch, failures } = takeTimeFailures(raw, select);
    if (failures.length > 0) throw timeError(source.path, failures[0]!, rows + 1);
    assertWholeNumbers(batch, types, rows + 1, source.path);
    rows += batch.rowCount;
    yield batch;
  }
  const rejects = await readCsvRejects(session, streamed.table, typeOf);
  const late = [...rejects.castColumns].find((c) => declared[c] === undefined);
  if (late !== undefined) {
    const first = rejects.report.rows.find((r) => r.column === late)!;
    throw new KeelError(
      'KEEL_DATA_TYPE_ERROR',
      `${source.path} line ${first.line}, column "${late}": ${first.message}; the column was typed ${typeOf(late)} from the first ${options.sampleRows ?? DEFAULT_SAMPLE_ROWS} rows. Declare its type (types: { "${late}": ... }) or raise sampleRows.`,
      { details: { file: source.path, line: first.line, column: late } },
    );
  }
  if (fail && rejects.report.count > 0) throw badRowsError(source.path, rejects.report);
  const structuralLines = new Set(structural.lines);
  const castRows = rejects.lines.filter((l) => !structuralLines.has(l)).length;
  const expected = total - castRows;
  if (rows !== (options.limit === undefined ? expected : Math.min(expected, options.limit))) {
    throw new KeelError(
      'KEEL_DATA_PARSE_ERROR',
      `Reading ${source.path} stopped after ${rows} of ${expected} rows; DuckDB gave no reason. Read it with readFrame to see the error.`,
      { details: { file: source.path, streamed: rows, expected } },
    );
  }
  if (!fail) options.onBadRows?.(rejects.report);
}

function timeError(file: string, failure: TimeFailure, firstRow: number): KeelError {
  const row = firstRow + failure.index;
  return new KeelError(
    'KEEL_DATA_TYPE_ERROR',
    `${file} row ${row}, column "${failure.column}": "${failure.value}" is not a valid timestamp.${failure.declared ? '' : ' The column was typed from the first rows; declare it text to read it as is.'}`,
    { details: { file, row, column: failure.column } },
  );
}

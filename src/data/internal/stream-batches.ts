import { type DataType, type Frame, KeelError } from '../../core/index.js';
import type { DuckDBSession } from '../../storage/index.js';
import type { ReadBatchesOptions } from '../read-options.js';
import { conversionOptions, limitSql } from './conversion.js';

/** A query over one source: its FROM expression, SELECT list and the Keel types known up front. */
export interface SourceQuery {
  readonly from: string;
  readonly select: string;
  /** Extra WHERE clause (with its leading space), e.g. to leave out bad rows. */
  readonly where?: string;
  readonly types: Readonly<Record<string, DataType>>;
}

/** Default rows per batch. */
export const DEFAULT_BATCH_ROWS = 65_536;
/** Default rows read up front to type string columns for every batch. */
export const DEFAULT_SAMPLE_ROWS = 100_000;

/**
 * Throws `KEEL_DATA_TYPE_ERROR` when a batch holds a fractional value in a column typed integer
 * (declared, or settled from the sample). `firstRow` is the 1-based source row of the batch's row 0.
 */
export function assertWholeNumbers(
  batch: Frame,
  types: Readonly<Record<string, DataType>>,
  firstRow: number,
  file: string,
): void {
  for (const column of batch.columns) {
    if (types[column.name] !== 'integer' || column.type === 'categorical' || column.type === 'text') continue;
    const i = column.values.findIndex((v) => !Number.isNaN(v) && !Number.isInteger(v));
    if (i >= 0) {
      throw new KeelError(
        'KEEL_DATA_TYPE_ERROR',
        `${file} row ${firstRow + i}, column "${column.name}": ${column.values[i]} is not a valid integer. Declare the column numeric (types: { "${column.name}": "numeric" }) to accept fractions.`,
        { details: { file, row: firstRow + i, column: column.name } },
      );
    }
  }
}

/** The types of a sample frame, to be declared for every batch (declared types win). */
export function sampleTypes(
  sample: Frame,
  declared: Readonly<Record<string, DataType>> = {},
): Record<string, DataType> {
  return { ...Object.fromEntries(sample.columns.map((c) => [c.name, c.type])), ...declared };
}

/**
 * Streams a source query as frames of `batchRows`, typing string columns once from a sample of
 * `sampleRows` rows so every batch agrees. DuckDB's streaming API ends a failed stream exactly
 * like a finished one, so the rows streamed are checked against `countRows()` afterwards and
 * `diagnose()` is asked to explain any shortfall or failure (it throws the precise error when it
 * finds one).
 */
export async function* streamSourceBatches(
  session: DuckDBSession,
  query: SourceQuery,
  options: ReadBatchesOptions,
  checks: { countRows: () => Promise<number>; diagnose: () => Promise<void>; file: string },
): AsyncGenerator<Frame> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const where = query.where ?? '';
  let types: Record<string, DataType>;
  try {
    const sample = await session.queryFrame(
      `SELECT ${query.select} FROM ${query.from}${where} LIMIT ${options.sampleRows ?? DEFAULT_SAMPLE_ROWS}`,
      conversionOptions({}, query.types),
    );
    types = sampleTypes(sample, query.types);
  } catch (error) {
    if (error instanceof KeelError) throw error;
    await checks.diagnose();
    throw error;
  }
  let streamed = 0;
  const sql = `SELECT ${query.select} FROM ${query.from}${where}${limitSql(options.limit)}`;
  for await (const batch of session.streamFrames(sql, { ...conversionOptions(options, types), batchRows })) {
    assertWholeNumbers(batch, types, streamed + 1, checks.file);
    streamed += batch.rowCount;
    yield batch;
  }
  const total = await checks.countRows();
  const expected = options.limit === undefined ? total : Math.min(total, options.limit);
  if (streamed !== expected) {
    await checks.diagnose();
    throw new KeelError(
      'KEEL_DATA_PARSE_ERROR',
      `Reading ${checks.file} stopped after ${streamed} of ${expected} rows; DuckDB gave no reason. Read it with readFrame to see the error.`,
      { details: { file: checks.file, streamed, expected } },
    );
  }
}

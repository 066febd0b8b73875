import { type DataType, KeelError } from '../../core/index.js';
import { type DuckDBSession, quoteIdent } from '../../storage/index.js';
import type { BadRow, BadRowReport } from '../read-options.js';

/** Bad rows kept in detail; the count covers all of them. */
export const MAX_BAD_ROWS = 100;
const MAX_TEXT = 200;

/** The empty report. */
export const NO_BAD_ROWS: BadRowReport = { count: 0, rows: [] };

function castMessage(message: string, type: DataType | undefined): string {
  const m = /Could not convert string "(.*)" to '([^']+)'/s.exec(message);
  if (!m) return message;
  return `"${m[1]}" is not a valid ${type ?? m[2]!.toLowerCase()}`;
}

/** A human sentence for one DuckDB CSV error. */
export function describeCsvError(kind: string, message: string, type: DataType | undefined): string {
  const fields = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (fields) return `expected ${fields[1]} fields, found ${fields[2]}`;
  if (kind === 'UNQUOTED VALUE') return 'a quoted value is not terminated (or text follows a closing quote)';
  if (kind === 'CAST') return castMessage(message, type);
  return message.replace(/\.$/, '');
}

/** Everything DuckDB's `store_rejects` recorded for one read, in file order. */
export interface CsvRejects {
  readonly report: BadRowReport;
  /** Every rejected line (distinct, ascending). */
  readonly lines: readonly number[];
  /** Columns with a CAST error (bad value for the column's type), by name. */
  readonly castColumns: ReadonlySet<string>;
}

/** Reads the rejects table of a CSV scan; `typeOf` names each column's Keel type for messages. */
export async function readCsvRejects(
  session: DuckDBSession,
  table: string,
  typeOf: (column: string) => DataType | undefined,
): Promise<CsvRejects> {
  const rows = await session.queryRows(
    `SELECT line, column_name, error_type, csv_line, error_message FROM ${quoteIdent(table)} ORDER BY line, column_idx`,
  );
  const lines: number[] = [];
  const detail: BadRow[] = [];
  const castColumns = new Set<string>();
  let last = -1;
  for (const r of rows) {
    const line = Number(r.line);
    const column = typeof r.column_name === 'string' ? r.column_name : null;
    const kind = String(r.error_type);
    if (kind === 'CAST' && column !== null) castColumns.add(column);
    if (line === last) continue;
    last = line;
    lines.push(line);
    if (detail.length < MAX_BAD_ROWS) {
      const text =
        typeof r.csv_line === 'string' ? r.csv_line.replace(/\r?\n$/, '').slice(0, MAX_TEXT) : null;
      detail.push({
        line,
        column,
        kind,
        message: describeCsvError(
          kind,
          String(r.error_message),
          column === null ? undefined : typeOf(column),
        ),
        text,
      });
    }
  }
  return { report: { count: lines.length, rows: detail }, lines, castColumns };
}

/**
 * The error for a read that met bad rows in `fail` mode: `KEEL_DATA_TYPE_ERROR` when the first is
 * a value of the wrong type, `KEEL_DATA_PARSE_ERROR` otherwise. Names file, line and column.
 */
export function badRowsError(file: string, report: BadRowReport, unit: 'line' | 'row' = 'line'): KeelError {
  const first = report.rows[0]!;
  const where = `${file} ${unit} ${first.line}${first.column === null ? '' : `, column "${first.column}"`}`;
  const more =
    report.count > 1
      ? ` ${report.count} bad rows in all (${unit}s ${report.rows
          .slice(0, 5)
          .map((r) => r.line)
          .join(', ')}${report.count > 5 ? ', ...' : ''}).`
      : '';
  const text = first.text === null ? '' : ` The ${unit} reads: ${first.text}`;
  const fix =
    first.kind === 'CAST'
      ? ' Fix the value or the declared type; `keel data validate` lists every bad row.'
      : ' Fix the file, or read with badRows: "skip"; `keel data validate` lists every bad row.';
  return new KeelError(
    first.kind === 'CAST' ? 'KEEL_DATA_TYPE_ERROR' : 'KEEL_DATA_PARSE_ERROR',
    `${where}: ${first.message}.${more}${text}${fix}`,
    { details: { file, [unit]: first.line, column: first.column, kind: first.kind, count: report.count } },
  );
}

/**
 * Data-row numbers (1-based) of the rows kept after `rejected` lines were left out, for
 * `dataRows` rows read. `firstDataLine` is the line of data row 1 (2 with a header). Assumes one
 * line per record, which holds unless quoted fields span lines.
 */
export function keptRowNumbers(rejected: readonly number[], kept: number, firstDataLine: number): Int32Array {
  const out = new Int32Array(kept);
  let r = 0;
  let row = 1;
  for (let i = 0; i < kept; i++, row++) {
    while (r < rejected.length && rejected[r]! - firstDataLine + 1 === row) {
      r++;
      row++;
    }
    out[i] = row;
  }
  return out;
}

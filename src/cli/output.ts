import pc from 'picocolors';
import { ERROR_CODES, isKeelError } from '../core/index.js';
import type { CliIo } from './cli-io.js';

/** A column of a human table: header and how to read the cell from a row. */
export interface TableColumn<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | null | undefined;
  /** Right-align (numbers). */
  readonly right?: boolean;
}

/** Formats a number for humans: integers as is, others with up to `digits` significant digits. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** Formats an epoch-ms time as `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Renders rows as an aligned plain-text table. */
export function renderTable<T>(rows: readonly T[], columns: readonly TableColumn<T>[]): string {
  const cells = rows.map((r) =>
    columns.map((c) => {
      const v = c.value(r);
      return v === null || v === undefined ? '-' : typeof v === 'number' ? formatNumber(v) : v;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: readonly string[]): string =>
    vals
      .map((v, i) => (columns[i]!.right ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** Writes a table (or a note when there are no rows) to stdout. */
export function printTable<T>(
  io: CliIo,
  rows: readonly T[],
  columns: readonly TableColumn<T>[],
  empty = '(none)',
): void {
  io.stdout.write(`${rows.length === 0 ? empty : renderTable(rows, columns)}\n`);
}

/** Writes a value as pretty JSON to stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `key: value` lines, aligned. */
export function printFields(io: CliIo, fields: readonly (readonly [string, unknown])[]): void {
  const width = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) {
    const text = typeof v === 'number' ? formatNumber(v) : v === null || v === undefined ? '-' : String(v);
    io.stdout.write(`${`${k}:`.padEnd(width + 2)}${text}\n`);
  }
}

/**
 * Reports an error to stderr: the message, then the fix. A KeelError never shows a stack;
 * anything else is a bug and shows one (with `KEEL_INTERNAL`).
 */
export function printError(io: CliIo, error: unknown, json: boolean): void {
  if (json) {
    const body = isKeelError(error)
      ? error.toJSON()
      : { error: error instanceof Error ? error.message : String(error), code: 'KEEL_INTERNAL', details: {} };
    io.stderr.write(`${JSON.stringify(body)}\n`);
    return;
  }
  if (isKeelError(error)) {
    io.stderr.write(`${pc.red('error')} ${error.message}\n`);
    io.stderr.write(`${pc.dim(`  ${error.code}: ${ERROR_CODES[error.code].hint}`)}\n`);
    return;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`${pc.red('internal error')} (a bug in Keel, please report it)\n${stack}\n`);
}

import type {
  ColumnSummary,
  DataSummary,
  FailureExample,
  ReadResult,
  ValidationReport,
} from '../../data/index.js';
import type { CliIo } from '../cli-io.js';
import { formatNumber, formatTime, printFields, renderTable } from '../output.js';

const NUMBER_STATS = ['mean', 'std', 'min', 'p25', 'median', 'p75', 'max'] as const;

/** A column summary as JSON for `keel data inspect --json`: timestamps as ISO 8601 strings. */
export function columnJson(c: ColumnSummary): Record<string, unknown> {
  if (c.type !== 'timestamp') return { ...c };
  const iso = (v: number | null | undefined) =>
    v === null || v === undefined ? null : new Date(v).toISOString();
  return { ...c, min: iso(c.min), max: iso(c.max) };
}

function statCell(c: ColumnSummary, key: (typeof NUMBER_STATS)[number]): string {
  const v = c[key];
  if (v === undefined) return '';
  if (c.type === 'timestamp') return key === 'min' || key === 'max' ? formatTime(v) : '';
  return formatNumber(v);
}

function missingCell(c: ColumnSummary): string {
  return c.missing === 0 ? '0' : `${c.missing} (${formatNumber(c.missingShare * 100, 3)}%)`;
}

function topCell(c: ColumnSummary): string {
  if (!c.top) return '';
  const shown = c.top.slice(0, 5).map((l) => `${l.value} ${l.count}`);
  return `${shown.join(', ')}${c.distinct > shown.length ? ', ...' : ''}`;
}

/** Prints what `keel data inspect` shows: the source, its size and fingerprint, then a row per column. */
export function printSummary(
  io: CliIo,
  source: string,
  summary: DataSummary,
  digest: string,
  read: ReadResult,
): void {
  printFields(io, [
    ['source', source],
    ['rows', summary.rows],
    ['columns', summary.columns.length],
    ['fingerprint', digest.slice(0, 12)],
    ...(read.badRows.count > 0 ? ([['bad rows skipped', read.badRows.count]] as const) : []),
  ]);
  io.stdout.write('\n');
  io.stdout.write(
    `${renderTable(summary.columns, [
      { header: 'column', value: (c) => c.name },
      { header: 'type', value: (c) => c.type },
      { header: 'missing', value: missingCell, right: true },
      { header: 'distinct', value: (c) => c.distinct, right: true },
      ...NUMBER_STATS.map((key) => ({
        header: key,
        value: (c: ColumnSummary) => statCell(c, key),
        right: true,
      })),
      { header: 'top levels', value: topCell },
    ])}\n`,
  );
}

function exampleText(e: FailureExample): string {
  const where = e.line !== undefined ? `line ${e.line}` : `row ${e.row}`;
  const value = e.value === null ? 'missing' : typeof e.value === 'string' ? e.value : String(e.value);
  return `${where}: ${value.length > 40 ? `${value.slice(0, 37)}...` : value}`;
}

/** Prints a validation report: a verdict line, then one row per failing rule with examples. */
export function printReport(io: CliIo, source: string, expectFile: string, report: ValidationReport): void {
  const verdict = report.passed
    ? `All ${report.checked} rules passed`
    : `${report.failures.length} of ${report.checked} rules failed`;
  io.stdout.write(`${verdict}: ${source} (${report.rows} rows) against ${expectFile}\n`);
  if (report.passed) return;
  io.stdout.write('\n');
  io.stdout.write(
    `${renderTable(report.failures, [
      { header: 'column', value: (f) => f.column ?? '(table)' },
      { header: 'rule', value: (f) => f.rule },
      { header: 'expected', value: (f) => f.expected },
      { header: 'failing', value: (f) => f.failing, right: true },
      { header: 'examples', value: (f) => f.examples.map(exampleText).join('; ') },
    ])}\n`,
  );
}

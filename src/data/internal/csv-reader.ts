import { type DataType, KeelError } from '../../core/index.js';
import { type DuckDBSession, quoteIdent, quoteLiteral } from '../../storage/index.js';
import { duckdbTypeFor, keelTypeOf } from '../infer.js';
import type { ReadOptions } from '../read-options.js';
import type { FileSource } from '../source.js';
import { csvColumnNames } from './csv-header.js';

/** One CSV column as it will be scanned. */
export interface CsvColumn {
  readonly name: string;
  /** DuckDB type the scan parses it as. */
  readonly duckdbType: string;
  /** True when the user declared its type. */
  readonly declared: boolean;
  /** True when the sniffer saw only integers: scanned as DOUBLE, labelled integer if every value is whole. */
  readonly integer?: boolean;
  /** A date/time column: scanned as text and parsed with TRY_CAST (see `csvSelect`). */
  readonly timestamp?: boolean;
}

/** How a CSV file is scanned: its dialect and columns, and whether types still need inferring. */
export interface CsvPlan {
  readonly path: string;
  readonly delimiter: string;
  readonly header: boolean;
  readonly nullValues: readonly string[];
  readonly columns: readonly CsvColumn[];
  /** True when DuckDB's sniffer failed: undeclared columns are scanned as VARCHAR and typed afterwards. */
  readonly inferAfterScan: boolean;
}

/** Widening steps for a column whose sniffed type met a value it cannot hold further down the file. */
const WIDER: Readonly<Record<string, string>> = {
  DOUBLE: 'VARCHAR',
  BOOLEAN: 'VARCHAR',
};

const INTEGER_TYPES = /^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT)$/;

/**
 * How a sniffed type is scanned. Integers as DOUBLE: DuckDB's text-to-BIGINT cast rounds, so a
 * late `1.5` would silently become 2. Dates and times as text, parsed afterwards: DuckDB's CSV
 * reader turns an unparseable TIMESTAMPTZ into NULL without a reject, and TIMESTAMP drops offsets.
 */
function scanType(sniffed: string): { duckdbType: string; integer?: boolean; timestamp?: boolean } {
  const t = sniffed.toUpperCase();
  if (INTEGER_TYPES.test(t)) return { duckdbType: 'DOUBLE', integer: true };
  if (t === 'FLOAT' || t.startsWith('DECIMAL')) return { duckdbType: 'DOUBLE' };
  if (t === 'DATE' || t.startsWith('TIMESTAMP')) return { duckdbType: 'VARCHAR', timestamp: true };
  return { duckdbType: sniffed };
}

function declaredColumn(name: string, type: DataType): CsvColumn {
  if (type === 'timestamp') return { name, duckdbType: 'VARCHAR', declared: true, timestamp: true };
  return { name, duckdbType: duckdbTypeFor(type), declared: true };
}

function dialectArgs(plan: Pick<CsvPlan, 'delimiter' | 'header' | 'nullValues'>): string {
  const nulls = plan.nullValues.map(quoteLiteral).join(', ');
  return `delim=${quoteLiteral(plan.delimiter)}, quote='"', escape='"', header=${plan.header}, nullstr=[${nulls}]`;
}

function checkDeclared(names: readonly string[], options: ReadOptions, file: string): void {
  const known = new Set(names);
  const wanted = [...Object.keys(options.types ?? {}), ...(options.columns ?? [])];
  const missing = wanted.find((n) => !known.has(n));
  if (missing !== undefined) {
    throw new KeelError(
      'KEEL_FRAME_COLUMN_NOT_FOUND',
      `${file} has no column "${missing}". Its columns are: ${names.join(', ')}.`,
      { details: { file, column: missing, columns: names } },
    );
  }
}

/**
 * Plans the scan of a CSV file: DuckDB's sniffer (on a sample) gives the column types, declared
 * types override them. When the sniffer cannot make sense of the file (a malformed line early
 * on), the header is read by Keel and every undeclared column is scanned as text, so the bad
 * lines are still reported one by one and the types inferred afterwards.
 */
export async function planCsv(
  session: DuckDBSession,
  source: FileSource,
  options: ReadOptions,
): Promise<CsvPlan> {
  const base = {
    path: source.path,
    delimiter: options.delimiter ?? (/\.tsv(\.gz)?$/i.test(source.path) ? '\t' : ','),
    header: options.header ?? true,
    nullValues: options.nullValues ?? [''],
  };
  const declared = options.types ?? {};
  let sniffed: { name: string; type: string }[] | null = null;
  try {
    const rows = await session.queryRows(
      `SELECT Columns AS columns FROM sniff_csv(${quoteLiteral(source.path)}, ${dialectArgs(base)})`,
    );
    sniffed = (rows[0]?.columns as { name: string; type: string }[] | undefined) ?? null;
  } catch {
    sniffed = null;
  }
  const names = sniffed
    ? sniffed.map((c) => c.name)
    : await csvColumnNames(source.path, base.delimiter, base.header);
  checkDeclared(names, options, source.path);
  const columns = names.map((name, j): CsvColumn => {
    const type = declared[name];
    if (type !== undefined) return declaredColumn(name, type);
    return { name, ...scanType(sniffed ? sniffed[j]!.type : 'VARCHAR'), declared: false };
  });
  return { ...base, columns, inferAfterScan: sniffed === null };
}

/** The plan with the named undeclared columns widened one step; false when none could widen. */
export function widen(plan: CsvPlan, names: ReadonlySet<string>): CsvPlan | false {
  let changed = false;
  const columns = plan.columns.map((c) => {
    if (c.declared || !names.has(c.name)) return c;
    if (c.timestamp) {
      changed = true;
      return { name: c.name, duckdbType: 'VARCHAR', declared: false };
    }
    const wider = WIDER[c.duckdbType.toUpperCase()] ?? 'VARCHAR';
    if (wider === c.duckdbType) return c;
    changed = true;
    return { name: c.name, duckdbType: wider, declared: false };
  });
  return changed ? { ...plan, columns } : false;
}

/** The `read_csv(...)` table expression for a plan, recording bad rows in `rejects` (a temp table). */
export function csvScanSql(plan: CsvPlan, rejects: { table: string; scan: string }): string {
  const columns = plan.columns
    .map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.duckdbType)}`)
    .join(', ');
  return (
    `read_csv(${quoteLiteral(plan.path)}, ${dialectArgs(plan)}, auto_detect=false, columns={${columns}}, ` +
    `store_rejects=true, rejects_table=${quoteLiteral(rejects.table)}, rejects_scan=${quoteLiteral(rejects.scan)})`
  );
}

/** The Keel type a plan column reads as (strings: categorical until the cardinality rule decides). */
export function csvKeelType(
  plan: CsvPlan,
  name: string,
  declared: Readonly<Record<string, DataType>>,
): DataType | undefined {
  const own = declared[name];
  if (own !== undefined) return own;
  const column = plan.columns.find((c) => c.name === name);
  if (!column) return undefined;
  if (column.timestamp) return 'timestamp';
  return column.integer ? 'integer' : keelTypeOf(column.duckdbType);
}

/**
 * Types VARCHAR columns of a table scanned as text (after the sniffer failed) the way the sniffer
 * would: the first of DOUBLE, BOOLEAN, TIMESTAMPTZ that every non-missing value casts to, else
 * VARCHAR (whole numbers are then labelled integer, see `settleIntegers`). Returns the target type
 * per column.
 */
export async function inferFromText(
  session: DuckDBSession,
  table: string,
  columns: readonly CsvColumn[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const candidates = ['DOUBLE', 'BOOLEAN', 'TIMESTAMPTZ'];
  const open = columns.filter((c) => !c.declared && !c.timestamp && c.duckdbType === 'VARCHAR');
  if (open.length === 0) return out;
  const checks = open.flatMap((c, k) =>
    candidates.map(
      (t, i) =>
        `count(*) FILTER (WHERE ${quoteIdent(c.name)} IS NOT NULL AND TRY_CAST(${quoteIdent(c.name)} AS ${t}) IS NULL) AS "c${k}_${i}"`,
    ),
  );
  const counts = (
    await session.queryRows(`SELECT count(*) AS n, ${checks.join(', ')} FROM ${quoteIdent(table)}`)
  )[0]!;
  open.forEach((c, k) => {
    const i = candidates.findIndex((_, i) => counts[`c${k}_${i}`] === 0);
    const type = Number(counts.n) > 0 && i >= 0 ? candidates[i]! : 'VARCHAR';
    if (type !== 'VARCHAR') out.set(c.name, type);
  });
  return out;
}

import { type DataType, isNumberType, KeelError } from '../../core/index.js';
import { type DuckDBSession, quoteIdent } from '../../storage/index.js';
import { duckdbTypeFor, keelTypeOf } from '../infer.js';

/** A column of a self-describing source (Parquet, JSON Lines) as DuckDB reads it. */
export interface SourceColumn {
  readonly name: string;
  readonly duckdbType: string;
}

/** A declared type that needs a CAST in SQL (a string read as a number, a number read as text...). */
export interface DeclaredCast {
  readonly name: string;
  readonly target: string;
  readonly type: DataType;
}

/** ISO 8601 dates and date-times, with optional fraction and zone (naive ones are read as UTC). */
const ISO_TIMESTAMP = String.raw`^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$`;

/** The columns of a table expression (`read_parquet(...)`, `read_json(...)`), from DuckDB's DESCRIBE. */
export async function describeColumns(session: DuckDBSession, from: string): Promise<SourceColumn[]> {
  const rows = await session.queryRows(`DESCRIBE SELECT * FROM ${from}`);
  return rows.map((r) => ({ name: String(r.column_name), duckdbType: String(r.column_type) }));
}

/** Fails with `KEEL_FRAME_COLUMN_NOT_FOUND` when a declared or selected column is not in the source. */
export function checkColumns(
  file: string,
  columns: readonly SourceColumn[],
  wanted: readonly string[],
): void {
  const names = columns.map((c) => c.name);
  const missing = wanted.find((n) => !names.includes(n));
  if (missing !== undefined) {
    throw new KeelError(
      'KEEL_FRAME_COLUMN_NOT_FOUND',
      `${file} has no column "${missing}". Its columns are: ${names.join(', ')}.`,
      {
        details: { file, column: missing, columns: names },
      },
    );
  }
}

/**
 * The casts declared types need. Numbers are only relabelled among number types (an integer
 * column may be declared numeric or boolean; epoch-ms numbers may be declared timestamp);
 * strings are parsed into declared number types, anything is rendered as text when declared
 * categorical or text.
 */
export function declaredCasts(
  columns: readonly SourceColumn[],
  declared: Readonly<Record<string, DataType>>,
): DeclaredCast[] {
  const out: DeclaredCast[] = [];
  for (const c of columns) {
    const type = declared[c.name];
    if (type === undefined) continue;
    const source = keelTypeOf(c.duckdbType);
    const stringSource = source === 'categorical' || source === 'text';
    if (isNumberType(type) && !stringSource && isNumberType(source)) continue;
    if (!isNumberType(type) && stringSource && c.duckdbType.toUpperCase() === 'VARCHAR') continue;
    out.push({ name: c.name, target: duckdbTypeFor(type), type });
  }
  return out;
}

/** Undeclared VARCHAR columns whose every value is an ISO 8601 timestamp (read as timestamps). */
export async function isoTimestampColumns(
  session: DuckDBSession,
  from: string,
  columns: readonly SourceColumn[],
  declared: Readonly<Record<string, DataType>>,
): Promise<string[]> {
  const open = columns.filter(
    (c) => c.duckdbType.toUpperCase() === 'VARCHAR' && declared[c.name] === undefined,
  );
  if (open.length === 0) return [];
  const checks = open.map((c, k) => {
    const q = quoteIdent(c.name);
    return `count(${q}) AS "n${k}", count(*) FILTER (WHERE ${q} IS NOT NULL AND (NOT regexp_full_match(${q}, '${ISO_TIMESTAMP}') OR TRY_CAST(${q} AS TIMESTAMPTZ) IS NULL)) AS "bad${k}"`;
  });
  const row = (await session.queryRows(`SELECT ${checks.join(', ')} FROM ${from}`))[0]!;
  return open.filter((_, k) => Number(row[`n${k}`]) > 0 && row[`bad${k}`] === 0).map((c) => c.name);
}

/** The SELECT list: wanted columns in order, with declared casts, timestamp parsing and JSON values unwrapped. */
export function selectList(
  columns: readonly SourceColumn[],
  wanted: readonly string[] | undefined,
  casts: readonly DeclaredCast[],
  timestamps: readonly string[],
): string {
  const byName = new Map(casts.map((c) => [c.name, c.target]));
  for (const t of timestamps) byName.set(t, 'TIMESTAMPTZ');
  const json = new Set(columns.filter((c) => c.duckdbType.toUpperCase() === 'JSON').map((c) => c.name));
  return (wanted ?? columns.map((c) => c.name))
    .map((name) => {
      const target = byName.get(name);
      const q = quoteIdent(name);
      if (target !== undefined) return `CAST(${q} AS ${target}) AS ${q}`;
      // Mixed-type JSON values: strings without their quotes, anything else as JSON text.
      return json.has(name) ? `(${q} ->> '$') AS ${q}` : q;
    })
    .join(', ');
}

import { resolve } from 'node:path';
import { KeelError } from '../core/index.js';

/** A file Keel reads through DuckDB. `path` is absolute. */
export interface FileSource {
  readonly kind: 'csv' | 'parquet' | 'jsonl';
  readonly path: string;
}

/** A PostgreSQL table or query. `url` is the connection URL without Keel's `table`/`query` parameters. */
export interface PostgresSource {
  readonly kind: 'postgres';
  readonly url: string;
  /** A table name (optionally `schema.table`), or undefined when `query` is set. */
  readonly table?: string;
  readonly query?: string;
}

/** Where data is read from. */
export type DataSource = FileSource | PostgresSource;

/** The file formats Keel reads and writes, by extension (a trailing `.gz` is allowed for CSV and JSONL). */
export const FILE_FORMATS: Readonly<Record<string, FileSource['kind']>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.parquet': 'parquet',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The format of a file path by its extension, or undefined. */
export function formatOf(path: string): FileSource['kind'] | undefined {
  const lower = path.toLowerCase().replace(/\.gz$/, '');
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? undefined : FILE_FORMATS[lower.slice(dot)];
}

/**
 * Parses a source: a file path (resolved against `cwd`) with a known extension, or a
 * `postgres://` / `postgresql://` URL naming a table or query, either in the options or as a
 * `table=` / `query=` URL parameter. Throws `KEEL_DATA_UNSUPPORTED_FORMAT` for anything else.
 */
export function parseSource(
  source: string,
  options: { readonly cwd?: string; readonly table?: string; readonly query?: string } = {},
): DataSource {
  if (/^postgres(ql)?:\/\//i.test(source)) return parsePostgres(source, options);
  const kind = formatOf(source);
  if (!kind) {
    throw new KeelError(
      'KEEL_DATA_UNSUPPORTED_FORMAT',
      `Cannot read ${source}: unknown file type. Keel reads ${Object.keys(FILE_FORMATS).join(', ')} files and postgres:// tables.`,
      { details: { source } },
    );
  }
  return { kind, path: resolve(options.cwd ?? process.cwd(), source) };
}

function parsePostgres(
  source: string,
  options: { readonly table?: string; readonly query?: string },
): PostgresSource {
  let url: URL;
  try {
    url = new URL(source);
  } catch (error) {
    throw new KeelError(
      'KEEL_DATA_UNSUPPORTED_FORMAT',
      `"${redactUrl(source)}" is not a valid PostgreSQL URL.`,
      {
        cause: error,
      },
    );
  }
  const table = options.table ?? url.searchParams.get('table') ?? undefined;
  const query = options.query ?? url.searchParams.get('query') ?? undefined;
  url.searchParams.delete('table');
  url.searchParams.delete('query');
  if ((table === undefined) === (query === undefined)) {
    throw new KeelError(
      'KEEL_DATA_UNSUPPORTED_FORMAT',
      `Reading ${redactUrl(source)} needs exactly one of a table or a query, e.g. postgres://host/db?table=public.transactions.`,
      { details: { source: redactUrl(source) } },
    );
  }
  return { kind: 'postgres', url: url.toString(), ...(table === undefined ? { query: query! } : { table }) };
}

/** A source as shown to users: files by path, PostgreSQL URLs without the password. */
export function describeSource(source: DataSource): string {
  if (source.kind !== 'postgres') return source.path;
  return `${redactUrl(source.url)} ${source.table === undefined ? `(query)` : `table ${source.table}`}`;
}

function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}

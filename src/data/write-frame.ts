import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type Frame, KeelError } from '../core/index.js';
import { type DuckDBEngine, quoteIdent, quoteLiteral } from '../storage/index.js';
import { KEEL_SCHEMA_KEY } from './internal/parquet-table.js';
import { withEngine } from './read-frame.js';
import { type FileSource, formatOf } from './source.js';

/** Options for `writeFrame`. */
export interface WriteOptions {
  /** Format (default: from the extension: .csv/.tsv, .parquet, .jsonl/.ndjson; `.gz` compresses CSV and JSONL). */
  readonly format?: FileSource['kind'];
  /** CSV field separator (default `,`, or a tab for `.tsv`). */
  readonly delimiter?: string;
  /** Engine to write with (default: a private in-memory engine). */
  readonly engine?: DuckDBEngine;
  /**
   * Parquet compression (default `zstd`, the smallest files; `snappy` costs less CPU and, with its
   * 16 KB tables instead of zstd's megabyte, less of the caches other threads use).
   */
  readonly parquetCompression?: 'zstd' | 'snappy';
}

/** What `writeFrame` wrote. */
export interface WriteResult {
  /** Absolute path of the file. */
  readonly path: string;
  readonly format: FileSource['kind'];
  readonly rows: number;
  readonly bytes: number;
}

function selectFor(frame: Frame, format: FileSource['kind']): string {
  return frame.columns
    .map((c) => {
      const q = quoteIdent(c.name);
      // Text formats get ISO 8601 UTC instants (`2024-01-01T00:14:42.000Z`); Parquet keeps a TIMESTAMPTZ.
      return c.type === 'timestamp' && format !== 'parquet'
        ? `strftime(${q}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${q}`
        : q;
    })
    .join(', ');
}

function copyOptions(frame: Frame, format: FileSource['kind'], path: string, options: WriteOptions): string {
  const gzip = /\.gz$/i.test(path) ? ', COMPRESSION gzip' : '';
  if (format === 'parquet') {
    const schema = JSON.stringify(frame.schema.fields.map((f) => ({ name: f.name, type: f.type })));
    return `FORMAT parquet, COMPRESSION ${options.parquetCompression ?? 'zstd'}, KV_METADATA {${quoteLiteral(KEEL_SCHEMA_KEY)}: ${quoteLiteral(schema)}}`;
  }
  if (format === 'jsonl') return `FORMAT json${gzip}`;
  const delimiter = options.delimiter ?? (/\.tsv(\.gz)?$/i.test(path) ? '\t' : ',');
  return `FORMAT csv, HEADER true, DELIMITER ${quoteLiteral(delimiter)}${gzip}`;
}

/**
 * Writes a frame to a CSV, Parquet or JSON Lines file, atomically: the data goes to a temporary
 * file beside the target, which is renamed over it only when complete, so readers never see a
 * partial file; a failure (`KEEL_DATA_WRITE_FAILED`) leaves any previous file as it was. Parquet files carry the Keel schema (`keel.schema` metadata), so `readFrame` gives
 * back the same column types; CSV and JSON Lines write timestamps as ISO 8601 UTC and missing
 * values as empty fields / `null`.
 */
export async function writeFrame(
  frame: Frame,
  path: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const target = resolve(path);
  const format = options.format ?? formatOf(target);
  if (!format) {
    throw new KeelError(
      'KEEL_DATA_UNSUPPORTED_FORMAT',
      `Cannot write ${target}: use a .csv, .tsv, .parquet, .jsonl or .ndjson file.`,
      {
        details: { file: target },
      },
    );
  }
  if (frame.columns.length === 0) {
    throw new KeelError('KEEL_DATA_EMPTY', `Nothing to write to ${target}: the frame has no columns.`, {
      details: { file: target },
    });
  }
  await mkdir(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await withEngine(options.engine, (engine) =>
      engine.withSession((session) =>
        session.withFrame(frame, (table) =>
          session.exec(
            `COPY (SELECT ${selectFor(frame, format)} FROM ${table}) TO ${quoteLiteral(temp)} (${copyOptions(frame, format, target, options)})`,
          ),
        ),
      ),
    );
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof KeelError) throw error;
    const reason = (error as Error).message.split('\n')[0];
    throw new KeelError('KEEL_DATA_WRITE_FAILED', `Cannot write ${target}: ${reason}. Nothing was changed.`, {
      cause: error,
      details: { file: target },
    });
  }
  return { path: target, format, rows: frame.rowCount, bytes: (await stat(target)).size };
}

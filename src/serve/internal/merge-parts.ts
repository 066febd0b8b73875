import { rename, rm } from 'node:fs/promises';
import { KeelError, type Schema } from '../../core/index.js';
import { type DuckDBEngine, quoteIdent, quoteLiteral } from '../../storage/index.js';

/** The Parquet key-value entry `readFrame` reads column types back from (see src/data). */
const KEEL_SCHEMA_KEY = 'keel.schema';

function copyOptions(schema: Schema, format: 'csv' | 'parquet' | 'jsonl', path: string): string {
  const gzip = /\.gz$/i.test(path) ? ', COMPRESSION gzip' : '';
  if (format === 'parquet') {
    const types = JSON.stringify(schema.fields.map((f) => ({ name: f.name, type: f.type })));
    return `FORMAT parquet, COMPRESSION zstd, KV_METADATA {${quoteLiteral(KEEL_SCHEMA_KEY)}: ${quoteLiteral(types)}}`;
  }
  if (format === 'jsonl') return `FORMAT json${gzip}`;
  const delimiter = /\.tsv(\.gz)?$/i.test(path) ? '\t' : ',';
  return `FORMAT csv, HEADER true, DELIMITER ${quoteLiteral(delimiter)}${gzip}`;
}

/**
 * Concatenates Parquet part files (in order, rows in order) into one CSV, Parquet or JSON Lines
 * file with DuckDB, streaming: memory does not grow with the row count. The result is written to a
 * temporary file beside `target` and renamed over it, so readers never see a partial file.
 * Timestamps are written as ISO 8601 UTC in text formats, as `writeFrame` does.
 */
export async function mergeParts(
  engine: DuckDBEngine,
  parts: readonly string[],
  schema: Schema,
  format: 'csv' | 'parquet' | 'jsonl',
  target: string,
): Promise<void> {
  const select = schema.fields
    .map((f) => {
      const q = quoteIdent(f.name);
      return f.type === 'timestamp' && format !== 'parquet'
        ? `strftime(${q}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${q}`
        : q;
    })
    .join(', ');
  const files = `[${parts.map(quoteLiteral).join(', ')}]`;
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await engine.withSession(async (s) => {
      await s.exec('SET preserve_insertion_order = true');
      await s.exec(
        `COPY (SELECT ${select} FROM read_parquet(${files})) TO ${quoteLiteral(temp)} (${copyOptions(schema, format, target)})`,
      );
    });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof KeelError) throw error;
    throw new KeelError(
      'KEEL_DATA_WRITE_FAILED',
      `Cannot write ${target}: ${(error as Error).message.split('\n')[0]}. Nothing was changed.`,
      { cause: error, details: { file: target } },
    );
  }
}

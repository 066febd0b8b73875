import type { Frame } from '../core/index.js';
import { openDuckDBEngine } from '../storage/index.js';
import { csvBatches } from './internal/csv-batches.js';
import { jsonlBatches } from './internal/jsonl-table.js';
import { parquetBatches } from './internal/parquet-table.js';
import { postgresBatches } from './internal/postgres-table.js';
import { resolveSource } from './read-frame.js';
import type { ReadBatchesOptions } from './read-options.js';
import type { DataSource } from './source.js';

/**
 * Reads a source as a sequence of frames of `batchRows` rows (the last may be shorter), holding
 * one batch at a time, so files larger than memory are processed with flat memory.
 *
 * Every batch has the same columns and types: string columns are typed once from the first
 * `sampleRows` rows (or declare them in `types`). Categorical levels are per batch (in order of
 * first appearance); map them by value, not by code. Bad rows: structural ones fail (or are
 * skipped) before the first batch; values that do not fit a type are only known when the scan
 * ends, so with `badRows: 'fail'` the iterator may throw after its last batch; write outputs
 * atomically. With `skip`, `onBadRows` receives the report at the end.
 */
export async function* readBatches(
  source: string | DataSource,
  options: ReadBatchesOptions = {},
): AsyncGenerator<Frame> {
  const parsed = await resolveSource(source, options);
  if (parsed.kind === 'postgres') {
    yield* postgresBatches(parsed, options);
    return;
  }
  const own = options.engine ? null : await openDuckDBEngine();
  const engine = options.engine ?? own!;
  const session = await engine.acquire();
  try {
    if (parsed.kind === 'csv') yield* csvBatches(session, parsed, options);
    else if (parsed.kind === 'jsonl') yield* jsonlBatches(session, parsed, options);
    else yield* parquetBatches(session, parsed, options);
  } finally {
    await engine.release(session);
    await own?.close();
  }
}

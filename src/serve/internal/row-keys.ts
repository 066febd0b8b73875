import { createHash } from 'node:crypto';
import { rowWidth, type TensorBatch } from '../tensor.js';

/** What makes a prediction reusable: the exact model version and its file. */
export interface CacheScope {
  readonly model: string;
  readonly version: number;
  readonly artifactDigest: string;
}

function hashRows(scope: CacheScope, batch: TensorBatch, start: number, rows: number): string {
  const h = createHash('sha256');
  h.update(scope.artifactDigest);
  for (const t of batch.tensors) {
    const w = rowWidth(t.shape);
    h.update(`\u0000${t.name}\u0000${t.datatype}\u0000${t.shape.slice(1).join(',')}\u0000${rows}\u0000`);
    if (Array.isArray(t.data)) {
      for (let i = start * w; i < (start + rows) * w; i++) {
        const s = t.data[i]!;
        h.update(`${s.length}:`);
        h.update(s);
      }
    } else {
      const typed = t.data as Float64Array;
      const bpe = typed.BYTES_PER_ELEMENT;
      h.update(new Uint8Array(typed.buffer, typed.byteOffset + start * w * bpe, rows * w * bpe));
    }
  }
  return `${scope.model}/${scope.version}:${h.digest('base64url')}`;
}

/**
 * Cache keys of the model input, hashed (sha256) over the encoded tensors: names, datatypes, row
 * shapes and raw bytes, so key order, number formatting (1 vs 1.0) and fields the model ignores do
 * not split the cache. One key per row when `perRow` (rows are independent), else one for the batch.
 */
export function cacheKeys(scope: CacheScope, batch: TensorBatch, perRow: boolean): string[] {
  if (!perRow) return [hashRows(scope, batch, 0, batch.rows)];
  const keys = new Array<string>(batch.rows);
  for (let i = 0; i < batch.rows; i++) keys[i] = hashRows(scope, batch, i, 1);
  return keys;
}

import type { Clock } from '../../core/index.js';
import { rowWidth, type TensorBatch } from '../tensor.js';
import type { CacheScope } from './row-keys.js';

interface NearEntry {
  readonly output: TensorBatch;
  readonly expiresAt: number;
}

/**
 * The prediction cache's in-process front: outputs this process wrote to the cache store, keyed by
 * the exact model input (the version's identity plus the raw tensor bytes, no hashing) and kept
 * until the same expiry as the store entry. A hit here is a map lookup, answered synchronously;
 * only misses pay for the sha256 key and the store round trip. Entries are immutable (a model
 * version's output for an input never changes), so holding them beside the store cannot serve
 * anything the store would not. Bounded: past `maxEntries` the oldest entry goes.
 */
export class NearCache {
  private readonly entries = new Map<string, NearEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number,
  ) {}

  /** The clock entries expire on. */
  now(): number {
    return this.clock.now();
  }

  get size(): number {
    return this.entries.size;
  }

  /** True when it holds nothing by configuration (`maxEntries` 0). */
  get disabled(): boolean {
    return this.maxEntries <= 0;
  }

  /** The output stored under `key`, or undefined when absent or expired (and then forgotten). */
  get(key: string): TensorBatch | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (this.clock.now() < e.expiresAt) return e.output;
    this.entries.delete(key);
    return undefined;
  }

  /** Holds `output` under `key` until `expiresAt` (epoch ms on the clock). */
  set(key: string, output: TensorBatch, expiresAt: number): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { output, expiresAt });
  }
}

/**
 * The exact key of rows `[start, start + rows)` of a model input: the version's identity, then per
 * tensor its name, datatype and row shape and the rows' raw bytes (typed data, as latin1 text) or
 * strings (length-prefixed). Equal keys mean byte-identical model inputs.
 */
export function exactRowsKey(scope: CacheScope, batch: TensorBatch, start: number, rows: number): string {
  let key = `${scope.model}/${scope.version}/${scope.artifactDigest}`;
  for (const t of batch.tensors) {
    const w = rowWidth(t.shape);
    key += `\u0000${t.name}\u0000${t.datatype}\u0000${rowShape(t.shape)}\u0000${rows}\u0000`;
    if (Array.isArray(t.data)) {
      for (let i = start * w; i < (start + rows) * w; i++) {
        const s = t.data[i]!;
        key += `${s.length}:${s}`;
      }
    } else {
      const typed = t.data as Float64Array;
      const bpe = typed.BYTES_PER_ELEMENT;
      key += Buffer.from(typed.buffer, typed.byteOffset + start * w * bpe, rows * w * bpe).toString('latin1');
    }
  }
  return key;
}

function rowShape(shape: readonly number[]): string {
  if (shape.length === 2) return String(shape[1]);
  return shape.slice(1).join(',');
}

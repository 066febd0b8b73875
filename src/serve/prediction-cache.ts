import type { Logger } from '../core/index.js';
import type { CacheStore } from '../storage/index.js';
import { decodeBatch, encodeBatch } from './internal/batch-codec.js';
import { type CacheScope, cacheKeys } from './internal/row-keys.js';
import { concatBatches, gatherRows, sliceBatch } from './internal/tensor-ops.js';
import type { TensorBatch } from './tensor.js';

/** Prediction-cache settings. */
export interface PredictionCacheOptions {
  /** Cache-store namespace for predictions. Default `predictions`. */
  readonly namespace?: string;
  /** How long a prediction stays reusable, in ms. Default 60,000. */
  readonly ttlMs?: number;
  /** Where cache-store failures are reported (at most once a minute). */
  readonly log?: Logger;
}

/** Counters of the prediction cache (Triton's `nv_cache_*`). */
export interface PredictionCacheStats {
  /** Rows answered from the store. */
  hits: number;
  /** Rows computed because the store did not have them. */
  misses: number;
  /** Rows that joined an identical computation already running (single-flight). */
  coalesced: number;
  /** Store failures, each treated as a miss (reads) or ignored (writes). */
  errors: number;
}

/** Where a cached prediction came from. */
export interface CachedOutput {
  readonly output: TensorBatch;
  /** True when every row came from the store (nothing computed for this request). */
  readonly cached: boolean;
}

/**
 * A prediction cache over any `CacheStore`. Keys are the model version's identity plus a sha256 of
 * the encoded model input (see `cacheKeys`), one per row for batchable models, so a multi-row request
 * reuses rows seen before and computes only the rest in one call. Identical misses in flight at the
 * same time are computed once (single-flight, per process). Store failures count as misses: the
 * cache can slow a request down by one store round trip but never fail it.
 */
export class PredictionCache {
  readonly stats: PredictionCacheStats = { hits: 0, misses: 0, coalesced: 0, errors: 0 };
  private readonly namespace: string;
  private readonly ttlMs: number;
  private readonly inflight = new Map<string, Promise<TensorBatch>>();
  private lastWarnAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly store: CacheStore,
    private readonly options: PredictionCacheOptions = {},
  ) {
    this.namespace = options.namespace ?? 'predictions';
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  /** The output for `input`, from the store where possible, else from `compute` (called at most once). */
  async predict(
    scope: CacheScope,
    input: TensorBatch,
    perRow: boolean,
    compute: (batch: TensorBatch) => TensorBatch | Promise<TensorBatch>,
  ): Promise<CachedOutput> {
    const keys = cacheKeys(scope, input, perRow);
    const unique: string[] = [];
    const slotOf = new Map<string, number>();
    const firstRow: number[] = [];
    const rowSlot = keys.map((k, row) => {
      let s = slotOf.get(k);
      if (s === undefined) {
        s = unique.length;
        slotOf.set(k, s);
        unique.push(k);
        firstRow.push(row);
      }
      return s;
    });
    const stored = await this.read(unique);
    const parts: (TensorBatch | Promise<TensorBatch>)[] = new Array(unique.length);
    const missing: number[] = [];
    for (let s = 0; s < unique.length; s++) {
      const hit = stored[s] ? this.decode(stored[s]!) : null;
      const running = hit ? undefined : this.inflight.get(unique[s]!);
      if (hit) {
        parts[s] = hit;
        this.stats.hits += perRow ? 1 : input.rows;
      } else if (running) {
        parts[s] = running;
        this.stats.coalesced += perRow ? 1 : input.rows;
      } else missing.push(s);
    }
    if (missing.length > 0) this.computeMissing(input, perRow, unique, firstRow, missing, parts, compute);
    const resolved = await Promise.all(parts);
    const output = perRow ? concatBatches(rowSlot.map((s) => resolved[s]!)) : resolved[0]!;
    return { output, cached: missing.length === 0 && parts.every((p) => !(p instanceof Promise)) };
  }

  private computeMissing(
    input: TensorBatch,
    perRow: boolean,
    unique: readonly string[],
    firstRow: readonly number[],
    missing: readonly number[],
    parts: (TensorBatch | Promise<TensorBatch>)[],
    compute: (batch: TensorBatch) => TensorBatch | Promise<TensorBatch>,
  ): void {
    this.stats.misses += perRow ? missing.length : input.rows;
    const sub = perRow
      ? gatherRows(
          input,
          missing.map((s) => firstRow[s]!),
        )
      : input;
    const all = Promise.resolve().then(() => compute(sub));
    const mine = missing.map((s, j) => {
      const p = perRow ? all.then((out) => sliceBatch(out, j, 1)) : all;
      this.inflight.set(unique[s]!, p);
      parts[s] = p;
      return p;
    });
    all
      .then((out) =>
        this.write(missing.map((s, j) => ({ key: unique[s]!, batch: perRow ? sliceBatch(out, j, 1) : out }))),
      )
      .catch(() => undefined)
      .finally(() => {
        missing.forEach((s, j) => {
          if (this.inflight.get(unique[s]!) === mine[j]) this.inflight.delete(unique[s]!);
        });
      });
  }

  private async read(keys: readonly string[]): Promise<(Uint8Array | null)[]> {
    try {
      return await this.store.get(this.namespace, keys);
    } catch (error) {
      this.failed(error);
      return keys.map(() => null);
    }
  }

  private decode(bytes: Uint8Array): TensorBatch | null {
    try {
      return decodeBatch(bytes);
    } catch (error) {
      this.failed(error);
      return null;
    }
  }

  private async write(entries: readonly { key: string; batch: TensorBatch }[]): Promise<void> {
    try {
      await this.store.set(
        this.namespace,
        entries.map((e) => ({ key: e.key, value: encodeBatch(e.batch), ttlMs: this.ttlMs })),
      );
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.stats.errors++;
    const now = performance.now();
    if (now - this.lastWarnAt > 60_000) {
      this.lastWarnAt = now;
      this.options.log?.warn({ err: error }, 'prediction cache store failed; serving without it');
    }
  }
}

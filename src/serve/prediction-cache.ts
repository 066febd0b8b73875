import { type Clock, type Logger, systemClock } from '../core/index.js';
import type { CacheStore } from '../storage/index.js';
import { decodeBatch, encodeBatch } from './internal/batch-codec.js';
import { exactRowsKey, NearCache } from './internal/near-cache.js';
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
  /**
   * The clock the store expires entries on; in-process copies expire on it too. Default the
   * engine's clock (the SDK opens the store and the engine on the same one).
   */
  readonly clock?: Clock;
  /**
   * Most outputs this process keeps in memory beside the store (the ones it wrote, until their TTL),
   * answered without hashing or a store round trip. Default 10,000; 0 turns the in-process copy off.
   */
  readonly nearEntries?: number;
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
  private readonly near: NearCache;

  constructor(
    readonly store: CacheStore,
    private readonly options: PredictionCacheOptions = {},
  ) {
    this.namespace = options.namespace ?? 'predictions';
    this.ttlMs = options.ttlMs ?? 60_000;
    this.near = new NearCache(options.clock ?? systemClock, options.nearEntries ?? 10_000);
  }

  /**
   * The output for `input`, from the store where possible, else from `compute` (called at most once).
   * Answers synchronously when every row is held in process (see `NearCache`).
   */
  predict(
    scope: CacheScope,
    input: TensorBatch,
    perRow: boolean,
    compute: (batch: TensorBatch) => TensorBatch | Promise<TensorBatch>,
  ): CachedOutput | Promise<CachedOutput> {
    const exact = this.nearKeys(scope, input, perRow);
    const held = this.nearHits(exact);
    if (held !== null) {
      // Counted as the store path counts them: distinct rows when per row, else the batch's rows.
      this.stats.hits += !perRow ? input.rows : held.length === 1 ? 1 : new Set(exact).size;
      return { output: perRow ? concatBatches(held) : held[0]!, cached: true };
    }
    return this.predictFromStore(scope, input, perRow, compute, exact);
  }

  /** Exact in-process keys (one per row when `perRow`), or null when the in-process copy is off. */
  private nearKeys(scope: CacheScope, input: TensorBatch, perRow: boolean): string[] | null {
    if (this.near.disabled) return null;
    if (!perRow) return [exactRowsKey(scope, input, 0, input.rows)];
    const keys = new Array<string>(input.rows);
    for (let i = 0; i < input.rows; i++) keys[i] = exactRowsKey(scope, input, i, 1);
    return keys;
  }

  /** Every key's held output, or null unless all are held. */
  private nearHits(exact: readonly string[] | null): TensorBatch[] | null {
    if (exact === null) return null;
    const out = new Array<TensorBatch>(exact.length);
    for (let i = 0; i < exact.length; i++) {
      const hit = this.near.get(exact[i]!);
      if (hit === undefined) return null;
      out[i] = hit;
    }
    return out;
  }

  private async predictFromStore(
    scope: CacheScope,
    input: TensorBatch,
    perRow: boolean,
    compute: (batch: TensorBatch) => TensorBatch | Promise<TensorBatch>,
    exact: readonly string[] | null,
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
    if (missing.length > 0) {
      const near = exact === null ? null : missing.map((s) => exact[firstRow[s]!]!);
      this.computeMissing(input, perRow, unique, firstRow, missing, parts, compute, near);
    }
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
    near: readonly string[] | null,
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
        this.write(
          missing.map((s, j) => ({ key: unique[s]!, batch: perRow ? sliceBatch(out, j, 1) : out })),
          near,
        ),
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

  /**
   * Writes computed outputs to the store; once the store holds them, this process keeps its own
   * copy (decoded from the stored bytes, so it shares no buffer with the request) under `near`.
   */
  private async write(
    entries: readonly { key: string; batch: TensorBatch }[],
    near: readonly string[] | null,
  ): Promise<void> {
    const expiresAt = this.near.now() + this.ttlMs;
    let values: Uint8Array[];
    try {
      values = entries.map((e) => encodeBatch(e.batch));
      await this.store.set(
        this.namespace,
        entries.map((e, i) => ({ key: e.key, value: values[i]!, ttlMs: this.ttlMs })),
      );
    } catch (error) {
      this.failed(error);
      return;
    }
    if (near === null) return;
    for (let i = 0; i < near.length; i++) this.near.set(near[i]!, decodeBatch(values[i]!), expiresAt);
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

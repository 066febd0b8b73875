import type { Clock } from '../../core/index.js';
import { assertCacheEntries, assertCacheKey, assertCacheNamespace } from '../cache-validation.js';
import type { CacheEntry, CacheStore } from '../contracts/index.js';

/** Size bounds of an in-process cache. */
export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used go first. Default 10,000. */
  readonly maxEntries?: number;
  /** Most bytes kept (values plus keys at 2 bytes a character). Default 64 MiB. */
  readonly maxBytes?: number;
}

interface Slot {
  readonly value: Uint8Array;
  /** Epoch ms of the store's clock; Infinity = no expiry. */
  readonly expiresAt: number;
  readonly bytes: number;
}

const SEP = '\u0000';
const OVERHEAD_BYTES = 64;

/**
 * An in-process LRU cache with TTL, bounded by entry count and bytes.
 *
 * A JavaScript `Map` keeps recency order (a hit moves the entry to the end); inserting past a bound
 * evicts from the front. Expired entries are dropped when read or when they reach the front, so
 * memory never exceeds the bounds. Expiry uses the store's `Clock`. Not shared between processes.
 */
export class MemoryCacheStore implements CacheStore {
  readonly backend = 'memory';
  readonly capabilities = { nativeTtl: false, shared: false, boundedLru: true } as const;
  private readonly entries = new Map<string, Slot>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    options: MemoryCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBytes = options.maxBytes ?? 64 * 2 ** 20;
  }

  /** Entries currently held (expired ones not yet dropped included). */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes currently accounted (values, keys and a fixed per-entry overhead). */
  get byteSize(): number {
    return this.bytes;
  }

  async get(namespace: string, keys: readonly string[]): Promise<(Uint8Array | null)[]> {
    assertCacheNamespace(namespace);
    const now = this.clock.now();
    const out = new Array<Uint8Array | null>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const id = namespace + SEP + keys[i];
      const slot = this.entries.get(id);
      if (!slot) {
        out[i] = null;
      } else if (slot.expiresAt <= now) {
        this.remove(id, slot);
        out[i] = null;
      } else {
        // Re-insert to mark it most recently used.
        this.entries.delete(id);
        this.entries.set(id, slot);
        out[i] = slot.value.slice();
      }
    }
    return out;
  }

  async set(namespace: string, entries: readonly CacheEntry[]): Promise<void> {
    assertCacheNamespace(namespace);
    assertCacheEntries(entries);
    const now = this.clock.now();
    for (const entry of entries) {
      const id = namespace + SEP + entry.key;
      const old = this.entries.get(id);
      if (old) this.remove(id, old);
      const bytes = entry.value.byteLength + id.length * 2 + OVERHEAD_BYTES;
      if (bytes > this.maxBytes) continue;
      const expiresAt = entry.ttlMs === undefined ? Number.POSITIVE_INFINITY : now + entry.ttlMs;
      this.entries.set(id, { value: entry.value.slice(), expiresAt, bytes });
      this.bytes += bytes;
      this.evict();
    }
  }

  async delete(namespace: string, keys: readonly string[]): Promise<number> {
    assertCacheNamespace(namespace);
    let removed = 0;
    for (const key of keys) {
      assertCacheKey(key);
      const id = namespace + SEP + key;
      const slot = this.entries.get(id);
      if (slot) {
        this.remove(id, slot);
        removed++;
      }
    }
    return removed;
  }

  async clearNamespace(namespace: string): Promise<number> {
    assertCacheNamespace(namespace);
    const prefix = namespace + SEP;
    let removed = 0;
    for (const [id, slot] of this.entries) {
      if (id.startsWith(prefix)) {
        this.remove(id, slot);
        removed++;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(id: string, slot: Slot): void {
    this.entries.delete(id);
    this.bytes -= slot.bytes;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const first = this.entries.entries().next();
      if (first.done) return;
      this.remove(first.value[0], first.value[1]);
    }
  }
}

/**
 * The cache store: short-lived key → bytes entries, used for the prediction cache.
 *
 * Entries live in namespaces (one per use, e.g. `predictions`), so a whole use can be cleared at
 * once without touching the others. Values are opaque bytes: callers encode what they store. Every
 * method is batch-first (many keys per round trip); a single key is a one-element batch.
 *
 * A cache may forget any entry at any time (eviction, expiry, restart): callers must treat a miss
 * as normal and never rely on an entry being present. Nothing here is transactional.
 */

/** What a cache backend can do, as data (the conformance suite reads it). */
export interface CacheCapabilities {
  /**
   * True when the server expires entries on its own wall clock (Redis `PX`); false when the store
   * expires them against the `Clock` it was opened with (so tests can drive expiry with a ManualClock).
   */
  readonly nativeTtl: boolean;
  /** True when every process opening the same URL sees the same entries (Redis); false in-process. */
  readonly shared: boolean;
  /** True when the store evicts least-recently-used entries to stay within its own size bounds. */
  readonly boundedLru: boolean;
}

/** One entry to store. */
export interface CacheEntry {
  /** 1..1024 characters, any text. */
  readonly key: string;
  /** The value; the store keeps its own copy, so the caller may reuse the buffer. */
  readonly value: Uint8Array;
  /** Time to live in milliseconds (a positive integer); absent = no expiry (only eviction). */
  readonly ttlMs?: number;
}

/** Short-lived key → bytes entries in namespaces. */
export interface CacheStore {
  /** Backend name (`memory`, `redis`). */
  readonly backend: string;
  readonly capabilities: CacheCapabilities;
  /**
   * The values of `keys` in `namespace`, in the order of `keys` (duplicates answered each time);
   * null for a key that is absent, expired or evicted. An empty value is returned as a 0-byte array,
   * never as null. The returned arrays belong to the caller.
   */
  get(namespace: string, keys: readonly string[]): Promise<(Uint8Array | null)[]>;
  /**
   * Stores entries, overwriting existing keys (last write wins; a later entry for the same key in
   * one call wins too). TTL counts from the moment of the call. Not atomic across entries.
   */
  set(namespace: string, entries: readonly CacheEntry[]): Promise<void>;
  /** Removes keys; returns how many existed. Absent keys are ignored (idempotent). */
  delete(namespace: string, keys: readonly string[]): Promise<number>;
  /** Removes every entry of `namespace`; returns how many were removed. Other namespaces are untouched. */
  clearNamespace(namespace: string): Promise<number>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

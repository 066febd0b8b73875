import type { Redis } from 'ioredis';
import { KeelError } from '../../core/index.js';
import { assertCacheEntries, assertCacheKey, assertCacheNamespace } from '../cache-validation.js';
import type { CacheEntry, CacheStore } from '../contracts/index.js';

const SCAN_COUNT = 500;

/** Escapes Redis glob characters so a literal prefix can be used in `SCAN MATCH`. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Maps client failures (connection refused, command timeout) to `KEEL_STORE_UNAVAILABLE`. */
function unavailable(error: unknown, url: string): KeelError {
  const message = error instanceof Error ? error.message : String(error);
  return new KeelError('KEEL_STORE_UNAVAILABLE', `Redis cache at ${url} failed: ${message}.`, {
    cause: error,
    details: { url },
  });
}

/**
 * The prediction cache in Redis: one string key per entry, `<prefix><namespace>:<key>`, TTL as `PX`.
 *
 * Reads are one `MGET`, writes one pipeline of `SET … PX`, deletes one `UNLINK`; clearing a namespace
 * walks `SCAN MATCH <prefix><namespace>:*` and unlinks in chunks (not atomic against concurrent writers).
 * Expiry follows the Redis server's clock. Shared by every process using the same URL and prefix.
 */
export class RedisCacheStore implements CacheStore {
  readonly backend = 'redis';
  readonly capabilities = { nativeTtl: true, shared: true, boundedLru: false } as const;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly url: string,
  ) {}

  private id(namespace: string, key: string): string {
    return `${this.prefix}${namespace}:${key}`;
  }

  async get(namespace: string, keys: readonly string[]): Promise<(Uint8Array | null)[]> {
    assertCacheNamespace(namespace);
    if (keys.length === 0) return [];
    const ids = keys.map((k) => this.id(namespace, k));
    try {
      const values = await this.client.mgetBuffer(...ids);
      return values.map((v) => (v === null ? null : new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
    } catch (error) {
      throw unavailable(error, this.url);
    }
  }

  async set(namespace: string, entries: readonly CacheEntry[]): Promise<void> {
    assertCacheNamespace(namespace);
    assertCacheEntries(entries);
    if (entries.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const e of entries) {
      const value = Buffer.from(e.value.buffer, e.value.byteOffset, e.value.byteLength);
      if (e.ttlMs === undefined) pipeline.set(this.id(namespace, e.key), value);
      else pipeline.set(this.id(namespace, e.key), value, 'PX', e.ttlMs);
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      throw unavailable(error, this.url);
    }
    const failed = results?.find(([err]) => err !== null);
    if (failed) throw unavailable(failed[0], this.url);
  }

  async delete(namespace: string, keys: readonly string[]): Promise<number> {
    assertCacheNamespace(namespace);
    if (keys.length === 0) return 0;
    for (const k of keys) assertCacheKey(k);
    try {
      return await this.client.unlink(...new Set(keys.map((k) => this.id(namespace, k))));
    } catch (error) {
      throw unavailable(error, this.url);
    }
  }

  async clearNamespace(namespace: string): Promise<number> {
    assertCacheNamespace(namespace);
    const match = `${globEscape(this.prefix + namespace)}:*`;
    let removed = 0;
    let cursor = '0';
    try {
      do {
        const [next, ids] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (ids.length > 0) removed += await this.client.unlink(...ids);
      } while (cursor !== '0');
    } catch (error) {
      throw unavailable(error, this.url);
    }
    return removed;
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

import { KeelError } from '../core/index.js';
import type { CacheEntry } from './contracts/index.js';

const NAMESPACE_RE = /^[A-Za-z0-9_.@/-]{1,200}$/;
const MAX_KEY_CHARS = 1024;

/**
 * Throws `KEEL_INVALID_ARGUMENT` unless `namespace` is 1..200 characters of letters, digits and
 * `_ . @ / -` (no `:` or glob characters, so backends can build `prefix + namespace + ":" + key` safely).
 */
export function assertCacheNamespace(namespace: string): void {
  if (typeof namespace !== 'string' || !NAMESPACE_RE.test(namespace)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Cache namespace ${JSON.stringify(String(namespace).slice(0, 80))} is not allowed: use 1-200 letters, digits, _ . @ / -.`,
      { details: { namespace: String(namespace).slice(0, 80) } },
    );
  }
}

/** Throws `KEEL_INVALID_ARGUMENT` unless `key` is a non-empty string of at most 1024 characters. */
export function assertCacheKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Cache key must be 1-${MAX_KEY_CHARS} characters, got ${typeof key === 'string' ? `${key.length} characters` : typeof key}.`,
      { details: { length: typeof key === 'string' ? key.length : null } },
    );
  }
}

/** Validates a `set` batch: keys, values (Uint8Array) and TTLs (positive integer milliseconds). */
export function assertCacheEntries(entries: readonly CacheEntry[]): void {
  for (const entry of entries) {
    assertCacheKey(entry.key);
    if (!(entry.value instanceof Uint8Array)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Cache value for key "${entry.key}" must be a Uint8Array.`,
        {
          details: { key: entry.key },
        },
      );
    }
    const ttl = entry.ttlMs;
    if (ttl !== undefined && !(Number.isSafeInteger(ttl) && ttl > 0)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Cache TTL for key "${entry.key}" must be a positive whole number of milliseconds, got ${String(ttl)}.`,
        { details: { key: entry.key, ttlMs: ttl } },
      );
    }
  }
}

/** Parses a positive integer URL parameter (`maxEntries=1000`), or returns `fallback` when absent. */
export function positiveIntParam(
  params: Readonly<Record<string, string>>,
  name: string,
  fallback: number,
  url: string,
): number {
  const raw = params[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `Parameter ${name}=${JSON.stringify(raw)} in "${url}" must be a positive whole number.`,
      { details: { url, parameter: name } },
    );
  }
  return value;
}

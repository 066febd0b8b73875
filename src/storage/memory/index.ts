import { positiveIntParam } from '../cache-validation.js';
import type { CacheStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

/** The in-process prediction cache: `memory:` or `memory:?maxEntries=10000&maxBytes=67108864`. */
export const memoryCacheDriver: DriverSpec<CacheStore> = {
  backend: 'memory',
  schemes: ['memory'],
  example: 'memory:?maxEntries=10000',
  capabilities: { nativeTtl: false, shared: false, boundedLru: true },
  async open(url, options) {
    const maxEntries = positiveIntParam(url.params, 'maxEntries', 10_000, url.redacted);
    const maxBytes = positiveIntParam(url.params, 'maxBytes', 64 * 2 ** 20, url.redacted);
    const { MemoryCacheStore } = await import('./memory-cache-store.js');
    return new MemoryCacheStore(options.clock, { maxEntries, maxBytes });
  },
};

export { type MemoryCacheOptions, MemoryCacheStore } from './memory-cache-store.js';

import { KeelError } from '../../core/index.js';
import { positiveIntParam } from '../cache-validation.js';
import type { CacheStore, Queue, StreamStore } from '../contracts/index.js';
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

/**
 * The in-process stream: `memory:` or `memory:?ackWaitMs=30000&maxMessages=1000000`. Messages live
 * in this process only (lost on a crash); acknowledgement deadlines run on the store's clock.
 */
export const memoryStreamDriver: DriverSpec<StreamStore> = {
  backend: 'memory',
  schemes: ['memory'],
  example: 'memory:?ackWaitMs=30000',
  capabilities: { durable: false, shared: false, nativeAckWait: false },
  async open(url, options) {
    const ackWaitMs = positiveIntParam(url.params, 'ackWaitMs', 30_000, url.redacted);
    const maxMessages = positiveIntParam(url.params, 'maxMessages', 1_000_000, url.redacted);
    const { MemoryStreamStore } = await import('./memory-stream-store.js');
    return new MemoryStreamStore(options.clock, { ackWaitMs, maxMessages });
  },
};

/**
 * The in-process job queue: `memory:` (no parameters). Jobs live in this process only, so workers
 * must run in it too; retries, backoff and lock expiry follow the store's clock.
 */
export const memoryQueueDriver: DriverSpec<Queue> = {
  backend: 'memory',
  schemes: ['memory'],
  example: 'memory:',
  capabilities: { shared: false, durable: false },
  async open(url, options) {
    const unknown = Object.keys(url.params);
    if (unknown.length > 0) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `The memory queue takes no parameters, got "${unknown[0]}" in "${url.redacted}".`,
        { details: { url: url.redacted, parameter: unknown[0] } },
      );
    }
    const { MemoryQueue } = await import('./memory-queue.js');
    return new MemoryQueue(options.clock);
  },
};

export { type MemoryCacheOptions, MemoryCacheStore } from './memory-cache-store.js';
export { MemoryQueue } from './memory-queue.js';
export { type MemoryStreamOptions, MemoryStreamStore } from './memory-stream-store.js';

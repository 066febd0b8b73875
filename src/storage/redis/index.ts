import { KeelError } from '../../core/index.js';
import { positiveIntParam } from '../cache-validation.js';
import type { CacheStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

const PREFIX_RE = /^[A-Za-z0-9_.:@/-]{0,100}$/;

/**
 * The shared prediction cache in Redis: `redis://host:6379/0?prefix=keel:cache:&timeoutMs=1000`.
 * `prefix` (default `keel:cache:`) namespaces every key; `timeoutMs` (default 1000) bounds each command.
 */
export const redisCacheDriver: DriverSpec<CacheStore> = {
  backend: 'redis',
  schemes: ['redis', 'rediss'],
  example: 'redis://127.0.0.1:6379/0?prefix=keel:cache:',
  capabilities: { nativeTtl: true, shared: true, boundedLru: false },
  async open(url) {
    const prefix = url.params.prefix ?? 'keel:cache:';
    if (!PREFIX_RE.test(prefix)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `Parameter prefix=${JSON.stringify(prefix)} in "${url.redacted}" may hold only letters, digits and _ . : @ / - (at most 100).`,
        { details: { url: url.redacted, parameter: 'prefix' } },
      );
    }
    const timeoutMs = positiveIntParam(url.params, 'timeoutMs', 1000, url.redacted);
    const { Redis } = await import('ioredis');
    const { RedisCacheStore } = await import('./redis-cache-store.js');
    // ioredis would read query parameters as client options: pass the URL without them.
    const client = new Redis(url.raw.split('?')[0]!, {
      lazyConnect: true,
      commandTimeout: timeoutMs,
      connectTimeout: timeoutMs * 5,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    client.on('error', () => {
      // Failures surface on the command that hits them as KEEL_STORE_UNAVAILABLE.
    });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `Cannot connect to the Redis cache at ${url.redacted}.`, {
        cause: error,
        details: { url: url.redacted },
      });
    }
    return new RedisCacheStore(client, prefix, url.redacted);
  },
};

export { RedisCacheStore } from './redis-cache-store.js';

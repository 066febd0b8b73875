import type { CacheStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';
import { connectRedis } from './redis-connect.js';

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
    const { client, prefix } = await connectRedis(url, {
      defaultPrefix: 'keel:cache:',
      what: 'Redis cache',
      autoPipelining: true,
    });
    const { RedisCacheStore } = await import('./redis-cache-store.js');
    return new RedisCacheStore(client, prefix, url.redacted);
  },
};

export { RedisCacheStore } from './redis-cache-store.js';

import type { OnlineStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';
import { checkKnownParams } from '../store-url.js';
import { connectRedis } from './redis-connect.js';

const KNOWN_PARAMS = ['prefix', 'timeoutMs'];

/**
 * The shared online store in Redis: `redis://host:6379/0?prefix=keel:online:&timeoutMs=1000`.
 * `prefix` (default `keel:online:`) namespaces every key, so several projects or tests share one
 * Redis; `timeoutMs` (default 1000) bounds each command. ioredis is loaded only when the scheme is used.
 */
export const redisOnlineDriver: DriverSpec<OnlineStore> = {
  backend: 'redis',
  schemes: ['redis', 'rediss'],
  example: 'redis://127.0.0.1:6379/0?prefix=keel:online:',
  capabilities: { shared: true, atomicBatch: false },
  async open(url) {
    checkKnownParams(url, KNOWN_PARAMS, 'online store');
    const { client, prefix } = await connectRedis(url, {
      defaultPrefix: 'keel:online:',
      what: 'Redis online store',
    });
    const { RedisOnlineStore } = await import('./redis-online-store.js');
    return new RedisOnlineStore(client, prefix, url.redacted);
  },
};

import { KeelError } from '../../core/index.js';
import { positiveIntParam } from '../cache-validation.js';
import type { OnlineStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

const PREFIX_RE = /^[A-Za-z0-9_.:@/-]{0,100}$/;
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
    for (const key of Object.keys(url.params)) {
      if (!KNOWN_PARAMS.includes(key)) {
        throw new KeelError(
          'KEEL_STORE_BAD_URL',
          `Unknown parameter "${key}" in the online store URL ${url.redacted}. Known: ${KNOWN_PARAMS.join(', ')}.`,
          { details: { url: url.redacted, param: key, known: KNOWN_PARAMS } },
        );
      }
    }
    const prefix = url.params.prefix ?? 'keel:online:';
    if (!PREFIX_RE.test(prefix)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `Parameter prefix=${JSON.stringify(prefix)} in "${url.redacted}" may hold only letters, digits and _ . : @ / - (at most 100).`,
        { details: { url: url.redacted, parameter: 'prefix' } },
      );
    }
    const timeoutMs = positiveIntParam(url.params, 'timeoutMs', 1000, url.redacted);
    const { Redis } = await import('ioredis');
    const { RedisOnlineStore } = await import('./redis-online-store.js');
    // ioredis would read query parameters as client options: pass the URL without them.
    const client = new Redis(url.raw.split('?')[0]!, {
      lazyConnect: true,
      commandTimeout: timeoutMs,
      connectTimeout: timeoutMs * 5,
      maxRetriesPerRequest: 1,
    });
    client.on('error', () => {
      // Failures surface on the command that hits them as KEEL_STORE_UNAVAILABLE.
    });
    try {
      await client.connect();
    } catch (error) {
      client.disconnect();
      throw new KeelError(
        'KEEL_STORE_UNAVAILABLE',
        `Cannot connect to the Redis online store at ${url.redacted}.`,
        {
          cause: error,
          details: { url: url.redacted },
        },
      );
    }
    return new RedisOnlineStore(client, prefix, url.redacted);
  },
};

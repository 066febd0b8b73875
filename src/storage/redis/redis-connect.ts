import type { Redis } from 'ioredis';
import { KeelError } from '../../core/index.js';
import { positiveIntParam } from '../cache-validation.js';
import type { StoreUrl } from '../store-url.js';

const PREFIX_RE = /^[A-Za-z0-9_.:@/-]{0,100}$/;

/** A connected client for one store, with the store's key prefix. */
export interface RedisConnection {
  readonly client: Redis;
  readonly prefix: string;
}

/**
 * Connects a store to Redis from its URL: `prefix` (default `defaultPrefix`) namespaces every key
 * and may hold only letters, digits and `_ . : @ / -`; `timeoutMs` (default 1000) bounds each
 * command. ioredis is loaded only here, when a redis:// URL is used. A server that does not answer
 * fails with `KEEL_STORE_UNAVAILABLE` naming `what` and the (redacted) URL.
 */
export async function connectRedis(
  url: StoreUrl,
  options: { readonly defaultPrefix: string; readonly what: string; readonly autoPipelining?: boolean },
): Promise<RedisConnection> {
  const prefix = url.params.prefix ?? options.defaultPrefix;
  if (!PREFIX_RE.test(prefix)) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `Parameter prefix=${JSON.stringify(prefix)} in "${url.redacted}" may hold only letters, digits and _ . : @ / - (at most 100).`,
      { details: { url: url.redacted, parameter: 'prefix' } },
    );
  }
  const timeoutMs = positiveIntParam(url.params, 'timeoutMs', 1000, url.redacted);
  const { Redis } = await import('ioredis');
  // ioredis would read query parameters as client options: pass the URL without them.
  const client = new Redis(url.raw.split('?')[0]!, {
    lazyConnect: true,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs * 5,
    maxRetriesPerRequest: 1,
    ...(options.autoPipelining ? { enableAutoPipelining: true } : {}),
  });
  await connectClient(client, options.what, url.redacted);
  return { client, prefix };
}

/**
 * Connects a `lazyConnect` ioredis client; a server that does not answer fails with
 * `KEEL_STORE_UNAVAILABLE` naming `what` and the (redacted) URL. Later failures surface on the
 * command that hits them, not as unhandled `error` events.
 */
export async function connectClient(client: Redis, what: string, redactedUrl: string): Promise<void> {
  client.on('error', () => {
    // Failures surface on the command that hits them as KEEL_STORE_UNAVAILABLE.
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new KeelError('KEEL_STORE_UNAVAILABLE', `Cannot connect to the ${what} at ${redactedUrl}.`, {
      cause: error,
      details: { url: redactedUrl },
    });
  }
}

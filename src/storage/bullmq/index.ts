import { KeelError } from '../../core/index.js';
import type { Queue } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';
import { connectClient } from '../redis/redis-connect.js';
import { checkKnownParams } from '../store-url.js';

const PREFIX_RE = /^[A-Za-z0-9_.-]{1,100}$/;
const KNOWN_PARAMS = ['prefix', 'timeoutMs'];

/**
 * The shared job queue on BullMQ (Redis): `bullmq://127.0.0.1:6379/0?prefix=keel` (also
 * `bullmq+redis://`, and `bullmq+rediss://` for TLS). `prefix` (default `keel`) namespaces every
 * key, so several projects or tests can share one Redis; `timeoutMs` (default 5000) bounds the
 * first connection. bullmq and ioredis are loaded only when the scheme is used.
 */
export const bullmqQueueDriver: DriverSpec<Queue> = {
  backend: 'bullmq',
  schemes: ['bullmq', 'bullmq+redis', 'bullmq+rediss'],
  example: 'bullmq://127.0.0.1:6379/0?prefix=keel',
  capabilities: { shared: true, durable: true },
  async open(url, options) {
    checkKnownParams(url, KNOWN_PARAMS, 'queue');
    const prefix = url.params.prefix ?? 'keel';
    if (!PREFIX_RE.test(prefix)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `Parameter prefix=${JSON.stringify(prefix)} in "${url.redacted}" may hold only letters, digits and _ . - (1-100).`,
        { details: { url: url.redacted, parameter: 'prefix' } },
      );
    }
    const timeoutRaw = url.params.timeoutMs ?? '5000';
    const timeoutMs = Number(timeoutRaw);
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `Parameter timeoutMs=${JSON.stringify(timeoutRaw)} in "${url.redacted}" must be a positive whole number.`,
        { details: { url: url.redacted, parameter: 'timeoutMs' } },
      );
    }
    const connection = redisConnection(url.raw, url.redacted);
    const [bullmq, { Redis }, { BullmqQueue }] = await Promise.all([
      import('bullmq'),
      import('ioredis'),
      import('./bullmq-queue.js'),
    ]);
    const client = new Redis({
      ...connection,
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: null,
    });
    await connectClient(client, 'BullMQ queue', url.redacted);
    return new BullmqQueue({
      bullmq,
      client,
      workerConnection: { ...connection, maxRetriesPerRequest: null, connectTimeout: timeoutMs },
      prefix,
      url: url.redacted,
      log: options.log,
    });
  },
};

/** ioredis connection options from a `bullmq://user:pass@host:port/db` URL. */
function redisConnection(
  raw: string,
  redacted: string,
): {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
} {
  let parsed: URL;
  try {
    parsed = new URL(raw.replace(/^bullmq(\+redis)?:/i, 'redis:').replace(/^bullmq\+rediss:/i, 'rediss:'));
  } catch (error) {
    throw new KeelError('KEEL_STORE_BAD_URL', `"${redacted}" is not a valid bullmq:// URL.`, {
      cause: error,
      details: { url: redacted },
    });
  }
  const dbText = parsed.pathname.replace(/^\//, '') || '0';
  if (!/^\d+$/.test(dbText)) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `The Redis database in "${redacted}" must be a number (e.g. /0), got "${dbText}".`,
      { details: { url: redacted } },
    );
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: Number(dbText),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export { BullmqQueue, type BullmqQueueDeps } from './bullmq-queue.js';

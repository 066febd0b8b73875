import { KeelError } from '../../core/index.js';
import { positiveIntParam } from '../cache-validation.js';
import type { StreamStore } from '../contracts/index.js';
import type { DriverSpec } from '../driver.js';

const PREFIX_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Streams on NATS JetStream: `nats://host:4222?prefix=keel&ackWaitMs=30000&maxAgeMs=604800000`.
 * `prefix` (default `keel`) namespaces stream names and subjects; `ackWaitMs` (default 30,000) is
 * the redelivery delay of unacknowledged messages; `maxAgeMs` (default 7 days, 0 = forever) is how
 * long the server keeps messages; `timeoutMs` (default 5,000) bounds each request. The `nats`
 * client is loaded only when this scheme is used.
 */
export const natsStreamDriver: DriverSpec<StreamStore> = {
  backend: 'nats',
  schemes: ['nats', 'tls'],
  example: 'nats://127.0.0.1:4222?prefix=keel',
  capabilities: { durable: true, shared: true, nativeAckWait: true },
  async open(url) {
    const prefix = url.params.prefix ?? 'keel';
    if (!PREFIX_RE.test(prefix)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `Parameter prefix=${JSON.stringify(prefix)} in "${url.redacted}" may hold only letters, digits, _ and - (at most 64).`,
        { details: { url: url.redacted, parameter: 'prefix' } },
      );
    }
    const ackWaitMs = positiveIntParam(url.params, 'ackWaitMs', 30_000, url.redacted);
    const timeoutMs = positiveIntParam(url.params, 'timeoutMs', 5_000, url.redacted);
    const maxAgeMs =
      url.params.maxAgeMs === '0'
        ? 0
        : positiveIntParam(url.params, 'maxAgeMs', 7 * 86_400_000, url.redacted);
    const { connect } = await import('nats');
    const { NatsStreamStore } = await import('./nats-stream-store.js');
    let nc: Awaited<ReturnType<typeof connect>>;
    try {
      nc = await connect({
        servers: url.raw.split('?')[0]!,
        timeout: timeoutMs,
        maxReconnectAttempts: -1,
        name: `keel-${prefix}`,
      });
    } catch (error) {
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `Cannot connect to NATS at ${url.redacted}.`, {
        cause: error,
        details: { url: url.redacted },
      });
    }
    try {
      const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
      return new NatsStreamStore(nc, jsm, { prefix, ackWaitMs, maxAgeMs, url: url.redacted });
    } catch (error) {
      await nc.close();
      throw new KeelError(
        'KEEL_STORE_UNAVAILABLE',
        `NATS at ${url.redacted} has no JetStream (start nats-server with -js): ${(error as Error).message}`,
        { cause: error, details: { url: url.redacted } },
      );
    }
  },
};

export type { NatsStreamSettings, NatsStreamStore } from './nats-stream-store.js';

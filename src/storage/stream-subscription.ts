import type { Clock } from '../core/index.js';
import type { StreamMessage, StreamStore } from './contracts/index.js';

/** Options of `subscribeStream`. */
export interface SubscribeOptions {
  /** Most messages handed to the handler at once. Default 100. */
  readonly maxBatch?: number;
  /** Longest one fetch waits for messages, in ms (bounds how long `close` takes). Default 1,000. */
  readonly waitMs?: number;
  /** Pause after a failed handler call or fetch before trying again, in ms. Default 1,000. */
  readonly retryDelayMs?: number;
  /** Clock for the retry pause. */
  readonly clock: Clock;
  /** Called with every handler or store failure (the loop itself keeps going). */
  readonly onError?: (error: unknown) => void;
}

/** A running subscription. */
export interface StreamSubscription {
  /** Stops fetching and waits for the batch in hand to be handled. */
  close(): Promise<void>;
}

/**
 * Push-style consumption on top of a stream store's pull API: fetches batches for the durable
 * `consumer`, calls `handler` with each, and acknowledges the batch when the handler resolves; when
 * it throws, the batch is given back (`nak`) and comes again — at-least-once, in order for first
 * deliveries. Runs until `close()`.
 */
export function subscribeStream(
  store: StreamStore,
  topic: string,
  consumer: string,
  handler: (messages: readonly StreamMessage[]) => Promise<void>,
  options: SubscribeOptions,
): StreamSubscription {
  const abort = new AbortController();
  const max = options.maxBatch ?? 100;
  const waitMs = options.waitMs ?? 1_000;
  const pause = (): Promise<void> =>
    options.clock.sleep(options.retryDelayMs ?? 1_000, abort.signal).catch(() => undefined);
  const loop = (async () => {
    while (!abort.signal.aborted) {
      let batch: StreamMessage[];
      try {
        batch = await store.fetch(topic, consumer, { max, waitMs });
      } catch (error) {
        if (abort.signal.aborted) return;
        options.onError?.(error);
        await pause();
        continue;
      }
      if (batch.length === 0) {
        if (waitMs === 0) await pause();
        continue;
      }
      try {
        await handler(batch);
        await store.ack(topic, consumer, batch);
      } catch (error) {
        options.onError?.(error);
        await store.nak(topic, consumer, batch).catch(() => undefined);
        await pause();
      }
    }
  })();
  return {
    async close() {
      abort.abort();
      await loop;
    },
  };
}

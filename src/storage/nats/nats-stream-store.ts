import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nanos,
  type QueuedIterator,
  StorageType,
} from 'nats';
import { KeelError } from '../../core/index.js';
import type { FetchOptions, StreamMessage, StreamStore } from '../contracts/index.js';
import { assertPayloads, assertStreamName, fetchBounds } from '../stream-validation.js';

/** Settings of a JetStream-backed stream store (from the URL). */
export interface NatsStreamSettings {
  /** Namespaces stream names (`<prefix>_<topic>`) and subjects (`<prefix>.<topic>`). */
  readonly prefix: string;
  readonly ackWaitMs: number;
  /** Messages older than this are removed by the server, in ms; 0 keeps them until deleted. */
  readonly maxAgeMs: number;
  /** The URL with any password masked, for messages. */
  readonly url: string;
}

/**
 * Topics on NATS JetStream: one file-backed stream per topic (`<prefix>_<topic>`, subject
 * `<prefix>.<topic>`), one durable pull consumer (explicit acks, deliver-all) per consumer name.
 * Acknowledgements are confirmed by the server (`ackAck`); redelivery after the ack wait is the
 * server's. Streams and consumers are created on first use.
 */
export class NatsStreamStore implements StreamStore {
  readonly backend = 'nats';
  readonly capabilities = { durable: true, shared: true, nativeAckWait: true } as const;
  readonly ackWaitMs: number;
  private readonly js: JetStreamClient;
  private readonly handles = new WeakMap<StreamMessage, JsMsg>();
  private readonly streams = new Map<string, Promise<void>>();
  private readonly consumers = new Map<string, Promise<void>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly settings: NatsStreamSettings,
  ) {
    this.ackWaitMs = settings.ackWaitMs;
    this.js = nc.jetstream();
  }

  async publish(topic: string, payloads: readonly Uint8Array[]): Promise<number[]> {
    assertStreamName(topic, 'topic');
    assertPayloads(topic, payloads);
    if (payloads.length === 0) return [];
    await this.ensureStream(topic);
    const subject = this.subject(topic);
    // Publishes are pipelined on one connection, so the server stores them in this order.
    const acks = await this.guard('publish', () =>
      Promise.all(payloads.map((p) => this.js.publish(subject, p))),
    );
    return acks.map((a) => a.seq);
  }

  async fetch(topic: string, consumer: string, options: FetchOptions = {}): Promise<StreamMessage[]> {
    assertStreamName(topic, 'topic');
    assertStreamName(consumer, 'consumer');
    const { max, waitMs } = fetchBounds(options);
    await this.ensureConsumer(topic, consumer);
    const stream = this.streamName(topic);
    const got = await this.guard('fetch', async () => {
      let msgs = await drain(this.js.fetch(stream, consumer, { batch: max, no_wait: true }));
      if (msgs.length === 0 && waitMs > 0) {
        msgs = await drain(
          this.js.fetch(stream, consumer, { batch: 1, expires: Math.max(1, Math.round(waitMs)) }),
        );
        if (msgs.length > 0 && max > 1) {
          msgs.push(...(await drain(this.js.fetch(stream, consumer, { batch: max - 1, no_wait: true }))));
        }
      }
      return msgs;
    });
    return got.map((m) => {
      const message: StreamMessage = {
        topic,
        seq: m.seq,
        data: m.data,
        publishedAt: Math.floor(m.info.timestampNanos / 1e6),
        deliveries: m.info.deliveryCount,
      };
      this.handles.set(message, m);
      return message;
    });
  }

  async ack(_topic: string, _consumer: string, messages: readonly StreamMessage[]): Promise<void> {
    await this.guard('ack', () =>
      Promise.all(messages.map((m) => this.handles.get(m)?.ackAck({ timeout: 5000 }))),
    );
  }

  async nak(_topic: string, _consumer: string, messages: readonly StreamMessage[]): Promise<void> {
    for (const m of messages) this.handles.get(m)?.nak();
    await this.guard('nak', () => this.nc.flush());
  }

  async pending(topic: string, consumer: string): Promise<number> {
    assertStreamName(topic, 'topic');
    assertStreamName(consumer, 'consumer');
    await this.ensureConsumer(topic, consumer);
    const info = await this.guard('consumer info', () =>
      this.jsm.consumers.info(this.streamName(topic), consumer),
    );
    return info.num_pending + info.num_ack_pending;
  }

  async deleteTopic(topic: string): Promise<void> {
    assertStreamName(topic, 'topic');
    this.streams.delete(topic);
    for (const key of [...this.consumers.keys()])
      if (key.startsWith(`${topic}\u0000`)) this.consumers.delete(key);
    try {
      await this.jsm.streams.delete(this.streamName(topic));
    } catch (error) {
      if (!/not found/i.test(String((error as Error).message))) throw this.unavailable('delete', error);
    }
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }

  private streamName(topic: string): string {
    return `${this.settings.prefix}_${topic}`;
  }

  private subject(topic: string): string {
    return `${this.settings.prefix}.${topic}`;
  }

  private ensureStream(topic: string): Promise<void> {
    let p = this.streams.get(topic);
    if (!p) {
      p = this.guard('create stream', async () => {
        const name = this.streamName(topic);
        try {
          await this.jsm.streams.info(name);
        } catch {
          await this.jsm.streams.add({
            name,
            subjects: [this.subject(topic)],
            storage: StorageType.File,
            max_age: this.settings.maxAgeMs > 0 ? nanos(this.settings.maxAgeMs) : 0,
          });
        }
      });
      this.streams.set(topic, p);
      p.catch(() => this.streams.delete(topic));
    }
    return p;
  }

  private ensureConsumer(topic: string, consumer: string): Promise<void> {
    const key = `${topic}\u0000${consumer}`;
    let p = this.consumers.get(key);
    if (!p) {
      p = this.ensureStream(topic).then(() =>
        this.guard('create consumer', async () => {
          const stream = this.streamName(topic);
          try {
            await this.jsm.consumers.info(stream, consumer);
          } catch {
            await this.jsm.consumers.add(stream, {
              durable_name: consumer,
              ack_policy: AckPolicy.Explicit,
              deliver_policy: DeliverPolicy.All,
              ack_wait: nanos(this.ackWaitMs),
              max_ack_pending: 100_000,
            });
          }
        }),
      );
      this.consumers.set(key, p);
      p.catch(() => this.consumers.delete(key));
    }
    return p;
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw error instanceof KeelError ? error : this.unavailable(what, error);
    }
  }

  private unavailable(what: string, error: unknown): KeelError {
    return new KeelError(
      'KEEL_STORE_UNAVAILABLE',
      `NATS JetStream ${what} failed at ${this.settings.url}: ${(error as Error).message}`,
      { cause: error, details: { url: this.settings.url } },
    );
  }
}

async function drain(iter: QueuedIterator<JsMsg>): Promise<JsMsg[]> {
  const out: JsMsg[] = [];
  for await (const m of iter) out.push(m);
  return out;
}

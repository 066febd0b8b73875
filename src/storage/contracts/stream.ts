/**
 * The stream store: append-only topics of opaque messages, read by named durable consumers that
 * acknowledge what they have processed. Used for the prediction log, feedback (delayed labels)
 * and events.
 *
 * Guarantees, identical on every backend (the conformance suite checks them):
 * - **Ordering**: within one topic, messages get increasing sequence numbers in publish order, and a
 *   consumer receives first deliveries in that order. A redelivered message may arrive after later
 *   ones. Nothing is ordered across topics.
 * - **Delivery: at-least-once.** A message fetched by a consumer and not acknowledged within the
 *   store's ack wait (`ackWaitMs`, default 30,000) — or negatively acknowledged with `nak` — is
 *   delivered to that consumer again, with `deliveries` one higher. Consumers must therefore be
 *   idempotent or tolerate duplicates. An acknowledged message is never delivered to that consumer
 *   again (a lost acknowledgement on a network backend falls under at-least-once).
 * - **Durable consumers**: a consumer is identified by name per topic and created on first use,
 *   starting at the oldest retained message; its position survives its reader going away (and, on
 *   durable backends, a restart of every process). Consumers are independent of each other.
 * - **Durability**: `publish` resolves once the store has the messages. On a `durable` backend
 *   (NATS JetStream) they survive a crash of the publishing process; on the in-process backend they
 *   live only as long as the process.
 *
 * Topic and consumer names are 1..64 characters of letters, digits, `_` and `-`.
 */

/** What a stream backend can do, as data (the conformance suite reads it). */
export interface StreamCapabilities {
  /** Published messages survive a crash or restart of the process that published them. */
  readonly durable: boolean;
  /** Every process opening the same URL sees the same topics and consumers. */
  readonly shared: boolean;
  /**
   * True when the server times acknowledgements on its own wall clock (JetStream); false when the
   * store times them against the `Clock` it was opened with (so tests can drive redelivery).
   */
  readonly nativeAckWait: boolean;
}

/** One delivered message. */
export interface StreamMessage {
  readonly topic: string;
  /** Position in the topic, from 1, increasing in publish order; the same on every redelivery. */
  readonly seq: number;
  /** The payload, as published. */
  readonly data: Uint8Array;
  /** When the store accepted the message, epoch ms. */
  readonly publishedAt: number;
  /** 1 on the first delivery to this consumer, then 2, 3... on redeliveries. */
  readonly deliveries: number;
}

/** Options of `StreamStore.fetch`. */
export interface FetchOptions {
  /** Most messages returned (default 100, at most 10,000). */
  readonly max?: number;
  /**
   * How long to wait for a first message when none is ready, in ms (default 0: return at once).
   * Returns as soon as at least one message is ready; an empty array after the wait.
   */
  readonly waitMs?: number;
}

/** Append-only topics read by durable consumers with acknowledgements (see the module doc). */
export interface StreamStore {
  /** Backend name (`memory`, `nats`). */
  readonly backend: string;
  readonly capabilities: StreamCapabilities;
  /** The ack wait of this store in ms: how long a fetched message may stay unacknowledged. */
  readonly ackWaitMs: number;
  /**
   * Appends messages to `topic` (created when missing), in order; resolves with their sequence
   * numbers once the store holds them. An empty list is a no-op.
   */
  publish(topic: string, payloads: readonly Uint8Array[]): Promise<number[]>;
  /**
   * Up to `max` messages for `consumer` on `topic` (created on first use, starting at the oldest
   * retained message): due redeliveries first, then new messages in order. Each returned message
   * must be acknowledged (`ack`) or it comes back after the ack wait.
   */
  fetch(topic: string, consumer: string, options?: FetchOptions): Promise<StreamMessage[]>;
  /** Acknowledges fetched messages: they are never delivered to `consumer` again. Idempotent. */
  ack(topic: string, consumer: string, messages: readonly StreamMessage[]): Promise<void>;
  /** Gives fetched messages back for immediate redelivery (a failed attempt). */
  nak(topic: string, consumer: string, messages: readonly StreamMessage[]): Promise<void>;
  /** Messages of `topic` that `consumer` has not acknowledged yet (undelivered plus in flight). */
  pending(topic: string, consumer: string): Promise<number>;
  /** Removes a topic with its messages and consumers; absent topics are ignored. */
  deleteTopic(topic: string): Promise<void>;
  /** Releases connections; the store is unusable afterwards. Unacknowledged messages stay pending. */
  close(): Promise<void>;
}

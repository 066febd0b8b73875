import { type Clock, KeelError } from '../../core/index.js';
import type { FetchOptions, StreamMessage, StreamStore } from '../contracts/index.js';
import { assertPayloads, assertStreamName, fetchBounds } from '../stream-validation.js';

/** Bounds of an in-process stream. */
export interface MemoryStreamOptions {
  /** How long a fetched message may stay unacknowledged before it is redelivered, in ms. Default 30,000. */
  readonly ackWaitMs?: number;
  /** Most messages kept per topic; past it the oldest are dropped, acknowledged or not. Default 1,000,000. */
  readonly maxMessages?: number;
}

interface Stored {
  readonly seq: number;
  readonly data: Uint8Array;
  readonly publishedAt: number;
}

interface InFlight {
  deliveries: number;
  /** Epoch ms (store clock) at which the message is due for redelivery. */
  dueAt: number;
}

interface Consumer {
  /** Next sequence number never delivered to this consumer. */
  cursor: number;
  /** Delivered and not acknowledged, in first-delivery (= sequence) order. */
  readonly inflight: Map<number, InFlight>;
}

interface Topic {
  /** Retained messages, contiguous ascending sequence numbers. */
  messages: Stored[];
  nextSeq: number;
  readonly consumers: Map<string, Consumer>;
}

/**
 * A copy of `p` in shared memory: the message is never written again, and a consumer on a worker
 * thread (the log sink) then receives it without another copy — `postMessage` shares a
 * SharedArrayBuffer instead of cloning megabytes on the publishing thread. A payload already in
 * shared memory is taken as it is: its publisher hands it over and does not write it again.
 */
function sharedCopy(p: Uint8Array): Uint8Array {
  if (p.buffer instanceof SharedArrayBuffer) return p;
  const copy = new Uint8Array(new SharedArrayBuffer(p.byteLength));
  copy.set(p);
  return copy;
}

/**
 * The in-process stream: topics are arrays in this process's memory (message bytes in shared
 * memory, see `sharedCopy`), consumers are cursors plus a
 * table of unacknowledged deliveries timed against the store's `Clock`. Messages every existing
 * consumer has acknowledged are dropped (in chunks), and the oldest go when a topic exceeds
 * `maxMessages`. Nothing survives the process; not shared between processes.
 */
export class MemoryStreamStore implements StreamStore {
  readonly backend = 'memory';
  readonly capabilities = { durable: false, shared: false, nativeAckWait: false } as const;
  readonly ackWaitMs: number;
  private readonly maxMessages: number;
  private readonly topics = new Map<string, Topic>();
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    options: MemoryStreamOptions = {},
  ) {
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.maxMessages = options.maxMessages ?? 1_000_000;
  }

  async publish(topic: string, payloads: readonly Uint8Array[]): Promise<number[]> {
    this.assertOpen();
    assertStreamName(topic, 'topic');
    assertPayloads(topic, payloads);
    const t = this.topic(topic);
    const publishedAt = this.clock.now();
    const seqs = payloads.map((p) => {
      const seq = t.nextSeq++;
      t.messages.push({ seq, data: sharedCopy(p), publishedAt });
      return seq;
    });
    // Trim in chunks (amortised O(1) per message): a topic may briefly hold 1/8 more than the bound.
    if (t.messages.length > this.maxMessages + (this.maxMessages >> 3))
      t.messages = t.messages.slice(-this.maxMessages);
    if (seqs.length > 0) for (const wake of [...this.waiters]) wake();
    return seqs;
  }

  async fetch(topic: string, consumer: string, options: FetchOptions = {}): Promise<StreamMessage[]> {
    this.assertOpen();
    assertStreamName(topic, 'topic');
    assertStreamName(consumer, 'consumer');
    const { max, waitMs } = fetchBounds(options);
    const deadline = this.clock.now() + waitMs;
    for (;;) {
      const out = this.take(topic, consumer, max);
      const now = this.clock.now();
      if (out.length > 0 || now >= deadline || this.closed) return out;
      await this.waitForWork(topic, consumer, deadline - now);
    }
  }

  async ack(topic: string, consumer: string, messages: readonly StreamMessage[]): Promise<void> {
    this.assertOpen();
    const c = this.topics.get(topic)?.consumers.get(consumer);
    if (!c) return;
    for (const m of messages) c.inflight.delete(m.seq);
    this.collect(this.topics.get(topic)!);
  }

  async nak(topic: string, consumer: string, messages: readonly StreamMessage[]): Promise<void> {
    this.assertOpen();
    const c = this.topics.get(topic)?.consumers.get(consumer);
    if (!c) return;
    for (const m of messages) {
      const f = c.inflight.get(m.seq);
      if (f) f.dueAt = Number.NEGATIVE_INFINITY;
    }
    for (const wake of [...this.waiters]) wake();
  }

  async pending(topic: string, consumer: string): Promise<number> {
    this.assertOpen();
    assertStreamName(topic, 'topic');
    assertStreamName(consumer, 'consumer');
    const t = this.topic(topic);
    const c = this.consumer(t, consumer);
    return t.nextSeq - c.cursor + c.inflight.size;
  }

  async deleteTopic(topic: string): Promise<void> {
    this.topics.delete(topic);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
  }

  private take(topic: string, consumer: string, max: number): StreamMessage[] {
    const t = this.topic(topic);
    const c = this.consumer(t, consumer);
    const now = this.clock.now();
    const out: StreamMessage[] = [];
    const first = t.messages[0]?.seq ?? t.nextSeq;
    for (const [seq, f] of c.inflight) {
      if (out.length >= max) break;
      if (f.dueAt > now) continue;
      const stored = seq >= first ? t.messages[seq - first] : undefined;
      if (!stored) {
        c.inflight.delete(seq);
        continue;
      }
      f.deliveries++;
      f.dueAt = now + this.ackWaitMs;
      out.push(message(topic, stored, f.deliveries));
    }
    if (c.cursor < first) c.cursor = first;
    while (out.length < max && c.cursor < t.nextSeq) {
      const stored = t.messages[c.cursor - first]!;
      c.cursor++;
      c.inflight.set(stored.seq, { deliveries: 1, dueAt: now + this.ackWaitMs });
      out.push(message(topic, stored, 1));
    }
    return out;
  }

  /** Waits for a publish, a nak, the next redelivery deadline or `ms`, whichever comes first. */
  private async waitForWork(topic: string, consumer: string, ms: number): Promise<void> {
    const c = this.topics.get(topic)?.consumers.get(consumer);
    let wait = ms;
    if (c) for (const f of c.inflight.values()) wait = Math.min(wait, f.dueAt - this.clock.now());
    const abort = new AbortController();
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.waiters.add(wake);
    try {
      await Promise.race([woken, this.clock.sleep(Math.max(0, wait), abort.signal).catch(() => undefined)]);
    } finally {
      this.waiters.delete(wake);
      abort.abort();
    }
  }

  /** Drops messages every consumer has acknowledged. */
  private collect(t: Topic): void {
    if (t.consumers.size === 0 || t.messages.length === 0) return;
    let keepFrom = t.nextSeq;
    for (const c of t.consumers.values()) {
      keepFrom = Math.min(keepFrom, c.cursor);
      for (const seq of c.inflight.keys()) {
        keepFrom = Math.min(keepFrom, seq);
        break;
      }
    }
    const first = t.messages[0]!.seq;
    // Compact in chunks so acknowledging is amortised O(1), not a copy of the topic per call.
    const droppable = keepFrom - first;
    if (droppable > 0 && (droppable >= 1024 || droppable * 2 >= t.messages.length))
      t.messages = t.messages.slice(droppable);
  }

  private topic(name: string): Topic {
    let t = this.topics.get(name);
    if (!t) {
      t = { messages: [], nextSeq: 1, consumers: new Map() };
      this.topics.set(name, t);
    }
    return t;
  }

  private consumer(t: Topic, name: string): Consumer {
    let c = t.consumers.get(name);
    if (!c) {
      c = { cursor: t.messages[0]?.seq ?? t.nextSeq, inflight: new Map() };
      t.consumers.set(name, c);
    }
    return c;
  }

  private assertOpen(): void {
    if (this.closed) throw new KeelError('KEEL_STORE_UNAVAILABLE', 'The in-process stream store is closed.');
  }
}

function message(topic: string, stored: Stored, deliveries: number): StreamMessage {
  return { topic, seq: stored.seq, data: stored.data, publishedAt: stored.publishedAt, deliveries };
}

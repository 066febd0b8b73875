import { type Clock, type Logger, randomHex, silentLogger, systemClock } from '../../core/index.js';
import type { StreamStore } from '../../storage/index.js';
import type { KeelMetrics } from '../metrics/keel-metrics.js';
import { LogBatchEncoder } from './log-codec.js';
import type { PredictionLogEntry } from './prediction-record.js';

/** The stream topic of the prediction log. */
export const PREDICTION_LOG_TOPIC = 'predictions';

/** Options of `PredictionLogger`. */
export interface PredictionLoggerOptions {
  readonly stream: StreamStore;
  /** Share of requests logged, 0..1 (`monitoring.logSampleRate`). Default 1. */
  readonly sampleRate?: number;
  /** Topic (default `predictions`). */
  readonly topic?: string;
  /** Most requests buffered while the stream is slow or down; more are dropped and counted. Default 100,000. */
  readonly maxBufferedRequests?: number;
  /** Most requests per stream message. Default 1,000. */
  readonly maxBatch?: number;
  /** Random source for sampling, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  readonly metrics?: KeelMetrics;
  readonly log?: Logger;
  /** Clock for the retry pause after a failed publish (default the system clock). */
  readonly clock?: Clock;
  /** Pause before buffered requests are published again after a failure, in ms. Default 1,000. */
  readonly retryDelayMs?: number;
  /**
   * Longest a request waits in the buffer before it is published, in ms (a full batch, `maxBatch`
   * requests, goes at the next event-loop turn). Batching over a few milliseconds instead of one
   * turn keeps stream messages large: under load one publish, one encode and one consumer wake-up
   * serve hundreds of requests instead of one or two. Default 20; 0 publishes at the next turn.
   */
  readonly publishDelayMs?: number;
}

const NO_COUNTER = { inc: (): void => undefined };

/** Counters of a prediction logger. */
export interface PredictionLoggerStats {
  /** Requests accepted into the buffer. */
  enqueued: number;
  /** Requests skipped by sampling. */
  sampledOut: number;
  /** Requests dropped because the buffer was full. */
  dropped: number;
  /** Requests published to the stream. */
  published: number;
  /** Failed publish attempts (the batch is kept and retried). */
  publishFailures: number;
}

/** A stream message waiting to be published and how many requests it carries. */
interface Sealed {
  readonly payload: Uint8Array;
  readonly requests: number;
}

/**
 * Logs predictions off the request path. `record` is all the serving path pays: a sampling draw
 * and the request's binary encoding into the open batch (no I/O; encoding now rather than at
 * publish time lets the request's objects die young instead of being promoted by the garbage
 * collector while they wait). Within `publishDelayMs` (at the next event-loop turn once
 * `maxBatch` requests wait) the batches (many requests per stream message) are published; the log
 * sink turns them into Parquet. When publishing fails the batches stay buffered and are retried
 * with the next ones; past
 * `maxBufferedRequests` new requests are dropped (counted in `keel_prediction_log_rows_total{result="dropped"}`)
 * rather than let memory grow without bound.
 */
export class PredictionLogger {
  readonly stats: PredictionLoggerStats = {
    enqueued: 0,
    sampledOut: 0,
    dropped: 0,
    published: 0,
    publishFailures: 0,
  };
  /** The batch requests are encoded into, sealed at `maxBatch` requests or when published. */
  private readonly open = new LogBatchEncoder(32);
  private sealed: Sealed[] = [];
  /** Requests in `open` and `sealed`. */
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private publishing: Promise<void> | null = null;
  private readonly idPrefix = randomHex(6);
  private nextId = 0;
  private readonly sampleRate: number;
  private readonly topic: string;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly publishDelayMs: number;
  private readonly random: () => number;
  private readonly log: Logger;
  private readonly counters: Record<'enqueued' | 'sampledOut' | 'dropped', { inc(n?: number): void }>;
  private retrying = false;

  constructor(private readonly options: PredictionLoggerOptions) {
    const m = options.metrics;
    this.counters = {
      enqueued: m?.counterSeries('keel_prediction_log_rows_total', ['enqueued']) ?? NO_COUNTER,
      sampledOut: m?.counterSeries('keel_prediction_log_rows_total', ['sampled_out']) ?? NO_COUNTER,
      dropped: m?.counterSeries('keel_prediction_log_rows_total', ['dropped']) ?? NO_COUNTER,
    };
    this.sampleRate = options.sampleRate ?? 1;
    this.topic = options.topic ?? PREDICTION_LOG_TOPIC;
    this.maxBuffered = options.maxBufferedRequests ?? 100_000;
    this.maxBatch = options.maxBatch ?? 1_000;
    this.publishDelayMs = options.publishDelayMs ?? 20;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? silentLogger();
  }

  /** Requests waiting to be published. */
  get buffered(): number {
    return this.waiting;
  }

  /** Takes one request for the log (or skips it by sampling); never throws, never waits. */
  record(entry: PredictionLogEntry): void {
    if (this.sampleRate < 1 && !(this.random() < this.sampleRate)) {
      this.stats.sampledOut++;
      this.counters.sampledOut.inc();
      return;
    }
    if (this.waiting >= this.maxBuffered) {
      this.drop(1);
      return;
    }
    const requestId = entry.requestId ?? `${this.idPrefix}-${(this.nextId++).toString(36)}`;
    // Sized small and grown by doubling (once: the encoder is reused from batch to batch).
    const open = this.open;
    try {
      open.add(entry, requestId);
    } catch (error) {
      this.drop(1);
      this.log.warn({ err: error, requestId }, 'a prediction could not be encoded for the log; dropped');
      return;
    }
    this.waiting++;
    this.stats.enqueued++;
    this.counters.enqueued.inc();
    if (open.count >= this.maxBatch) this.seal();
    this.schedule();
  }

  /** Counts requests that will never reach the log. */
  private drop(requests: number): void {
    this.stats.dropped += requests;
    this.counters.dropped.inc(requests);
  }

  /** Closes the open batch into a stream message. */
  private seal(): void {
    const open = this.open;
    if (open.count === 0) return;
    this.sealed.push({ payload: open.finish(), requests: open.count });
    open.reset();
  }

  /** Arms the publish: within `publishDelayMs`, or at the next turn once a batch is full. */
  private schedule(): void {
    if (this.immediate !== null) return;
    if (this.sealed.length > 0 || this.publishDelayMs <= 0) {
      this.immediate = setImmediate(this.publishNow);
      return;
    }
    this.timer ??= setTimeout(this.publishNow, this.publishDelayMs);
  }

  private readonly publishNow = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    void this.flush();
  };

  /** Publishes everything buffered now; resolves when the stream holds it (or the attempt failed). */
  flush(): Promise<void> {
    if (this.publishing) return this.publishing.then(() => (this.waiting > 0 ? this.flush() : undefined));
    this.seal();
    if (this.sealed.length === 0) return Promise.resolve();
    const taken = this.sealed;
    this.sealed = [];
    for (const b of taken) this.waiting -= b.requests;
    this.publishing = this.publish(taken).finally(() => {
      this.publishing = null;
    });
    return this.publishing;
  }

  /** Publishes what is buffered; the logger can still be used afterwards. */
  async close(): Promise<void> {
    this.publishNow();
    await this.flush();
  }

  private retryLater(): void {
    if (this.retrying) return;
    this.retrying = true;
    void (this.options.clock ?? systemClock).sleep(this.options.retryDelayMs ?? 1_000).then(() => {
      this.retrying = false;
      void this.flush();
    });
  }

  private async publish(batches: readonly Sealed[]): Promise<void> {
    try {
      await this.options.stream.publish(
        this.topic,
        batches.map((b) => b.payload),
      );
      for (const b of batches) this.stats.published += b.requests;
    } catch (error) {
      this.stats.publishFailures++;
      const requests = batches.reduce((n, b) => n + b.requests, 0);
      this.log.warn({ err: error, requests }, 'publishing to the prediction log failed; will retry');
      // Keep the batches (oldest first) within the bound; those that do not fit are dropped and counted.
      let room = Math.max(0, this.maxBuffered - this.waiting);
      const kept: Sealed[] = [];
      let lost = 0;
      for (const b of batches) {
        if (b.requests <= room) {
          kept.push(b);
          room -= b.requests;
        } else lost += b.requests;
      }
      this.sealed = [...kept, ...this.sealed];
      this.waiting += requests - lost;
      if (lost > 0) {
        this.drop(lost);
      }
      this.retryLater();
    }
  }
}

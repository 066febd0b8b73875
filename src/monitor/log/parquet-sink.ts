import { type Clock, type Frame, type Logger, randomHex, silentLogger } from '../../core/index.js';
import {
  type DuckDBEngine,
  openDuckDBEngine,
  type StreamMessage,
  type StreamStore,
} from '../../storage/index.js';
import type { KeelMetrics } from '../metrics/keel-metrics.js';
import type { MonitorDataset } from './log-layout.js';
import { writePartitioned } from './partitioned-write.js';
import type { SinkWorker } from './sink-worker-client.js';

/** How a sink turns stream messages into Parquet rows. */
export interface SinkCodec<E> {
  /** Entries of one message; throwing marks the message as poison (logged, counted, skipped). */
  decode(data: Uint8Array): E[];
  /** Rows an entry becomes (for the `maxRows` bound). */
  rows(entry: E): number;
  /**
   * Rows of a message counted without decoding it (throwing for what is plainly not one). With a
   * worker, the sink then only counts messages on its own thread and the worker decodes them,
   * reporting back the ones it cannot read; without `count` messages are decoded on both.
   */
  count?(data: Uint8Array): number;
  /** The frame of entries; `timeColumn` (a timestamp column) picks each row's day partition. */
  frame(entries: readonly E[]): Frame;
  readonly timeColumn: string;
}

/** Most messages one fetch takes. */
const FETCH_MAX = 1000;
/** Longest the loop sleeps between fetches while it holds rows (bounds how late `maxRows` is noticed). */
const GATHER_STEP_MS = 100;

/** Options of `ParquetSink`. */
export interface ParquetSinkOptions<E> {
  readonly stream: StreamStore;
  readonly topic: string;
  /** Durable consumer name (one per dataset; every sink process shares it). */
  readonly consumer: string;
  /** The offline store folder. */
  readonly offline: string;
  readonly dataset: MonitorDataset;
  readonly codec: SinkCodec<E>;
  /** Longest a fetched message waits before its rows are written, in ms (`monitoring.logFlushIntervalMs`). */
  readonly flushIntervalMs: number;
  readonly clock: Clock;
  /** Rows that trigger a write before the interval is up. Default 50,000. */
  readonly maxRows?: number;
  /** Pause after a failed fetch or write, in ms. Default 1,000. */
  readonly retryDelayMs?: number;
  readonly log?: Logger;
  readonly metrics?: KeelMetrics;
  /** Counter incremented with written rows (default none). */
  readonly writtenCounter?: string;
  /**
   * Decode and write on this worker thread instead of the calling thread (the serving thread then
   * pays only for copying bytes); the worker knows the codec of `dataset`, so `codec.frame` is unused.
   */
  readonly worker?: SinkWorker;
}

/** Counters of a sink. */
export interface ParquetSinkStats {
  rowsWritten: number;
  filesWritten: number;
  failures: number;
  poisonMessages: number;
}

/**
 * Consumes a stream topic and writes its rows as Parquet under `<offline>/<dataset>/date=YYYY-MM-DD/`,
 * one `part-*.parquet` per day touched per flush (atomic: written beside and renamed). Messages are
 * acknowledged only after their rows are on disk, so a crash before a flush loses nothing the stream
 * still holds (everything, on JetStream; on the in-process stream the stream itself dies with the
 * process). At-least-once: a crash between write and ack writes those rows again on restart.
 */
export class ParquetSink<E> {
  readonly stats: ParquetSinkStats = { rowsWritten: 0, filesWritten: 0, failures: 0, poisonMessages: 0 };
  private readonly pending = new Map<number, { message: StreamMessage; entries: E[] }>();
  private pendingRows = 0;
  private deadline = Number.POSITIVE_INFINITY;
  private engine: DuckDBEngine | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  /** Cuts the loop's sleeps short on `stop()`. */
  private stopSignal: AbortController | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(private readonly options: ParquetSinkOptions<E>) {
    this.log = options.log ?? silentLogger();
  }

  /** Starts the consume loop (real time: each fetch waits at most one flush interval). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.stopSignal = new AbortController();
    this.loop = this.run(this.stopSignal.signal);
  }

  /** Stops the loop, then writes and acknowledges what it holds. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopSignal?.abort();
    await this.loop;
    this.loop = null;
    await this.flush();
    await this.engine?.close();
    this.engine = null;
  }

  /** One step: fetches what is ready (waiting up to `waitMs`) and writes when the interval is up or the buffer is full. */
  async poll(waitMs = 0): Promise<void> {
    const messages = await this.options.stream.fetch(this.options.topic, this.options.consumer, {
      max: FETCH_MAX,
      waitMs,
    });
    await this.take(messages);
    const full = this.pendingRows >= (this.options.maxRows ?? 50_000);
    if (this.pending.size > 0 && (full || this.options.clock.now() >= this.deadline)) await this.flush();
  }

  /** Fetches until the topic has nothing ready, then writes everything (CLI runs, shutdown, tests). */
  async drain(): Promise<void> {
    for (;;) {
      const messages = await this.options.stream.fetch(this.options.topic, this.options.consumer, {
        max: FETCH_MAX,
      });
      if (messages.length === 0) break;
      await this.take(messages);
    }
    await this.flush();
  }

  /** Writes the buffered rows and acknowledges their messages; on failure keeps them for the next try. */
  flush(): Promise<void> {
    // One flush at a time: a drain() racing the loop must not write the same messages twice.
    const run = this.flushing.then(() => this.flushNow());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async flushNow(): Promise<void> {
    if (this.pending.size === 0) return;
    const held = [...this.pending.values()];
    const entries = held.flatMap((h) => h.entries);
    try {
      if (this.options.worker)
        await this.writeOnWorker(
          this.options.worker,
          held.map((h) => h.message),
        );
      else if (entries.length > 0) await this.write(entries, held[0]!.message.seq);
      await this.options.stream.ack(
        this.options.topic,
        this.options.consumer,
        held.map((h) => h.message),
      );
      for (const h of held) this.pending.delete(h.message.seq);
      this.pendingRows = 0;
      this.deadline = Number.POSITIVE_INFINITY;
    } catch (error) {
      this.stats.failures++;
      this.options.metrics?.count('keel_prediction_log_flush_failures_total', []);
      throw error;
    }
  }

  private async take(messages: readonly StreamMessage[]): Promise<void> {
    const poison: StreamMessage[] = [];
    const { codec, worker } = this.options;
    // With a worker that decodes, this thread (the serving thread, usually) only counts rows.
    const countOnly = worker !== undefined && codec.count !== undefined;
    for (const message of messages) {
      if (this.pending.has(message.seq)) continue;
      let entries: E[] = [];
      let rows = 0;
      try {
        if (countOnly) rows = codec.count!(message.data);
        else {
          entries = codec.decode(message.data);
          for (const e of entries) rows += codec.rows(e);
        }
      } catch (error) {
        this.skipUnreadable(message.seq, error);
        poison.push(message);
        continue;
      }
      if (this.pending.size === 0) this.deadline = this.options.clock.now() + this.options.flushIntervalMs;
      this.pending.set(message.seq, { message, entries });
      this.pendingRows += rows;
    }
    if (poison.length > 0) await this.options.stream.ack(this.options.topic, this.options.consumer, poison);
  }

  /** Counts and reports a message that cannot be read (it is acknowledged, never written). */
  private skipUnreadable(seq: number, error: unknown): void {
    this.stats.poisonMessages++;
    this.log.error({ err: error, topic: this.options.topic, seq }, 'skipping an unreadable stream message');
  }

  private async writeOnWorker(worker: SinkWorker, messages: readonly StreamMessage[]): Promise<void> {
    const stamp = `${this.options.clock.now()}-${messages[0]!.seq}-${randomHex(4)}`;
    const { rows, files, unreadable } = await worker.write(
      this.options.dataset,
      this.options.offline,
      stamp,
      messages.map((m) => m.data),
    );
    for (const u of unreadable) this.skipUnreadable(messages[u.index]!.seq, new Error(u.error));
    this.stats.filesWritten += files;
    this.stats.rowsWritten += rows;
    if (this.options.writtenCounter) this.options.metrics?.count(this.options.writtenCounter, [], rows);
  }

  private async write(entries: readonly E[], firstSeq: number): Promise<void> {
    const frame = this.options.codec.frame(entries);
    this.engine ??= await openDuckDBEngine({ threads: 1 });
    const paths = await writePartitioned(frame, {
      timeColumn: this.options.codec.timeColumn,
      offline: this.options.offline,
      dataset: this.options.dataset,
      stamp: `${this.options.clock.now()}-${firstSeq}-${randomHex(4)}`,
      engine: this.engine,
    });
    this.stats.filesWritten += paths.length;
    this.stats.rowsWritten += frame.rowCount;
    if (this.options.writtenCounter)
      this.options.metrics?.count(this.options.writtenCounter, [], frame.rowCount);
  }

  /**
   * The consume loop. With nothing held it waits in `fetch` for the first message; while holding
   * rows it sleeps in steps of at most `GATHER_STEP_MS` and then takes everything ready without
   * waiting, so a busy topic costs a few fetches per second rather than one wake-up per publish.
   */
  private async run(signal: AbortSignal): Promise<void> {
    while (!this.stopping) {
      try {
        if (this.pending.size === 0) {
          await this.poll(this.options.flushIntervalMs);
          continue;
        }
        const step = Math.min(this.deadline - this.options.clock.now(), GATHER_STEP_MS);
        if (step > 0) await this.options.clock.sleep(step, signal).catch(() => undefined);
        if (this.stopping) return;
        await this.gather();
      } catch (error) {
        this.log.warn(
          { err: error, dataset: this.options.dataset },
          'prediction-log sink step failed; retrying',
        );
        await this.options.clock.sleep(this.options.retryDelayMs ?? 1_000, signal).catch(() => undefined);
      }
    }
  }

  /** Takes every ready message without waiting, then writes when the interval is up or the buffer is full. */
  private async gather(): Promise<void> {
    const maxRows = this.options.maxRows ?? 50_000;
    for (;;) {
      const messages = await this.options.stream.fetch(this.options.topic, this.options.consumer, {
        max: FETCH_MAX,
      });
      await this.take(messages);
      if (messages.length < FETCH_MAX || this.pendingRows >= maxRows) break;
    }
    const full = this.pendingRows >= maxRows;
    if (this.pending.size > 0 && (full || this.options.clock.now() >= this.deadline)) await this.flush();
  }
}

import { isKeelError, KeelError } from '../core/index.js';
import { type Pending, PendingQueue } from './internal/pending-queue.js';
import { concatBatches, sameLayout, sliceBatch } from './internal/tensor-ops.js';
import type { Predictor } from './predictor.js';
import type { TensorBatch } from './tensor.js';

/** Dynamic batching: concurrent requests to one model coalesced into one runtime call. */
export interface BatchingOptions {
  /** Most rows in one runtime call; a bigger request runs alone. Default 64. */
  readonly maxBatchSize: number;
  /**
   * Longest the oldest queued request waits for company before its batch runs, in microseconds.
   * Default 0: the batch runs at the next event-loop turn, taking every request that arrived meanwhile.
   */
  readonly maxQueueDelayUs: number;
}

/** Load-shedding and batching bounds of one loaded model version. */
export interface SchedulerOptions {
  /** Runtime calls in flight at once for asynchronous runtimes (a batch counts once). Default 4. */
  readonly maxConcurrency: number;
  /** Requests allowed to wait for a call; one more fails fast with `KEEL_SERVE_OVERLOADED` (429). Default 256. */
  readonly maxQueueSize: number;
  /** Dynamic batching, or null for none. */
  readonly batching: BatchingOptions | null;
}

/** Counters of one scheduler, in the spirit of Triton's statistics extension. */
export interface SchedulerStats {
  /** Requests answered successfully. */
  success: number;
  /** Requests failed by the runtime. */
  failure: number;
  /** Rows predicted (Triton's inference_count). */
  rows: number;
  /** Runtime calls (Triton's execution_count); rows ÷ executions = average batch size. */
  executions: number;
  /** Requests refused because the queue was full. */
  rejected: number;
  /** Requests that hit their timeout while queued or running. */
  timeouts: number;
  /** Total time requests spent queued, in microseconds. */
  queueUs: number;
  /** Total time spent in runtime calls, in microseconds. */
  computeUs: number;
}

/**
 * Admission control, timeouts and dynamic batching in front of one runtime. Synchronous runtimes
 * without batching run inline (they cannot overlap, so there is nothing to queue). Everything else
 * goes through a bounded FIFO: at most `maxConcurrency` runtime calls run at once, at most
 * `maxQueueSize` requests wait, each request has a deadline, and a full queue answers 429 at once.
 */
export class ModelScheduler {
  readonly stats: SchedulerStats = {
    success: 0,
    failure: 0,
    rows: 0,
    executions: 0,
    rejected: 0,
    timeouts: 0,
    queueUs: 0,
    computeUs: 0,
  };
  private readonly queue = new PendingQueue();
  private active = 0;
  private flushTimer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | null = null;
  /** Exponentially weighted mean runtime-call time in ms, for Retry-After hints. */
  private callMs = 1;
  private readonly inline: boolean;

  constructor(
    private readonly predictor: Predictor,
    private readonly options: SchedulerOptions,
    private readonly label: string,
  ) {
    this.inline = predictor.info.synchronous && !options.batching;
  }

  /** Requests queued and runtime calls running now. */
  get load(): { readonly queued: number; readonly running: number } {
    return { queued: this.queue.size, running: this.active };
  }

  /** Runs `input` through the runtime, within `timeoutMs`; synchronous when the runtime allows it. */
  submit(input: TensorBatch, timeoutMs: number): TensorBatch | Promise<TensorBatch> {
    if (this.inline) return this.runInline(input);
    if (this.queue.size >= this.options.maxQueueSize) throw this.overloaded();
    return new Promise<TensorBatch>((resolve, reject) => {
      const p: Pending = {
        input,
        resolve,
        reject,
        queuedAt: performance.now(),
        timer: null,
        settled: false,
        queued: false,
        prev: null,
        next: null,
      };
      p.timer = setTimeout(() => this.expire(p, timeoutMs), timeoutMs);
      this.queue.push(p);
      if (!this.options.batching) this.pump();
      else this.scheduleFlush();
    });
  }

  /** Fails every queued request with `error` (shutdown); running calls finish. */
  abortQueued(error: KeelError): void {
    for (const p of this.queue.drainAll()) this.settle(p, null, error);
  }

  private runInline(input: TensorBatch): TensorBatch {
    const t0 = performance.now();
    try {
      const out = this.predictor.run(input) as TensorBatch;
      this.stats.success++;
      this.stats.rows += input.rows;
      return out;
    } catch (error) {
      this.stats.failure++;
      throw runtimeError(error, this.label);
    } finally {
      this.stats.executions++;
      this.stats.computeUs += (performance.now() - t0) * 1000;
    }
  }

  private overloaded(): KeelError {
    this.stats.rejected++;
    const capacity = Math.max(1, this.options.maxConcurrency) * (this.options.batching?.maxBatchSize ?? 1);
    const retryAfterMs = Math.max(1, Math.ceil(((this.queue.size + this.active) / capacity) * this.callMs));
    return new KeelError(
      'KEEL_SERVE_OVERLOADED',
      `Model ${this.label} is at capacity (${this.active} running, ${this.queue.size} queued, queue limit ${this.options.maxQueueSize}). Retry after ${retryAfterMs} ms.`,
      {
        details: {
          model: this.label,
          retryAfterMs,
          retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
        },
      },
    );
  }

  private expire(p: Pending, timeoutMs: number): void {
    p.timer = null;
    if (p.settled) return;
    this.stats.timeouts++;
    const where = p.queued ? 'waiting in the queue' : 'running';
    this.queue.remove(p);
    this.settle(
      p,
      null,
      new KeelError(
        'KEEL_TIMEOUT',
        `Prediction on ${this.label} timed out after ${timeoutMs} ms (${where}).`,
        {
          details: { model: this.label, timeoutMs },
        },
      ),
    );
  }

  private settle(p: Pending, output: TensorBatch | null, error: unknown): void {
    if (p.settled) return;
    p.settled = true;
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    if (output) p.resolve(output);
    else p.reject(error);
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.active >= this.options.maxConcurrency) return;
    const batching = this.options.batching!;
    const oldest = this.queue.peek();
    const waitedUs = oldest ? (performance.now() - oldest.queuedAt) * 1000 : 0;
    const remainingUs = batching.maxQueueDelayUs - waitedUs;
    if (this.queue.rows >= batching.maxBatchSize || remainingUs <= 0) {
      this.flushTimer = setImmediate(() => this.flush());
    } else {
      this.flushTimer = setTimeout(() => this.flush(), Math.max(1, Math.round(remainingUs / 1000)));
    }
  }

  private flush(): void {
    this.flushTimer = null;
    this.pump();
  }

  /** Starts runtime calls while slots are free and requests wait. */
  private pump(): void {
    const max = this.options.batching?.maxBatchSize ?? 0;
    while (this.active < this.options.maxConcurrency && this.queue.size > 0) {
      const first = this.queue.peek()!;
      this.queue.remove(first);
      const group = [first];
      let rows = first.input.rows;
      for (let next = this.queue.peek(); next && rows + next.input.rows <= max; next = this.queue.peek()) {
        if (!sameLayout(first.input, next.input)) break;
        this.queue.remove(next);
        group.push(next);
        rows += next.input.rows;
      }
      this.active++;
      void this.execute(group);
    }
  }

  private async execute(group: Pending[]): Promise<void> {
    const t0 = performance.now();
    for (const p of group) this.stats.queueUs += (t0 - p.queuedAt) * 1000;
    const live = group.filter((p) => !p.settled);
    try {
      if (live.length === 0) return;
      const input = concatBatches(live.map((p) => p.input));
      const output = await this.predictor.run(input);
      if (output.rows !== input.rows) {
        throw new KeelError(
          'KEEL_SERVE_RUNTIME_ERROR',
          `${this.label} returned ${output.rows} rows for ${input.rows}.`,
        );
      }
      this.stats.executions++;
      let at = 0;
      for (const p of live) {
        const rows = p.input.rows;
        if (!p.settled) {
          this.stats.success++;
          this.stats.rows += rows;
        }
        this.settle(p, sliceBatch(output, at, rows), null);
        at += rows;
      }
    } catch (error) {
      this.stats.executions++;
      const wrapped = runtimeError(error, this.label);
      for (const p of live) {
        if (!p.settled) this.stats.failure++;
        this.settle(p, null, wrapped);
      }
    } finally {
      const ms = performance.now() - t0;
      this.stats.computeUs += ms * 1000;
      this.callMs = this.callMs * 0.8 + ms * 0.2;
      this.active--;
      if (this.queue.size > 0) {
        if (this.options.batching) this.scheduleFlush();
        else this.pump();
      }
    }
  }
}

function runtimeError(error: unknown, label: string): KeelError {
  if (isKeelError(error)) return error;
  return new KeelError('KEEL_SERVE_RUNTIME_ERROR', `Model ${label} failed: ${String(error)}`, {
    cause: error,
  });
}

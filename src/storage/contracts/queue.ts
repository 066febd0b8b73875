/**
 * The job queue: named queues of JSON jobs, taken by any number of workers (pipeline steps,
 * tuning trials, batch and materialisation jobs).
 *
 * Delivery semantics (every backend):
 * - **At least once.** A job is handed to one worker at a time, under a lock the worker keeps
 *   alive while its handler runs. If the worker dies (kill -9, lost machine) the lock expires
 *   after `lockMs` and the job is delivered again, to any worker; so a handler may start more
 *   than once for the same job and must be idempotent or claim its completion elsewhere (the
 *   pipeline runner claims step completion in the metadata store).
 * - **Ack / fail.** The handler resolving acks the job (state `completed`, its value kept as the
 *   result); throwing fails the attempt: the job is retried after its backoff while attempts
 *   remain, then ends `failed` with the last error's message.
 * - **Idempotent enqueue by id.** Enqueuing an id the queue still knows (waiting, delayed, active,
 *   completed or failed) does nothing. Finished jobs are kept until `removeJob`.
 * - **Order.** Jobs of one queue are started in enqueue order (FIFO) when nothing is retried
 *   or recovered; a retried or recovered job goes to the back.
 */

/** A JSON value: what job payloads and results may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What a queue backend can do, as data (the conformance suite reads it). */
export interface QueueCapabilities {
  /** Every process opening the same URL sees the same jobs (BullMQ); false for the in-process queue. */
  readonly shared: boolean;
  /** Jobs survive a restart of the process that enqueued them. */
  readonly durable: boolean;
}

/** Delay before a failed attempt is retried: `fixed` waits `delayMs`, `exponential` waits `delayMs * 2^(attempt-1)`. */
export interface JobBackoff {
  readonly type: 'fixed' | 'exponential';
  /** Milliseconds, ≥ 0. */
  readonly delayMs: number;
}

/** A job to enqueue. */
export interface EnqueueJob {
  /** The idempotency key: 1-200 characters of letters, digits, `_`, `.` and `-`, not only digits. */
  readonly id: string;
  readonly payload: JsonValue;
  /** Total handler runs allowed when the handler throws (default 1: no retry), 1-100. */
  readonly attempts?: number;
  /** Delay between failed attempts (default none). */
  readonly backoff?: JobBackoff;
}

/** Where a job is in its life. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

/** A job as the queue knows it. */
export interface JobInfo {
  readonly id: string;
  readonly queue: string;
  readonly payload: JsonValue;
  readonly state: JobState;
  /** Handler runs that ended by throwing. Deliveries lost to a dead worker are not counted. */
  readonly attemptsMade: number;
  readonly maxAttempts: number;
  /** The handler's value once `completed` (null when it returned nothing); null otherwise. */
  readonly result: JsonValue | null;
  /** The last error message once an attempt failed; null otherwise. */
  readonly error: string | null;
}

/** What a handler receives for one delivery of a job. */
export interface JobDelivery {
  readonly id: string;
  readonly queue: string;
  readonly payload: JsonValue;
  /** 1 for the first delivery, +1 for every retry and every redelivery after a lost worker. */
  readonly delivery: number;
  /** Aborted when the worker is force-closed: the handler should stop; its job is redelivered. */
  readonly signal: AbortSignal;
}

/** Processes one delivery: resolve to ack (the value becomes the result), throw to fail the attempt. */
export type JobHandler = (job: JobDelivery) => Promise<JsonValue | undefined>;

/** Options for `Queue.process`. */
export interface ProcessOptions {
  /** Jobs handled at once by this worker (default 1). */
  readonly concurrency?: number;
  /** Lock time in ms: a job whose worker stops renewing it for this long is redelivered (default 30000). */
  readonly lockMs?: number;
  /** Redeliveries after lost workers before the job is failed (default 3). */
  readonly maxStalls?: number;
  /** Worker name, for logs. */
  readonly name?: string;
}

/** A running consumer of one queue. */
export interface QueueWorker {
  /**
   * Stops taking jobs. Graceful (default): waits for the active handlers to settle and acks or
   * fails them. `force`: aborts the handlers' signals and returns at once without acking; their
   * jobs are redelivered once their locks expire (what a crash looks like to the queue).
   */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/** Named queues of JSON jobs with at-least-once delivery. */
export interface Queue {
  /** Backend name (`memory`, `bullmq`). */
  readonly backend: string;
  readonly capabilities: QueueCapabilities;
  /**
   * Adds jobs to `queue` (a name of letters, digits, `_`, `.` and `-`); returns, per job in order,
   * true when it was added and false when a job with its id was already known (nothing changed).
   */
  enqueue(queue: string, jobs: readonly EnqueueJob[]): Promise<boolean[]>;
  /** Starts a worker that takes jobs from `queue` and runs `handler` on each delivery. */
  process(queue: string, handler: JobHandler, options?: ProcessOptions): Promise<QueueWorker>;
  /** The job with `id` in `queue`, or null when unknown or removed. */
  getJob(queue: string, id: string): Promise<JobInfo | null>;
  /** Forgets a job that is not active; returns false when it is unknown or active. */
  removeJob(queue: string, id: string): Promise<boolean>;
  /** Removes every job of `queue` (tests, resets); fails while a worker holds one of its jobs. */
  clear(queue: string): Promise<void>;
  /** Stops this client's workers (gracefully) and releases connections. */
  close(): Promise<void>;
}

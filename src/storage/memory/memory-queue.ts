import type { Clock } from '../../core/index.js';
import { KeelError } from '../../core/index.js';
import type {
  EnqueueJob,
  JobHandler,
  JobInfo,
  JobState,
  JsonValue,
  ProcessOptions,
  Queue,
  QueueWorker,
} from '../contracts/index.js';
import {
  assertEnqueueJobs,
  assertJobId,
  assertQueueName,
  backoffDelayMs,
  cloneJson,
  resolveProcessOptions,
} from '../queue-validation.js';

interface Slot {
  readonly id: string;
  readonly payload: JsonValue;
  readonly maxAttempts: number;
  readonly backoff: EnqueueJob['backoff'];
  state: JobState;
  attemptsMade: number;
  deliveries: number;
  stalls: number;
  result: JsonValue | null;
  error: string | null;
  /** The worker holding the job while active. */
  holder: MemoryWorker | null;
}

interface Lane {
  readonly jobs: Map<string, Slot>;
  readonly waiting: string[];
  readonly workers: Set<MemoryWorker>;
}

/**
 * The in-process job queue (`memory:`): FIFO lanes per queue name, workers in this process only.
 *
 * It keeps the contract's semantics exactly — retries with backoff, idempotent ids, and redelivery
 * of jobs whose worker was force-closed once their lock expires — with timers on the store's
 * `Clock`. Jobs vanish with the process (not durable, not shared).
 */
export class MemoryQueue implements Queue {
  readonly backend = 'memory';
  readonly capabilities = { shared: false, durable: false } as const;
  private readonly lanes = new Map<string, Lane>();
  private readonly timers = new AbortController();
  private closed = false;

  constructor(readonly clock: Clock) {}

  async enqueue(queue: string, jobs: readonly EnqueueJob[]): Promise<boolean[]> {
    assertQueueName(queue);
    assertEnqueueJobs(jobs);
    this.assertOpen();
    const lane = this.lane(queue);
    const added = jobs.map((job) => {
      if (lane.jobs.has(job.id)) return false;
      lane.jobs.set(job.id, {
        id: job.id,
        payload: cloneJson(job.payload),
        maxAttempts: job.attempts ?? 1,
        backoff: job.backoff,
        state: 'waiting',
        attemptsMade: 0,
        deliveries: 0,
        stalls: 0,
        result: null,
        error: null,
        holder: null,
      });
      lane.waiting.push(job.id);
      return true;
    });
    this.wake(lane);
    return added;
  }

  async process(queue: string, handler: JobHandler, options?: ProcessOptions): Promise<QueueWorker> {
    assertQueueName(queue);
    this.assertOpen();
    const lane = this.lane(queue);
    const worker = new MemoryWorker(this, lane, queue, handler, resolveProcessOptions(options));
    lane.workers.add(worker);
    this.wake(lane);
    return worker;
  }

  async getJob(queue: string, id: string): Promise<JobInfo | null> {
    assertQueueName(queue);
    assertJobId(id);
    const slot = this.lanes.get(queue)?.jobs.get(id);
    if (!slot) return null;
    return {
      id,
      queue,
      payload: cloneJson(slot.payload),
      state: slot.state,
      attemptsMade: slot.attemptsMade,
      maxAttempts: slot.maxAttempts,
      result: cloneJson(slot.result),
      error: slot.error,
    };
  }

  async removeJob(queue: string, id: string): Promise<boolean> {
    assertQueueName(queue);
    assertJobId(id);
    const lane = this.lanes.get(queue);
    const slot = lane?.jobs.get(id);
    if (!lane || !slot || slot.state === 'active') return false;
    lane.jobs.delete(id);
    removeFrom(lane.waiting, id);
    return true;
  }

  async clear(queue: string): Promise<void> {
    assertQueueName(queue);
    const lane = this.lanes.get(queue);
    if (!lane) return;
    if ([...lane.jobs.values()].some((s) => s.state === 'active')) {
      throw new KeelError(
        'KEEL_STORE_CONFLICT',
        `Queue "${queue}" has active jobs; stop its workers first.`,
        {
          details: { queue },
        },
      );
    }
    lane.jobs.clear();
    lane.waiting.length = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const workers = [...this.lanes.values()].flatMap((l) => [...l.workers]);
    await Promise.all(workers.map((w) => w.close()));
    this.timers.abort();
  }

  /** Runs `fn` after `ms` of the store's clock unless the store closes first. */
  later(ms: number, fn: () => void): void {
    this.clock.sleep(ms, this.timers.signal).then(fn, () => undefined);
  }

  /** Puts a job back in line (retry or recovery) and lets the workers know. */
  requeue(lane: Lane, slot: Slot): void {
    slot.state = 'waiting';
    slot.holder = null;
    lane.waiting.push(slot.id);
    this.wake(lane);
  }

  /** Lets every worker of `lane` take jobs, on a later tick (handlers never run inside `enqueue`). */
  wake(lane: Lane): void {
    setImmediate(() => {
      for (const w of lane.workers) w.pump();
    });
  }

  private lane(queue: string): Lane {
    let lane = this.lanes.get(queue);
    if (!lane) this.lanes.set(queue, (lane = { jobs: new Map(), waiting: [], workers: new Set() }));
    return lane;
  }

  private assertOpen(): void {
    if (this.closed) throw new KeelError('KEEL_STORE_UNAVAILABLE', 'The memory queue is closed.');
  }
}

/** A consumer of one lane of a `MemoryQueue`. */
class MemoryWorker implements QueueWorker {
  private readonly active = new Map<Slot, { controller: AbortController; done: Promise<void> }>();
  private closed = false;

  constructor(
    private readonly owner: MemoryQueue,
    private readonly lane: Lane,
    private readonly queue: string,
    private readonly handler: JobHandler,
    private readonly options: Required<ProcessOptions>,
  ) {}

  /** Takes waiting jobs up to the concurrency limit. */
  pump(): void {
    while (!this.closed && this.active.size < this.options.concurrency) {
      const id = this.lane.waiting.shift();
      if (id === undefined) return;
      const slot = this.lane.jobs.get(id);
      if (slot?.state !== 'waiting') continue;
      slot.state = 'active';
      slot.holder = this;
      slot.deliveries++;
      const controller = new AbortController();
      const entry = { controller, done: Promise.resolve() };
      entry.done = this.run(slot, controller.signal);
      this.active.set(slot, entry);
    }
  }

  private async run(slot: Slot, signal: AbortSignal): Promise<void> {
    let value: JsonValue | undefined;
    let failure: unknown = null;
    try {
      value = await this.handler({
        id: slot.id,
        queue: this.queue,
        payload: cloneJson(slot.payload),
        delivery: slot.deliveries,
        signal,
      });
    } catch (error) {
      failure = error ?? new Error('job failed');
    }
    this.active.delete(slot);
    // A force-closed worker lost its lock: whatever the handler did is not acknowledged.
    if (slot.holder === this && !signal.aborted) this.settle(slot, value, failure);
    this.pump();
  }

  private settle(slot: Slot, value: JsonValue | undefined, failure: unknown): void {
    slot.holder = null;
    if (failure === null) {
      slot.state = 'completed';
      slot.result = value === undefined ? null : cloneJson(value);
      return;
    }
    slot.attemptsMade++;
    slot.error = failure instanceof Error ? failure.message : String(failure);
    if (slot.attemptsMade >= slot.maxAttempts) {
      slot.state = 'failed';
      return;
    }
    const delay = backoffDelayMs(slot.backoff, slot.attemptsMade);
    if (delay <= 0) {
      this.owner.requeue(this.lane, slot);
      return;
    }
    slot.state = 'delayed';
    this.owner.later(delay, () => {
      if (slot.state === 'delayed' && this.lane.jobs.get(slot.id) === slot)
        this.owner.requeue(this.lane, slot);
    });
  }

  async close(options: { readonly force?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lane.workers.delete(this);
    if (!options.force) {
      await Promise.all([...this.active.values()].map((a) => a.done));
      return;
    }
    for (const [slot, { controller }] of this.active) {
      controller.abort(new KeelError('KEEL_CANCELLED', `Worker ${this.options.name} was force-closed.`));
      this.owner.later(this.options.lockMs, () => this.recover(slot));
    }
  }

  /** What the stalled-job check does once an abandoned job's lock expired. */
  private recover(slot: Slot): void {
    if (slot.holder !== this || slot.state !== 'active' || this.lane.jobs.get(slot.id) !== slot) return;
    slot.stalls++;
    if (slot.stalls > this.options.maxStalls) {
      slot.state = 'failed';
      slot.holder = null;
      slot.error = `job stalled more than ${this.options.maxStalls} times (its workers stopped)`;
      return;
    }
    this.owner.requeue(this.lane, slot);
  }
}

function removeFrom(list: string[], id: string): void {
  const i = list.indexOf(id);
  if (i >= 0) list.splice(i, 1);
}

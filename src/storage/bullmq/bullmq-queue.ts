import type { Queue as BullQueue, Worker as BullWorker, ConnectionOptions, Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { KeelError, type Logger, randomHex } from '../../core/index.js';
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
  cloneJson,
  resolveProcessOptions,
} from '../queue-validation.js';

/** What Keel stores as a BullMQ job's data: the payload and the enqueuer's nonce (to tell who created it). */
interface Envelope {
  readonly payload: JsonValue;
  readonly nonce: string;
}

/** What the BullMQ queue needs from its driver. */
export interface BullmqQueueDeps {
  readonly bullmq: typeof import('bullmq');
  /** A connected client shared by the queue handles (not by workers, which need blocking connections). */
  readonly client: Redis;
  /** Connection options each worker opens its own connections with. */
  readonly workerConnection: ConnectionOptions;
  readonly prefix: string;
  readonly url: string;
  readonly log: Logger;
}

const STATES: Record<string, JobState> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  'waiting-children': 'waiting',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

/**
 * The job queue on BullMQ (Redis): `bullmq://host:6379/0?prefix=keel`. Jobs are shared by every
 * process using the same Redis and prefix, and survive restarts. BullMQ's lock/stalled-job machinery
 * gives the redelivery of jobs whose worker died: each worker renews its job locks every `lockMs/2`
 * and checks for stalled jobs every `lockMs/2`.
 */
export class BullmqQueue implements Queue {
  readonly backend = 'bullmq';
  readonly capabilities = { shared: true, durable: true } as const;
  private readonly queues = new Map<string, BullQueue>();
  private readonly workers = new Set<BullmqWorker>();
  private closed = false;

  constructor(private readonly deps: BullmqQueueDeps) {}

  async enqueue(queue: string, jobs: readonly EnqueueJob[]): Promise<boolean[]> {
    assertQueueName(queue);
    assertEnqueueJobs(jobs);
    const q = this.queue(queue);
    const nonces = jobs.map(() => randomHex(8));
    await this.call(() =>
      q.addBulk(
        jobs.map((job, i) => ({
          name: queue,
          data: { payload: cloneJson(job.payload), nonce: nonces[i]! } satisfies Envelope,
          opts: {
            jobId: job.id,
            attempts: job.attempts ?? 1,
            ...(job.backoff ? { backoff: { type: job.backoff.type, delay: job.backoff.delayMs } } : {}),
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      ),
    );
    // A duplicate id leaves the first job untouched, so the stored nonce tells who created it.
    const stored = await this.call(async () => {
      const pipeline = this.deps.client.pipeline();
      for (const job of jobs) pipeline.hget(q.toKey(job.id), 'data');
      return (await pipeline.exec()) ?? [];
    });
    return jobs.map((_, i) => {
      const data = stored[i]?.[1];
      return typeof data === 'string' && (JSON.parse(data) as Envelope).nonce === nonces[i];
    });
  }

  async process(queue: string, handler: JobHandler, options?: ProcessOptions): Promise<QueueWorker> {
    assertQueueName(queue);
    const resolved = resolveProcessOptions(options);
    const worker = new BullmqWorker(this.deps, queue, handler, resolved, (w) => this.workers.delete(w));
    this.workers.add(worker);
    await worker.ready();
    return worker;
  }

  async getJob(queue: string, id: string): Promise<JobInfo | null> {
    assertQueueName(queue);
    assertJobId(id);
    const q = this.queue(queue);
    const job = (await this.call(() => q.getJob(id))) as Job<Envelope> | undefined;
    if (!job) return null;
    const state = STATES[await this.call(() => job.getState())];
    if (!state) return null;
    return {
      id,
      queue,
      payload: job.data.payload,
      state,
      // BullMQ counts the successful run too; the contract counts failed runs only.
      attemptsMade: state === 'completed' ? Math.max(0, job.attemptsMade - 1) : job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      result: state === 'completed' ? ((job.returnvalue as JsonValue | undefined) ?? null) : null,
      error: job.failedReason ? job.failedReason : null,
    };
  }

  async removeJob(queue: string, id: string): Promise<boolean> {
    assertQueueName(queue);
    assertJobId(id);
    const q = this.queue(queue);
    const job = await this.call(() => q.getJob(id));
    if (!job || (await this.call(() => job.getState())) === 'active') return false;
    return (await this.call(() => q.remove(id))) === 1;
  }

  async clear(queue: string): Promise<void> {
    assertQueueName(queue);
    const q = this.queue(queue);
    if ((await this.call(() => q.getActiveCount())) > 0) {
      throw new KeelError(
        'KEEL_STORE_CONFLICT',
        `Queue "${queue}" has active jobs; stop its workers first.`,
        {
          details: { queue },
        },
      );
    }
    await this.call(() => q.obliterate({ force: true }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    try {
      await this.deps.client.quit();
    } catch {
      this.deps.client.disconnect();
    }
  }

  private queue(name: string): BullQueue {
    if (this.closed)
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `The BullMQ queue at ${this.deps.url} is closed.`);
    let q = this.queues.get(name);
    if (!q) {
      q = new this.deps.bullmq.Queue(name, { connection: this.deps.client, prefix: this.deps.prefix });
      q.on('error', (error) => this.deps.log.warn({ err: error, queue: name }, 'bullmq queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof KeelError) throw error;
      throw new KeelError(
        'KEEL_STORE_UNAVAILABLE',
        `BullMQ queue at ${this.deps.url} failed: ${(error as Error).message}. Check that Redis is up (stores.queue / KEEL_QUEUE_URL).`,
        { cause: error, details: { url: this.deps.url } },
      );
    }
  }
}

/** One BullMQ `Worker` running a Keel `JobHandler`. */
class BullmqWorker implements QueueWorker {
  private readonly worker: BullWorker;
  private readonly controllers = new Set<AbortController>();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly deps: BullmqQueueDeps,
    queue: string,
    handler: JobHandler,
    options: Required<ProcessOptions>,
    private readonly onClose: (w: BullmqWorker) => void,
  ) {
    const half = Math.max(50, Math.floor(options.lockMs / 2));
    this.worker = new deps.bullmq.Worker<Envelope, JsonValue | null>(
      queue,
      async (job: Job<Envelope>) => {
        const controller = new AbortController();
        this.controllers.add(controller);
        try {
          const value = await handler({
            id: String(job.id),
            queue,
            payload: job.data.payload,
            delivery: Math.max(1, job.attemptsStarted),
            signal: controller.signal,
          });
          // A force-closed worker gave up its lock: never ack, the job is redelivered elsewhere.
          if (controller.signal.aborted) return new Promise<never>(() => {});
          return value === undefined ? null : value;
        } catch (error) {
          if (controller.signal.aborted) return new Promise<never>(() => {});
          throw error instanceof Error ? error : new Error(String(error));
        } finally {
          this.controllers.delete(controller);
        }
      },
      {
        connection: deps.workerConnection,
        prefix: deps.prefix,
        concurrency: options.concurrency,
        lockDuration: options.lockMs,
        lockRenewTime: half,
        stalledInterval: half,
        maxStalledCount: options.maxStalls,
        name: options.name,
        autorun: true,
      },
    );
    this.worker.on('error', (error) =>
      deps.log.warn({ err: error, queue, worker: options.name }, 'bullmq worker error'),
    );
  }

  /** Resolves once the worker's connection is up (so a job enqueued next is seen). */
  async ready(): Promise<void> {
    try {
      await this.worker.waitUntilReady();
    } catch (error) {
      await this.close({ force: true });
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `BullMQ worker cannot connect to ${this.deps.url}.`, {
        cause: error,
        details: { url: this.deps.url },
      });
    }
  }

  close(options: { readonly force?: boolean } = {}): Promise<void> {
    if (!this.closing) {
      const force = options.force === true;
      if (force) {
        for (const c of this.controllers)
          c.abort(new KeelError('KEEL_CANCELLED', 'The worker was force-closed.'));
      }
      this.closing = this.worker.close(force).catch(() => undefined);
      this.onClose(this);
    }
    return this.closing;
  }
}

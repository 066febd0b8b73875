import { setTimeout as sleepReal } from 'node:timers/promises';
import type { Clock, Logger } from '../core/index.js';
import { type JsonValue, type MetadataStore, type Queue, TERMINAL_STEP_STATUSES } from '../storage/index.js';
import { cancelledError, describeError } from './internal/step-errors.js';
import type { Pipeline } from './pipeline.js';
import type { PipelineRunner, RunnerExecuteOptions } from './runner.js';
import type { StepTask } from './step-task.js';

/** The queue pipeline steps go to, unless configured otherwise. */
export const PIPELINE_STEP_QUEUE = 'keel-pipeline-steps';

/** The job id of a step task: one job per step of a run, so a re-enqueue is a no-op. */
export function stepJobId(task: Pick<StepTask, 'runId' | 'step'>): string {
  return `${task.runId}.${task.step}`;
}

/** What the queue runner needs. */
export interface QueueRunnerOptions {
  readonly queue: Queue;
  readonly metadata: MetadataStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Queue name (default `keel-pipeline-steps`); workers must use the same. */
  readonly queueName?: string;
  /** Longest pause between two looks at a step's record, in real ms (default 500). */
  readonly pollMs?: number;
  /** After cancellation, how long (real ms) a worker has to record it before the runner does (default 10000). */
  readonly cancelGraceMs?: number;
}

/**
 * Runs steps on `keel worker` processes through a job queue (BullMQ on Redis to scale out; the
 * in-process queue works too with a worker in the same process). Each step is one job with a
 * deterministic id; the worker records the outcome in the metadata store, which this runner
 * watches. A job the queue gives up on (its workers kept dying) fails the step with the queue's reason.
 * Once a step has settled, its job is removed from the queue (in the background).
 */
export class QueueRunner implements PipelineRunner {
  readonly kind = 'queue';
  private readonly name: string;

  constructor(private readonly opts: QueueRunnerOptions) {
    this.name = opts.queueName ?? PIPELINE_STEP_QUEUE;
  }

  async execute(_pipeline: Pipeline, task: StepTask, options: RunnerExecuteOptions): Promise<void> {
    const { queue, metadata } = this.opts;
    const repo = metadata.pipelines;
    const id = stepJobId(task);
    await queue.enqueue(this.name, [{ id, payload: task as unknown as JsonValue }]);
    const maxPoll = this.opts.pollMs ?? 500;
    const grace = this.opts.cancelGraceMs ?? 10_000;
    let pause = 5;
    let waitedAfterCancel = 0;
    for (;;) {
      const step = await repo.getStep(task.runId, task.step);
      if (TERMINAL_STEP_STATUSES.includes(step.status)) {
        void this.forget(id).catch(() => undefined);
        return;
      }
      const job = await queue.getJob(this.name, id);
      if (!job || job.state === 'failed' || job.state === 'completed') {
        // A completed job wrote its record before its ack: read once more before concluding.
        if (
          job?.state === 'completed' &&
          TERMINAL_STEP_STATUSES.includes((await repo.getStep(task.runId, task.step)).status)
        ) {
          return;
        }
        const why = !job
          ? `its job ${id} vanished from the queue`
          : job.state === 'failed'
            ? `the queue gave up on job ${id}: ${job.error ?? 'no reason given'}`
            : `job ${id} was acknowledged without a recorded result`;
        // A claim: if the worker's record lands first, this changes nothing.
        await repo.completeStep(task.runId, task.step, {
          status: 'FAILED',
          endedAt: this.opts.clock.now(),
          error: {
            code: 'KEEL_STORE_UNAVAILABLE',
            message: `Step "${task.step}" did not finish: ${why}.`,
            causes: [],
            stack: null,
          },
        });
        return;
      }
      if (options.signal.aborted) {
        if (waitedAfterCancel >= grace) {
          await repo.completeStep(task.runId, task.step, {
            status: 'CANCELLED',
            endedAt: this.opts.clock.now(),
            error: describeError(cancelledError(task.runId, task.step)),
          });
          await queue.removeJob(this.name, id).catch(() => false);
          return;
        }
        waitedAfterCancel += pause;
      }
      // Transport polling in real time (not the domain clock, which tests may hold still).
      await sleepReal(pause);
      pause = Math.min(maxPoll, pause * 2);
    }
  }

  async close(): Promise<void> {}

  /** Removes a settled step's job so finished jobs do not pile up in the queue (best effort). */
  private async forget(id: string): Promise<void> {
    for (let pause = 5; pause <= 320; pause *= 2) {
      const job = await this.opts.queue.getJob(this.name, id).catch(() => null);
      if (
        !job ||
        (job.state !== 'active' && (await this.opts.queue.removeJob(this.name, id).catch(() => false)))
      )
        return;
      await sleepReal(pause);
    }
  }
}

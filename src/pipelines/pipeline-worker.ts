import { hostname } from 'node:os';
import { type Clock, KeelError, type Logger } from '../core/index.js';
import type { ArtifactStore, JsonValue, MetadataStore, Queue, QueueWorker } from '../storage/index.js';
import { Tracking } from '../track/index.js';
import { cancelledError, describeError } from './internal/step-errors.js';
import type { Pipeline } from './pipeline.js';
import { PIPELINE_STEP_QUEUE } from './queue-runner.js';
import type { StepServices } from './step.js';
import { executeStep } from './step-executor.js';
import { parseStepTask, type StepTask } from './step-task.js';

/** Finds the pipeline a task belongs to (loads its file; a map in tests). */
export type PipelineResolver = (task: Pick<StepTask, 'pipeline' | 'source' | 'digest'>) => Promise<Pipeline>;

/** What a pipeline worker needs. */
export interface PipelineWorkerOptions {
  readonly queue: Queue;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly root: string;
  readonly resolve: PipelineResolver;
  /** Steps run at once by this worker (default 1). */
  readonly concurrency?: number;
  /** The queue lock, in ms: a step of a dead worker is redelivered after this (default 30000). */
  readonly lockMs?: number;
  /** Redeliveries after dead workers before a step fails (default 3). */
  readonly maxStalls?: number;
  /** Recorded as who ran steps (default `host:pid`). */
  readonly worker?: string;
  readonly user?: string;
  /** Queue name (default `keel-pipeline-steps`). */
  readonly queueName?: string;
  /** How often (real ms) a running step checks whether its run was cancelled (default 500). */
  readonly cancelPollMs?: number;
  /** Services lent to steps (feature store...). */
  readonly services?: StepServices;
}

/** A running worker. */
export interface PipelineWorker {
  readonly name: string;
  /** Stops taking steps: graceful waits for running steps; `force` abandons them (redelivered elsewhere). */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/**
 * Starts a worker that takes pipeline steps from the queue and executes them (the same executor as
 * the local runner: retries, timeouts, the completion claim). A step whose run is no longer
 * RUNNING is recorded CANCELLED; a run cancelled while its step runs aborts the step.
 */
export async function startPipelineWorker(options: PipelineWorkerOptions): Promise<PipelineWorker> {
  const name = options.worker ?? `${hostname()}:${process.pid}`;
  const tracking = new Tracking({
    metadata: options.metadata,
    artifacts: options.artifacts,
    clock: options.clock,
    root: options.root,
    ...(options.user ? { user: options.user } : {}),
  });
  const deps = { ...options, worker: name, tracking };
  const repo = options.metadata.pipelines;
  const fail = async (task: StepTask, status: 'FAILED' | 'CANCELLED', error: unknown) => {
    await repo.completeStep(task.runId, task.step, {
      status,
      endedAt: options.clock.now(),
      error: describeError(error),
      worker: name,
    });
    return { status } as JsonValue;
  };
  const queueWorker: QueueWorker = await options.queue.process(
    options.queueName ?? PIPELINE_STEP_QUEUE,
    async (job) => {
      const task = parseStepTask(job.payload);
      const run = await repo.getRun(task.runId);
      if (run.status !== 'RUNNING') return fail(task, 'CANCELLED', cancelledError(task.runId, task.step));
      let pipeline: Pipeline;
      try {
        pipeline = await options.resolve(task);
        checkDefinition(pipeline, task, name);
      } catch (error) {
        return fail(task, 'FAILED', error);
      }
      const cancel = new AbortController();
      const watch = setInterval(() => {
        repo.getRun(task.runId).then(
          (r) => r.status !== 'RUNNING' && cancel.abort(cancelledError(task.runId, task.step)),
          () => undefined,
        );
      }, options.cancelPollMs ?? 500);
      watch.unref();
      try {
        const record = await executeStep(pipeline, task, deps, {
          cancel: cancel.signal,
          abandon: job.signal,
        });
        return record ? { status: record.status } : null;
      } finally {
        clearInterval(watch);
      }
    },
    {
      concurrency: options.concurrency ?? 1,
      lockMs: options.lockMs ?? 30_000,
      maxStalls: options.maxStalls ?? 3,
      name,
    },
  );
  options.log.info(
    { worker: name, queue: options.queueName ?? PIPELINE_STEP_QUEUE },
    'pipeline worker ready',
  );
  return { name, close: (o) => queueWorker.close(o) };
}

function checkDefinition(pipeline: Pipeline, task: StepTask, worker: string): void {
  if (pipeline.digest !== task.digest || !pipeline.steps.has(task.step)) {
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `Worker ${worker} loaded pipeline "${task.pipeline}"${task.source ? ` from ${task.source}` : ''} with digest ${pipeline.digest.slice(0, 12)}, but run ${task.runId} was started with ${task.digest.slice(0, 12)}. Give every worker the same pipeline file, then resume the run.`,
      { details: { run: task.runId, step: task.step, expected: task.digest, found: pipeline.digest } },
    );
  }
}

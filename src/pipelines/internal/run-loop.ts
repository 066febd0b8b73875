import { isKeelError, type KeelError, type Logger } from '../../core/index.js';
import {
  type ArtifactStore,
  type MetadataStore,
  type PipelineRunRecord,
  type StepRunRecord,
  type StepStatus,
  TERMINAL_STEP_STATUSES,
} from '../../storage/index.js';
import type { Tracking } from '../../track/index.js';
import { stepCacheKey } from '../cache-key.js';
import type { RunParams } from '../params.js';
import type { Pipeline } from '../pipeline.js';
import type { PipelineRunner } from '../runner.js';
import type { StepTask } from '../step-task.js';
import { findReusable, type PriorRun, recordReuse } from './reuse.js';
import { cancelledError, describeError, stepFailedError } from './step-errors.js';

export type { PriorRun } from './reuse.js';

/** Progress of a run, for live displays. */
export type PipelineRunEvent =
  | { readonly type: 'run-started'; readonly run: PipelineRunRecord }
  | { readonly type: 'step-started'; readonly runId: string; readonly step: string }
  | { readonly type: 'step-attempt'; readonly runId: string; readonly step: string; readonly attempt: number }
  | { readonly type: 'step-finished'; readonly runId: string; readonly step: StepRunRecord }
  | { readonly type: 'run-finished'; readonly result: PipelineRunResult };

/** A finished run: its record, its steps in order, and the error that failed it (null on success). */
export interface PipelineRunResult {
  readonly run: PipelineRunRecord;
  readonly steps: readonly StepRunRecord[];
  readonly error: KeelError | null;
}

/** Everything the loop of one run works with. */
export interface RunLoopInput {
  readonly pipeline: Pipeline;
  readonly run: PipelineRunRecord;
  readonly params: RunParams;
  readonly prior: PriorRun | null;
  readonly cache: boolean;
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly runner: PipelineRunner;
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: { now(): number };
  readonly log: Logger;
  readonly tracking: Tracking;
  readonly worker: string;
  readonly emit: (event: PipelineRunEvent) => void;
}

const OK: readonly StepStatus[] = ['SUCCEEDED', 'CACHED'];

/**
 * Drives one run to its end: starts each step once its inputs succeeded (up to `concurrency` at
 * once), reuses results (the resumed run's, then the cache's — only if their blobs still exist),
 * skips steps downstream of a failure, stops starting steps on cancellation, then records the run.
 */
export async function driveRun(input: RunLoopInput): Promise<PipelineRunResult> {
  const { pipeline, run, signal } = input;
  const repo = input.metadata.pipelines;
  const done = new Map<string, StepRunRecord>();
  const running = new Map<string, Promise<void>>();
  const pending = [...pipeline.order];
  const woken = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  let cancelled = false;
  while (pending.length > 0 || running.size > 0) {
    if (signal.aborted && !cancelled) {
      cancelled = true;
      // Recorded at once so queue workers see it and stop their steps.
      await repo.finishRun(run.id, {
        status: 'CANCELLED',
        endedAt: input.clock.now(),
        error: describeError(cancelledError(run.id)),
      });
    }
    if (!cancelled) {
      for (const name of [...pending]) {
        if (running.size >= input.concurrency) break;
        const ups = Object.values(pipeline.steps.get(name)!.inputs).map((u) => [u, done.get(u)] as const);
        const failed = ups.find(([, r]) => r && !OK.includes(r.status));
        if (failed) {
          pending.splice(pending.indexOf(name), 1);
          done.set(name, await skip(input, name, failed[0], failed[1]!.status));
        } else if (ups.every(([, r]) => r)) {
          pending.splice(pending.indexOf(name), 1);
          running.set(
            name,
            launch(input, name, done)
              .then((record) => {
                done.set(name, record);
                input.emit({ type: 'step-finished', runId: run.id, step: record });
              })
              .finally(() => running.delete(name)),
          );
        }
      }
    }
    if (running.size === 0) break;
    // Once cancelled, `woken` has resolved: wait for the running steps alone.
    await Promise.race(cancelled ? [...running.values()] : [...running.values(), woken]);
  }
  for (const name of pending) {
    await repo.completeStep(run.id, name, {
      status: 'CANCELLED',
      endedAt: input.clock.now(),
      error: describeError(cancelledError(run.id, name)),
    });
  }
  return finishRun(input, cancelled);
}

async function launch(
  input: RunLoopInput,
  name: string,
  done: Map<string, StepRunRecord>,
): Promise<StepRunRecord> {
  const { pipeline, run } = input;
  const repo = input.metadata.pipelines;
  const step = pipeline.steps.get(name)!;
  const inputs = Object.fromEntries(
    Object.entries(step.inputs).map(([k, up]) => [k, { step: up, digest: done.get(up)!.outputDigest! }]),
  );
  const digests = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.digest]));
  const params = input.params[name] ?? {};
  const cacheKey = stepCacheKey(pipeline.name, step, params, digests);
  const reusable = await findReusable(input, name, cacheKey);
  if (reusable) {
    await recordReuse(input, name, cacheKey, reusable);
    return repo.getStep(run.id, name);
  }
  input.emit({ type: 'step-started', runId: run.id, step: name });
  const task: StepTask = {
    runId: run.id,
    pipeline: pipeline.name,
    digest: pipeline.digest,
    source: pipeline.source,
    step: name,
    params,
    inputs,
    cacheKey,
    cache: input.cache && step.cache,
    trackingParentId: run.trackingRunId,
    experiment: pipeline.experiment,
  };
  try {
    await input.runner.execute(pipeline, task, {
      signal: input.signal,
      onAttempt: (attempt) => input.emit({ type: 'step-attempt', runId: run.id, step: name, attempt }),
    });
  } catch (error) {
    // The runner itself failed (its queue is down...): the step fails with that cause.
    await repo.completeStep(run.id, name, {
      status: 'FAILED',
      endedAt: input.clock.now(),
      error: describeError(error),
    });
  }
  const record = await repo.getStep(run.id, name);
  if (!TERMINAL_STEP_STATUSES.includes(record.status)) {
    await repo.completeStep(run.id, name, {
      status: input.signal.aborted ? 'CANCELLED' : 'FAILED',
      endedAt: input.clock.now(),
      error: {
        code: 'KEEL_INTERNAL',
        message: `The ${input.runner.kind} runner returned before step "${name}" ended.`,
        causes: [],
        stack: null,
      },
    });
    return repo.getStep(run.id, name);
  }
  return record;
}

async function skip(
  input: RunLoopInput,
  name: string,
  upstream: string,
  status: StepStatus,
): Promise<StepRunRecord> {
  const repo = input.metadata.pipelines;
  await repo.completeStep(input.run.id, name, {
    status: 'SKIPPED',
    endedAt: input.clock.now(),
    error: {
      code: 'KEEL_PIPELINE_STEP_FAILED',
      message: `Not run: upstream step "${upstream}" is ${status}.`,
      causes: [],
      stack: null,
    },
  });
  const record = await repo.getStep(input.run.id, name);
  input.emit({ type: 'step-finished', runId: input.run.id, step: record });
  return record;
}

async function finishRun(input: RunLoopInput, cancelled: boolean): Promise<PipelineRunResult> {
  const repo = input.metadata.pipelines;
  const steps = await repo.getSteps(input.run.id);
  const failed = steps.find((s) => s.status === 'FAILED');
  const error = cancelled
    ? cancelledError(input.run.id)
    : failed
      ? stepFailedError(input.run.id, failed.step, failed.attempts, failed.error)
      : null;
  const status = cancelled ? 'CANCELLED' : failed ? 'FAILED' : 'SUCCEEDED';
  const endedAt = input.clock.now();
  await repo.finishRun(input.run.id, { status, endedAt, error: error ? describeError(error) : null });
  if (input.run.trackingRunId) {
    const tracked = status === 'SUCCEEDED' ? 'FINISHED' : status === 'FAILED' ? 'FAILED' : 'KILLED';
    await input.metadata.tracking
      .updateRun(input.run.trackingRunId, { status: tracked, endTime: endedAt })
      .catch((e) => {
        if (!isKeelError(e)) throw e;
      });
  }
  const result = { run: await repo.getRun(input.run.id), steps, error };
  input.emit({ type: 'run-finished', result });
  return result;
}

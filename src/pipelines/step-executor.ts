import type { Clock, Logger } from '../core/index.js';
import type {
  ArtifactStore,
  JsonValue,
  MetadataStore,
  StepArtifact,
  StepRunRecord,
} from '../storage/index.js';
import type { ActiveRun, Tracking } from '../track/index.js';
import { type AttemptResult, runAttempt } from './internal/attempt.js';
import { asJsonValue, canonicalJson } from './internal/canonical-json.js';
import { createStepContext } from './internal/step-context.js';
import { describeError } from './internal/step-errors.js';
import { endTrackedRunIfRunning, PIPELINE_TAGS, tagValue, trackedParams } from './internal/tracked-runs.js';
import type { Pipeline } from './pipeline.js';
import { retryDelayMs, shouldRetry } from './retry.js';
import type { Step, StepServices } from './step.js';
import type { StepTask } from './step-task.js';

/** What executing a step needs: the stores, time, a logger, a tracking service and who is running it. */
export interface StepExecutorDeps {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Project root, given to steps. */
  readonly root: string;
  /** Recorded as who ran each attempt (`host:pid` by default). */
  readonly worker: string;
  readonly tracking: Tracking;
  /** Services lent to steps (default none). */
  readonly services?: StepServices;
}

/** Signals and callbacks of one execution. */
export interface ExecuteStepOptions {
  /** Cancels the step: it ends CANCELLED. */
  readonly cancel: AbortSignal;
  /** Abandons it (worker shutting down): nothing more is recorded, the queue redelivers it. */
  readonly abandon?: AbortSignal;
  /** Called as each attempt starts, with its number. */
  readonly onAttempt?: (attempt: number) => void;
}

/**
 * Runs one step of a run to a terminal record: claims it (RUNNING), opens its tracked child run,
 * reads its inputs' results from the artifact store, then runs attempts — each bounded by the
 * step's timeout and the cancel signal — with retries after the policy's backoff (on `deps.clock`).
 * Success stores the result as canonical JSON in the artifact store and claims completion: if
 * another worker completed the step first, this result is dropped. Returns the step's record, or
 * null when abandoned. Step failures are recorded, never thrown.
 */
export async function executeStep(
  pipeline: Pipeline,
  task: StepTask,
  deps: StepExecutorDeps,
  options: ExecuteStepOptions,
): Promise<StepRunRecord | null> {
  const repo = deps.metadata.pipelines;
  const step = pipeline.steps.get(task.step)!;
  // One transaction for the claim and the tracked run: fewer commits, and no half-started step.
  const tracked = await deps.metadata.transaction(async () => {
    const started = await repo.startStep(task.runId, task.step, {
      worker: deps.worker,
      at: deps.clock.now(),
      cacheKey: task.cacheKey,
    });
    if (!started) return null;
    // A previous worker of this step was lost: close its tracked run.
    if (started.trackingRunId) {
      await endTrackedRunIfRunning(deps.metadata, started.trackingRunId, 'KILLED', deps.clock.now());
    }
    const active = await deps.tracking.startRun({
      experiment: task.experiment,
      name: task.step,
      ...(task.trackingParentId ? { parent: task.trackingParentId } : {}),
      tags: {
        [PIPELINE_TAGS.pipeline]: task.pipeline,
        [PIPELINE_TAGS.run]: task.runId,
        [PIPELINE_TAGS.step]: task.step,
        [PIPELINE_TAGS.worker]: deps.worker,
        [PIPELINE_TAGS.cacheHit]: 'false',
      },
      params: trackedParams(task.params),
    });
    await repo.setStepTrackingRun(task.runId, task.step, active.id);
    return active;
  });
  if (!tracked) return repo.getStep(task.runId, task.step);
  const run = new StepRun(pipeline, task, step, deps, options, tracked);
  let inputs: Record<string, unknown>;
  try {
    inputs = await run.readInputs();
  } catch (error) {
    return run.finish('FAILED', error);
  }
  return run.attempts(inputs);
}

/** The attempt loop of one execution of a step. */
class StepRun {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly task: StepTask,
    private readonly step: Step,
    private readonly deps: StepExecutorDeps,
    private readonly options: ExecuteStepOptions,
    private readonly tracked: ActiveRun,
  ) {}

  async readInputs(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, input] of Object.entries(this.task.inputs)) {
      out[name] = JSON.parse((await this.deps.artifacts.get(input.digest)).toString('utf8'));
    }
    return out;
  }

  async attempts(inputs: Record<string, unknown>): Promise<StepRunRecord | null> {
    const { repo, task, deps } = this.parts();
    const earlier = await repo.listAttempts(task.runId, task.step);
    let failures = earlier.filter((a) => a.outcome === 'failed' || a.outcome === 'timeout').length;
    for (;;) {
      const attempt = await repo.startAttempt(task.runId, task.step, deps.worker, deps.clock.now());
      this.options.onAttempt?.(attempt);
      const saved: StepArtifact[] = [];
      const result = await this.runOnce(inputs, attempt, saved);
      if (result.ok) return this.succeed(result.value, attempt, saved);
      if (result.kind === 'abandoned') return null;
      const error = describeError(result.error);
      const outcome = result.kind === 'failed' ? 'failed' : result.kind;
      await repo.endAttempt(task.runId, task.step, attempt, { outcome, at: deps.clock.now(), error });
      if (result.kind === 'cancelled') return this.finish('CANCELLED', result.error);
      failures++;
      if (failures > this.step.retry.retries || !shouldRetry(this.step.retry, result.error)) {
        return this.finish('FAILED', result.error);
      }
      const delayMs = retryDelayMs(this.step.retry, failures, `${task.runId}/${task.step}`);
      deps.log.warn(
        { pipeline: task.pipeline, run: task.runId, step: task.step, attempt, delayMs, err: error.message },
        'step attempt failed; retrying',
      );
      const waited = await this.sleep(delayMs);
      if (waited === 'abandoned') return null;
      if (waited === 'cancelled') return this.finish('CANCELLED', this.options.cancel.reason);
    }
  }

  private runOnce(
    inputs: Record<string, unknown>,
    attempt: number,
    saved: StepArtifact[],
  ): Promise<AttemptResult> {
    const { task, deps } = this.parts();
    const log = deps.log.child({ pipeline: task.pipeline, run: task.runId, step: task.step, attempt });
    return runAttempt(
      (signal) =>
        this.step.run(
          inputs,
          task.params,
          createStepContext(
            {
              pipeline: task.pipeline,
              experiment: task.experiment,
              runId: task.runId,
              step: task.step,
              attempt,
              log,
              clock: deps.clock,
              signal,
              tracked: this.tracked,
              root: deps.root,
              metadata: deps.metadata,
              artifacts: deps.artifacts,
              services: deps.services ?? {},
            },
            saved,
          ),
        ),
      {
        clock: deps.clock,
        timeoutMs: this.step.timeoutMs,
        cancel: this.options.cancel,
        ...(this.options.abandon ? { abandon: this.options.abandon } : {}),
        label: `Step "${task.step}" (attempt ${attempt})`,
      },
    );
  }

  private async succeed(
    value: unknown,
    attempt: number,
    saved: StepArtifact[],
  ): Promise<StepRunRecord | null> {
    const { repo, task, deps } = this.parts();
    let json: JsonValue;
    try {
      json = asJsonValue(value, `The result of step "${task.step}"`);
    } catch (error) {
      await repo.endAttempt(task.runId, task.step, attempt, {
        outcome: 'failed',
        at: deps.clock.now(),
        error: describeError(error),
      });
      return this.finish('FAILED', error);
    }
    const bytes = Buffer.from(canonicalJson(json), 'utf8');
    const ref = await deps.artifacts.put(bytes);
    // The completion claim and everything recorded with it commit together.
    await deps.metadata.transaction(async () => {
      const won = await repo.completeStep(task.runId, task.step, {
        status: 'SUCCEEDED',
        endedAt: deps.clock.now(),
        outputDigest: ref.digest,
        outputSize: ref.size,
        artifacts: saved,
        error: null,
        worker: deps.worker,
        trackingRunId: this.tracked.id,
      });
      await repo.endAttempt(task.runId, task.step, attempt, { outcome: 'succeeded', at: deps.clock.now() });
      if (won) {
        if (task.cache && this.step.cache) {
          await repo.putCache({
            key: task.cacheKey,
            pipeline: task.pipeline,
            step: task.step,
            outputDigest: ref.digest,
            outputSize: ref.size,
            artifacts: saved,
            runId: task.runId,
            createdAt: deps.clock.now(),
          });
        }
        await deps.metadata.tracking.logArtifact(this.tracked.id, { path: 'output.json', ...ref });
        await this.tracked.end('FINISHED');
      } else {
        // Another worker completed the step first (this one was presumed lost): its result stands.
        await this.tracked.setTag(
          PIPELINE_TAGS.error,
          'duplicate execution: another worker completed the step first',
        );
        await this.tracked.end('KILLED');
      }
    });
    return repo.getStep(task.runId, task.step);
  }

  /** Records a terminal failure (FAILED or CANCELLED) with its error; returns the step. */
  async finish(status: 'FAILED' | 'CANCELLED', error: unknown): Promise<StepRunRecord> {
    const { repo, task, deps } = this.parts();
    const info = describeError(error);
    const won = await repo.completeStep(task.runId, task.step, {
      status,
      endedAt: deps.clock.now(),
      error: info,
      worker: deps.worker,
      trackingRunId: this.tracked.id,
    });
    await this.tracked
      .setTag(PIPELINE_TAGS.error, tagValue(`${info.code}: ${info.message}`))
      .catch(() => undefined);
    await this.tracked.end(won && status === 'FAILED' ? 'FAILED' : 'KILLED').catch(() => undefined);
    return repo.getStep(task.runId, task.step);
  }

  private async sleep(ms: number): Promise<'done' | 'cancelled' | 'abandoned'> {
    if (ms <= 0)
      return this.options.abandon?.aborted ? 'abandoned' : this.options.cancel.aborted ? 'cancelled' : 'done';
    const signals = [this.options.cancel, ...(this.options.abandon ? [this.options.abandon] : [])];
    try {
      await this.deps.clock.sleep(ms, AbortSignal.any(signals));
      return 'done';
    } catch {
      return this.options.abandon?.aborted ? 'abandoned' : 'cancelled';
    }
  }

  private parts() {
    return { repo: this.deps.metadata.pipelines, task: this.task, deps: this.deps, pipeline: this.pipeline };
  }
}

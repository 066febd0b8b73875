import type { Pipeline } from './pipeline.js';
import { executeStep, type StepExecutorDeps } from './step-executor.js';
import type { StepTask } from './step-task.js';

/** Options of one `PipelineRunner.execute` call. */
export interface RunnerExecuteOptions {
  /** Aborted when the run is cancelled: the step should end CANCELLED soon after. */
  readonly signal: AbortSignal;
  /** Called as each attempt starts (runners that can see attempts). */
  readonly onAttempt?: (attempt: number) => void;
}

/**
 * Where steps run. The engine decides what runs when (the DAG, the cache, resume); a runner only
 * executes one step task to a terminal record in the metadata store. `execute` resolves once the
 * step's record is terminal (SUCCEEDED, FAILED, CANCELLED) and never throws for a step's failure;
 * it throws only when the runner itself cannot work (its queue is down).
 */
export interface PipelineRunner {
  /** `local` or `queue`: recorded on each run. */
  readonly kind: string;
  execute(pipeline: Pipeline, task: StepTask, options: RunnerExecuteOptions): Promise<void>;
  /** Releases what the runner opened (never the stores it was given). */
  close(): Promise<void>;
}

/** The default runner: steps run in this process, concurrently up to the run's concurrency. */
export class LocalRunner implements PipelineRunner {
  readonly kind = 'local';

  constructor(private readonly deps: StepExecutorDeps) {}

  async execute(pipeline: Pipeline, task: StepTask, options: RunnerExecuteOptions): Promise<void> {
    await executeStep(pipeline, task, this.deps, {
      cancel: options.signal,
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
    });
  }

  async close(): Promise<void> {}
}

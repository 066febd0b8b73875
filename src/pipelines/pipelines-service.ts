import { hostname } from 'node:os';
import { type Clock, KeelError, type Logger, newId } from '../core/index.js';
import type {
  ArtifactStore,
  ListPipelineRunsOptions,
  MetadataStore,
  PipelineRunRecord,
  StepAttemptRecord,
  StepRunRecord,
} from '../storage/index.js';
import { Tracking } from '../track/index.js';
import {
  driveRun,
  type PipelineRunEvent,
  type PipelineRunResult,
  type PriorRun,
} from './internal/run-loop.js';
import { describeError } from './internal/step-errors.js';
import { endTrackedRunIfRunning, flattenRunParams, PIPELINE_TAGS } from './internal/tracked-runs.js';
import { resolveRunParams } from './params.js';
import type { Pipeline } from './pipeline.js';
import { LocalRunner, type PipelineRunner } from './runner.js';
import type { StepServices } from './step.js';

/** What the pipelines service works on. */
export interface PipelinesOptions {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Project root (given to steps; git commit of tracked runs). */
  readonly root: string;
  /** Where steps run (default: a `LocalRunner` in this process). */
  readonly runner?: PipelineRunner;
  /** Recorded as who ran steps (default `host:pid`). */
  readonly worker?: string;
  /** Recorded on tracked runs as `keel.user`. */
  readonly user?: string;
  /** Services lent to steps run by the default local runner (feature store...). */
  readonly services?: StepServices;
}

/** Options of one run. */
export interface RunPipelineOptions {
  /** Overrides: `<step>.<param>` or `<param>` → value (strings are coerced to the default's type). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Resume this run: its successful steps whose cache key is unchanged are reused, the rest run. */
  readonly resume?: string;
  /** Cancels the run: running steps are aborted, nothing new starts, the run ends CANCELLED. */
  readonly signal?: AbortSignal;
  /** What started the run (default `manual`). */
  readonly trigger?: string;
  /** Set false to ignore the step cache for this run (default true). Resume still reuses. */
  readonly cache?: boolean;
  /** Steps at once (default: the pipeline's concurrency). */
  readonly concurrency?: number;
  /** Live progress. */
  readonly onEvent?: (event: PipelineRunEvent) => void;
  /** A preassigned run id. */
  readonly runId?: string;
  /**
   * A claim made in the same transaction that creates the run: the run is created only if it
   * resolves true (the scheduler's exactly-once start).
   */
  readonly claim?: (tx: MetadataStore) => Promise<boolean>;
}

/** A started run: its record and a promise of its result. */
export interface StartedRun {
  readonly run: PipelineRunRecord;
  readonly done: Promise<PipelineRunResult>;
}

/** A run with its steps and every attempt, for `keel pipeline show`. */
export interface PipelineRunDetails {
  readonly run: PipelineRunRecord;
  readonly steps: readonly StepRunRecord[];
  readonly attempts: readonly StepAttemptRecord[];
}

/**
 * Runs pipelines and reads their history. Runs, steps and attempts are recorded in the metadata
 * store; each run and step is also a tracked run (step runs are children of the run's), so
 * `keel runs list` shows them.
 */
export class Pipelines {
  readonly runner: PipelineRunner;
  private readonly tracking: Tracking;
  private readonly worker: string;

  constructor(private readonly opts: PipelinesOptions) {
    this.worker = opts.worker ?? `${hostname()}:${process.pid}`;
    this.tracking = new Tracking({
      metadata: opts.metadata,
      artifacts: opts.artifacts,
      clock: opts.clock,
      root: opts.root,
      ...(opts.user ? { user: opts.user } : {}),
    });
    this.runner =
      opts.runner ??
      new LocalRunner({
        metadata: opts.metadata,
        artifacts: opts.artifacts,
        clock: opts.clock,
        log: opts.log,
        root: opts.root,
        worker: this.worker,
        tracking: this.tracking,
        ...(opts.services ? { services: opts.services } : {}),
      });
  }

  /** Runs a pipeline to its end and returns the result (a failed run resolves, with `error` set). */
  async run(pipeline: Pipeline, options: RunPipelineOptions = {}): Promise<PipelineRunResult> {
    const started = await this.start(pipeline, options);
    if (!started) {
      throw new KeelError(
        'KEEL_STORE_CONFLICT',
        `The claim for a run of pipeline "${pipeline.name}" was lost.`,
        {
          details: { pipeline: pipeline.name },
        },
      );
    }
    return started.done;
  }

  /** Creates a run and starts it; resolves once it is recorded (null when `options.claim` lost). */
  async start(pipeline: Pipeline, options: RunPipelineOptions = {}): Promise<StartedRun | null> {
    const { metadata, clock } = this.opts;
    const prior = options.resume ? await this.loadPrior(pipeline, options.resume) : null;
    const params = resolveRunParams(pipeline, options.params ?? {}, prior?.run.params ?? {});
    const concurrency = options.concurrency ?? pipeline.concurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `concurrency must be a whole number ≥ 1, got ${String(concurrency)}.`,
      );
    }
    const id = options.runId ?? newId(clock.now());
    const run = await metadata.transaction(async (tx) => {
      if (options.claim && !(await options.claim(tx))) return null;
      const tracking = new Tracking({
        metadata: tx,
        artifacts: this.opts.artifacts,
        clock,
        root: this.opts.root,
      });
      const parent = await tracking.startRun({
        experiment: pipeline.experiment,
        name: `${pipeline.name}-${id.slice(-8)}`,
        tags: { [PIPELINE_TAGS.pipeline]: pipeline.name, [PIPELINE_TAGS.run]: id },
        params: flattenRunParams(params),
      });
      return tx.pipelines.createRun(
        {
          id,
          pipeline: pipeline.name,
          digest: pipeline.digest,
          source: pipeline.source,
          params,
          runner: this.runner.kind,
          trigger: options.trigger ?? 'manual',
          resumedFrom: prior?.run.id ?? null,
          trackingRunId: parent.id,
          createdAt: clock.now(),
        },
        pipeline.order,
      );
    });
    if (!run) return null;
    if (prior?.run.status === 'RUNNING') await this.supersede(prior.run, id);
    const emit = (event: PipelineRunEvent) => {
      try {
        options.onEvent?.(event);
      } catch (error) {
        this.opts.log.warn({ err: error }, 'pipeline progress listener failed');
      }
    };
    emit({ type: 'run-started', run });
    const done = driveRun({
      pipeline,
      run,
      params,
      prior,
      cache: options.cache !== false,
      concurrency,
      signal: options.signal ?? new AbortController().signal,
      runner: this.runner,
      metadata,
      artifacts: this.opts.artifacts,
      clock,
      log: this.opts.log,
      tracking: this.tracking,
      worker: this.worker,
      emit,
    });
    return { run, done };
  }

  /** A run by id; `KEEL_PIPELINE_NOT_FOUND` otherwise. */
  getRun(id: string): Promise<PipelineRunRecord> {
    return this.opts.metadata.pipelines.getRun(id);
  }

  /** Runs newest first. */
  listRuns(options: ListPipelineRunsOptions = {}): Promise<PipelineRunRecord[]> {
    return this.opts.metadata.pipelines.listRuns(options);
  }

  /** A run with its steps and attempts. */
  async describeRun(id: string): Promise<PipelineRunDetails> {
    const repo = this.opts.metadata.pipelines;
    const run = await repo.getRun(id);
    const [steps, attempts] = await Promise.all([repo.getSteps(id), repo.listAttempts(id)]);
    return { run, steps, attempts };
  }

  /** Closes the runner (the stores belong to the caller). */
  close(): Promise<void> {
    return this.runner.close();
  }

  private async loadPrior(pipeline: Pipeline, ref: string): Promise<PriorRun> {
    const repo = this.opts.metadata.pipelines;
    const run = await repo.getRun(ref);
    if (run.pipeline !== pipeline.name) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Run ${ref} is a run of pipeline "${run.pipeline}", not "${pipeline.name}"; resume it with its own pipeline file.`,
        { details: { run: ref, pipeline: run.pipeline, expected: pipeline.name } },
      );
    }
    const steps = await repo.getSteps(ref);
    return { run, steps: new Map(steps.map((s) => [s.step, s])) };
  }

  /** Ends a RUNNING run that a resume replaces (its process is presumed gone). */
  private async supersede(prior: PipelineRunRecord, by: string): Promise<void> {
    const now = this.opts.clock.now();
    const error = describeError(new KeelError('KEEL_CANCELLED', `Superseded by resumed run ${by}.`));
    await this.opts.metadata.pipelines.finishRun(prior.id, { status: 'CANCELLED', endedAt: now, error });
    if (prior.trackingRunId)
      await endTrackedRunIfRunning(this.opts.metadata, prior.trackingRunId, 'KILLED', now);
  }
}

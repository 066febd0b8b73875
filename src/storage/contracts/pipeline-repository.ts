import type { JsonValue } from './queue.js';

/**
 * Pipeline runs in the metadata store: one row per run, one per step of the run, one per attempt
 * of a step, the step-result cache, compare-and-set state rows for schedules and triggers, and an
 * append-only event log (alerts, new labels) that triggers consume. All times are epoch ms.
 */

/** A pipeline run's state: RUNNING until every step settled. */
export type PipelineRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/**
 * A step's state. PENDING → RUNNING → SUCCEEDED | FAILED | CANCELLED; CACHED when a stored result
 * was reused instead of running; SKIPPED when an upstream step failed so it could not run.
 */
export type StepStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'CACHED' | 'FAILED' | 'CANCELLED' | 'SKIPPED';

/** The terminal step states (a step in one of them never changes again). */
export const TERMINAL_STEP_STATUSES: readonly StepStatus[] = [
  'SUCCEEDED',
  'CACHED',
  'FAILED',
  'CANCELLED',
  'SKIPPED',
];

/** Why something failed: the error's code and message, and the messages of its `cause` chain. */
export interface StepError {
  readonly code: string;
  readonly message: string;
  /** Messages of `error.cause`, `error.cause.cause`... outermost first. */
  readonly causes: readonly string[];
  /** The stack of the original error, when there was one. */
  readonly stack: string | null;
}

/** A named blob a step stored (besides its output): a model file, a dataset, a report. */
export interface StepArtifact {
  readonly name: string;
  readonly digest: string;
  readonly size: number;
}

/** One pipeline run. */
export interface PipelineRunRecord {
  readonly id: string;
  readonly pipeline: string;
  /** sha256 of the definition (steps, edges, code versions, policies): workers check they run the same. */
  readonly digest: string;
  /** Where the definition came from (an absolute file path), or null for one defined in code. */
  readonly source: string | null;
  /** Resolved parameters per step: step → param → value. */
  readonly params: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>;
  readonly status: PipelineRunStatus;
  /** `local` or `queue`. */
  readonly runner: string;
  /** What started it: `manual`, `schedule:<name>@<iso time>`, `trigger:<name>`. */
  readonly trigger: string;
  /** The run this one resumed, or null. */
  readonly resumedFrom: string | null;
  /** The tracked (parent) run of this pipeline run. */
  readonly trackingRunId: string | null;
  readonly error: StepError | null;
  readonly createdAt: number;
  readonly endedAt: number | null;
}

/** One step of a run. */
export interface StepRunRecord {
  readonly runId: string;
  readonly step: string;
  /** Position in the run's topological order, from 0. */
  readonly position: number;
  readonly status: StepStatus;
  /** The cache key (hash of code version, params, input digests) once computed. */
  readonly cacheKey: string | null;
  /** True when the result was reused (from the cache or the resumed run) instead of computed. */
  readonly cacheHit: boolean;
  /** The run that computed a reused result. */
  readonly cachedFrom: string | null;
  /** Attempts started (lost deliveries included). */
  readonly attempts: number;
  /** Digest of the output value's JSON in the artifact store. */
  readonly outputDigest: string | null;
  readonly outputSize: number | null;
  readonly artifacts: readonly StepArtifact[];
  readonly error: StepError | null;
  /** The tracked (child) run of this step. */
  readonly trackingRunId: string | null;
  /** Who ran it last (`host:pid`). */
  readonly worker: string | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
}

/** How one attempt of a step ended; `running` while in progress, `lost` when its worker died. */
export type AttemptOutcome = 'running' | 'succeeded' | 'failed' | 'timeout' | 'cancelled' | 'lost';

/** One attempt of a step. */
export interface StepAttemptRecord {
  readonly runId: string;
  readonly step: string;
  /** 1, 2, 3... across every worker that ran the step. */
  readonly attempt: number;
  readonly worker: string;
  readonly outcome: AttemptOutcome;
  readonly error: StepError | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** A cached step result, keyed by the step's cache key. */
export interface StepCacheEntry {
  readonly key: string;
  readonly pipeline: string;
  readonly step: string;
  readonly outputDigest: string;
  readonly outputSize: number;
  readonly artifacts: readonly StepArtifact[];
  /** The run that computed it. */
  readonly runId: string;
  readonly createdAt: number;
}

/** What a step's completion writes (`completeStep`). */
export interface StepCompletion {
  readonly status: Exclude<StepStatus, 'PENDING' | 'RUNNING'>;
  readonly endedAt: number;
  readonly outputDigest?: string | null;
  readonly outputSize?: number | null;
  readonly artifacts?: readonly StepArtifact[];
  readonly error?: StepError | null;
  readonly cacheKey?: string | null;
  readonly cacheHit?: boolean;
  readonly cachedFrom?: string | null;
  readonly trackingRunId?: string | null;
  readonly worker?: string | null;
}

/** A compare-and-set state row (schedules, triggers); `version` starts at 1. */
export interface PipelineState {
  readonly name: string;
  readonly state: JsonValue;
  readonly version: number;
  readonly updatedAt: number;
}

/** An event triggers react to (an alert from monitoring, new labels, new data). */
export interface PipelineEventRecord {
  /** Increasing sequence number, assigned by the store. */
  readonly seq: number;
  /** `alert`, `labels`, `data`, or another word. */
  readonly kind: string;
  /** What it is about: a deployment, a rule, a source. */
  readonly subject: string;
  readonly payload: Readonly<Record<string, JsonValue>>;
  readonly at: number;
}

/** Options for `listRuns`. */
export interface ListPipelineRunsOptions {
  readonly pipeline?: string;
  readonly status?: PipelineRunStatus;
  /** Most runs returned, newest first (default 50). */
  readonly limit?: number;
}

/** Pipeline runs, steps, attempts, the step cache, state rows and events. */
export interface PipelineRepository {
  /**
   * Creates a RUNNING run and its steps (PENDING, in `steps` order). `KEEL_STORE_CONFLICT` when the
   * id exists.
   */
  createRun(
    run: Omit<PipelineRunRecord, 'status' | 'error' | 'endedAt'>,
    steps: readonly string[],
  ): Promise<PipelineRunRecord>;
  /** The run; `KEEL_PIPELINE_NOT_FOUND` otherwise. */
  getRun(id: string): Promise<PipelineRunRecord>;
  /** Runs newest first (ties by id, descending). */
  listRuns(options?: ListPipelineRunsOptions): Promise<PipelineRunRecord[]>;
  /** Ends a RUNNING run; returns false (and changes nothing) when it had already ended. */
  finishRun(
    id: string,
    end: {
      readonly status: Exclude<PipelineRunStatus, 'RUNNING'>;
      readonly endedAt: number;
      readonly error?: StepError | null;
    },
  ): Promise<boolean>;
  /** Steps of a run in position order; `KEEL_PIPELINE_NOT_FOUND` when the run does not exist. */
  getSteps(runId: string): Promise<StepRunRecord[]>;
  /** One step of a run; `KEEL_PIPELINE_NOT_FOUND` when absent. */
  getStep(runId: string, step: string): Promise<StepRunRecord>;
  /**
   * Marks a PENDING or RUNNING step RUNNING for `worker` (a RUNNING step is taken over after its
   * worker was lost: its `running` attempts become `lost`). Returns the step, or null when it is
   * already terminal (nothing changes).
   */
  startStep(
    runId: string,
    step: string,
    start: { readonly worker: string; readonly at: number; readonly cacheKey: string | null },
  ): Promise<StepRunRecord | null>;
  /** Records the step's tracked run. */
  setStepTrackingRun(runId: string, step: string, trackingRunId: string): Promise<void>;
  /**
   * The completion claim: writes a terminal status only if the step is not terminal yet. Returns
   * true for the one caller that won; false (nothing written) for everyone after. Race-free.
   */
  completeStep(runId: string, step: string, completion: StepCompletion): Promise<boolean>;
  /** Starts the next attempt of a step (numbered after every earlier one); returns its number. */
  startAttempt(runId: string, step: string, worker: string, at: number): Promise<number>;
  /** Ends an attempt that is still `running`; returns false when it had already ended (e.g. marked lost). */
  endAttempt(
    runId: string,
    step: string,
    attempt: number,
    end: {
      readonly outcome: Exclude<AttemptOutcome, 'running'>;
      readonly at: number;
      readonly error?: StepError | null;
    },
  ): Promise<boolean>;
  /** Attempts of a run (or of one step), by step position then attempt number. */
  listAttempts(runId: string, step?: string): Promise<StepAttemptRecord[]>;
  /** The cache entry for `key`, or null. */
  findCache(key: string): Promise<StepCacheEntry | null>;
  /** Stores (or replaces) a cache entry. */
  putCache(entry: StepCacheEntry): Promise<void>;
  /** Removes a cache entry; absent keys are ignored. */
  deleteCache(key: string): Promise<void>;
  /** A state row, or null. */
  getState(name: string): Promise<PipelineState | null>;
  /**
   * Compare-and-set: writes `state` with version `expectedVersion + 1` only if the stored version is
   * `expectedVersion` (0 = the row must not exist). True for the one writer that won. Race-free
   * across processes: this is how two schedulers agree on who starts a due run.
   */
  compareAndSetState(name: string, expectedVersion: number, state: JsonValue, at: number): Promise<boolean>;
  /** Appends an event; returns its sequence number. */
  appendEvent(event: Omit<PipelineEventRecord, 'seq'>): Promise<number>;
  /** Events with `seq > afterSeq`, oldest first, at most `limit` (default 1000), optionally of one kind. */
  listEvents(
    afterSeq: number,
    options?: { readonly kind?: string; readonly limit?: number },
  ): Promise<PipelineEventRecord[]>;
}

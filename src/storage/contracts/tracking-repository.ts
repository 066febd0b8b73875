/**
 * The tracking part of the metadata store, following MLflow's data model:
 * experiments contain runs; runs have params (immutable), metrics (append-only
 * history with a "latest" value), tags, inputs (dataset fingerprints) and artifacts.
 * All times are epoch milliseconds (UTC).
 */

/** Lifecycle of an experiment. Deleted experiments keep their runs and can be restored. */
export type LifecycleStage = 'active' | 'deleted';

/** A named group of runs. */
export interface Experiment {
  readonly id: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly lifecycleStage: LifecycleStage;
  readonly createdAt: number;
}

/** MLflow's run statuses. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** Every run status, in display order. */
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** One logged metric value. */
export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  /** Training step (round, epoch); 0 when not given. */
  readonly step: number;
  readonly timestamp: number;
}

/** A dataset a run read, identified by its fingerprint (schema + content hash). */
export interface RunInput {
  readonly fingerprint: string;
  readonly name: string;
  /** Where the data came from (a path or table URL), informational. */
  readonly source: string | null;
  /** Role of the data in the run: `training`, `validation`, `test`, `reference`... */
  readonly context: string;
  readonly rowCount: number | null;
}

/** An artifact logged by a run: a logical path inside the run and the content digest in the artifact store. */
export interface RunArtifact {
  /** Relative, `/`-separated path (validated: no `..`, no absolute paths). */
  readonly path: string;
  /** sha256 hex of the content in the artifact store. */
  readonly digest: string;
  readonly size: number;
}

/** A run with everything logged to it. `metrics` holds the latest value per key. */
export interface Run {
  readonly id: string;
  readonly experimentId: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly parentRunId: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, MetricPoint>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly inputs: readonly RunInput[];
  readonly artifacts: readonly RunArtifact[];
}

/** The fields of a run a filter or ordering can name without a prefix (`attributes.status`). */
export type RunAttribute = 'id' | 'name' | 'status' | 'start_time' | 'end_time' | 'parent_run_id';

/** Comparison operators of the run search language. */
export type FilterOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/**
 * One clause of a run search; clauses are ANDed.
 * Metric clauses compare the latest value as a number; param and tag clauses compare strings.
 * A run without the named metric, param or tag never matches a clause on it.
 */
export interface FilterClause {
  readonly kind: 'metric' | 'param' | 'tag' | 'attribute';
  readonly key: string;
  readonly op: FilterOperator;
  readonly value: string | number | readonly (string | number)[];
}

/** One ordering key; runs missing the key sort last whatever the direction. Ties break on start_time desc, then id. */
export interface OrderClause {
  readonly kind: 'metric' | 'param' | 'tag' | 'attribute';
  readonly key: string;
  readonly descending: boolean;
}

/** Options for `searchRuns`. */
export interface SearchRunsOptions {
  /** Experiments to search; empty or absent = all active experiments. */
  readonly experimentIds?: readonly string[];
  readonly filter?: readonly FilterClause[];
  readonly orderBy?: readonly OrderClause[];
  /** Page size, default 100, at most 1000. */
  readonly maxResults?: number;
  /** Opaque token from a previous page. */
  readonly pageToken?: string;
}

/** A page of runs. */
export interface RunPage {
  readonly runs: readonly Run[];
  /** Token for the next page, or null at the end. */
  readonly nextPageToken: string | null;
}

/** Fields for a new run. */
export interface CreateRunInput {
  readonly experimentId: string;
  readonly name?: string;
  readonly parentRunId?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
  readonly startTime: number;
  readonly status?: RunStatus;
}

/** Experiments and runs. */
export interface TrackingRepository {
  /** Creates an experiment; `KEEL_TRACK_EXPERIMENT_EXISTS` when the name is taken (deleted ones included). */
  createExperiment(input: {
    readonly name: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly createdAt: number;
  }): Promise<Experiment>;
  /** The experiment with this id; `KEEL_TRACK_EXPERIMENT_NOT_FOUND` otherwise. */
  getExperiment(id: string): Promise<Experiment>;
  /** The experiment with this name, or null. */
  findExperimentByName(name: string): Promise<Experiment | null>;
  /** Experiments ordered by creation time (oldest first); deleted ones only when asked. */
  listExperiments(options?: { readonly includeDeleted?: boolean }): Promise<Experiment[]>;
  /** Sets (or overwrites) tags on an experiment. */
  setExperimentTags(id: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Moves an experiment to `deleted` or back to `active`. */
  setExperimentLifecycle(id: string, stage: LifecycleStage): Promise<void>;

  /** Creates a run (status RUNNING unless given); the experiment and parent run must exist. */
  createRun(input: CreateRunInput): Promise<Run>;
  /** The run with this id; `KEEL_TRACK_RUN_NOT_FOUND` otherwise. */
  getRun(id: string): Promise<Run>;
  /** Updates status, end time and/or name. */
  updateRun(
    id: string,
    patch: { readonly status?: RunStatus; readonly endTime?: number | null; readonly name?: string },
  ): Promise<Run>;
  /** Deletes a run and everything logged to it (not its artifacts' content). */
  deleteRun(id: string): Promise<void>;

  /**
   * Logs params. Logging a key again with the same value is a no-op; with another value it fails
   * with `KEEL_TRACK_PARAM_CONFLICT` and nothing of the batch is written.
   */
  logParams(runId: string, params: Readonly<Record<string, string>>): Promise<void>;
  /**
   * Appends metric points (history is never rewritten). The latest value per key is the point with
   * the greatest (step, timestamp, value), as MLflow defines it.
   */
  logMetrics(runId: string, points: readonly MetricPoint[]): Promise<void>;
  /** Every point of one metric, ordered by step, then timestamp, then insertion. Empty when none. */
  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]>;
  /** Sets (or overwrites) tags on a run. */
  setRunTags(runId: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Removes a tag; absent tags are ignored. */
  deleteRunTag(runId: string, key: string): Promise<void>;
  /** Records datasets the run read; the same (fingerprint, context) twice is stored once. */
  logInputs(runId: string, inputs: readonly RunInput[]): Promise<void>;
  /** Records an artifact; logging the same path again replaces the entry. */
  logArtifact(runId: string, artifact: RunArtifact): Promise<void>;

  /** Searches runs with AND-ed clauses and ordering; see `FilterClause` and `OrderClause`. */
  searchRuns(options: SearchRunsOptions): Promise<RunPage>;
}

import { type Clock, isKeelError, isValidName, KeelError } from '../core/index.js';
import type {
  ArtifactStore,
  Experiment,
  FilterClause,
  MetadataStore,
  MetricPoint,
  OrderClause,
  Run,
  RunPage,
} from '../storage/index.js';
import { ActiveRun, type ParamValue } from './active-run.js';
import { parseRunFilter, parseRunOrder } from './filter-parser.js';
import { detectGitCommit } from './git-commit.js';
import { compareRuns, type RunComparison } from './run-comparison.js';
import { assertTrackingKey, assertTrackingValue, randomRunName } from './tracking-names.js';

/**
 * System tags on runs (MLflow-style): the git commit and user Keel records at start, and the
 * feature service a training run read (set by the trainer); the registry copies them into lineage.
 */
export const RUN_TAGS = {
  gitCommit: 'keel.git.commit',
  user: 'keel.user',
  featureService: 'keel.feature_service',
} as const;

/** The experiment runs go to when none is named (as MLflow's "Default"). */
export const DEFAULT_EXPERIMENT = 'Default';

/** What the tracking service works on. */
export interface TrackingOptions {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: Clock;
  /** Project root whose git commit is recorded on new runs; null or absent = none. */
  readonly root?: string | null;
  /** Who starts runs, recorded as the `keel.user` tag; absent = not recorded. */
  readonly user?: string;
}

/** Options for `startRun`. */
export interface StartRunOptions {
  /** Experiment name, created when missing (default `Default`). */
  readonly experiment?: string;
  /** Run name (default: a random readable name). */
  readonly name?: string;
  /** Parent run (id or active run) for nested runs. */
  readonly parent?: string | ActiveRun;
  readonly tags?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, ParamValue>>;
}

/** Options for `searchRuns`: MLflow filter and order strings (or parsed clauses). */
export interface SearchOptions {
  /** Experiment names; absent = every active experiment. */
  readonly experiments?: readonly string[];
  readonly filter?: string | readonly FilterClause[];
  readonly orderBy?: string | readonly string[] | readonly OrderClause[];
  readonly maxResults?: number;
  readonly pageToken?: string;
}

/**
 * Experiment tracking, MLflow-like: experiments by name, runs (nested), params, metrics, tags,
 * inputs and artifacts through `ActiveRun`, search with MLflow's filter grammar, and comparison.
 */
export class Tracking {
  private readonly opts: TrackingOptions;
  private gitCommit: string | null | undefined;

  constructor(options: TrackingOptions) {
    this.opts = options;
  }

  /** The experiment named `name`, created (with `tags`) when missing. */
  async getOrCreateExperiment(
    name: string,
    tags: Readonly<Record<string, string>> = {},
  ): Promise<Experiment> {
    const repo = this.opts.metadata.tracking;
    const found = await repo.findExperimentByName(name);
    if (found) return found;
    if (!isValidName(name)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Experiment name "${name}" is not valid: start with a letter, then letters, digits, _ . - (at most 128).`,
        { details: { name } },
      );
    }
    try {
      return await repo.createExperiment({ name, tags, createdAt: this.opts.clock.now() });
    } catch (error) {
      // Another writer created it between our look-up and insert.
      if (isKeelError(error, 'KEEL_TRACK_EXPERIMENT_EXISTS')) return (await repo.findExperimentByName(name))!;
      throw error;
    }
  }

  /** Experiments oldest first (deleted ones only when asked). */
  listExperiments(options: { readonly includeDeleted?: boolean } = {}): Promise<Experiment[]> {
    return this.opts.metadata.tracking.listExperiments(options);
  }

  /** Starts a run (RUNNING) and returns its handle; records the git commit and user as tags when known. */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    // Validate before anything is written, so bad params never leave an orphan RUNNING run.
    for (const [k, v] of Object.entries(options.params ?? {})) {
      assertTrackingKey('param', k);
      assertTrackingValue('param', k, String(v));
    }
    const experiment = await this.getOrCreateExperiment(options.experiment ?? DEFAULT_EXPERIMENT);
    const tags: Record<string, string> = { ...(options.tags ?? {}) };
    const commit = this.commit();
    if (commit && !(RUN_TAGS.gitCommit in tags)) tags[RUN_TAGS.gitCommit] = commit;
    if (this.opts.user && !(RUN_TAGS.user in tags)) tags[RUN_TAGS.user] = this.opts.user;
    const parent = options.parent instanceof ActiveRun ? options.parent.id : options.parent;
    const run = await this.opts.metadata.tracking.createRun({
      experimentId: experiment.id,
      name: options.name ?? randomRunName(),
      ...(parent ? { parentRunId: parent } : {}),
      tags,
      startTime: this.opts.clock.now(),
    });
    const active = new ActiveRun(run, this.opts);
    if (options.params) await active.logParams(options.params);
    return active;
  }

  /** Runs `fn` in a new run, ending it FINISHED, or FAILED (and rethrowing) when `fn` throws. */
  async withRun<T>(options: StartRunOptions, fn: (run: ActiveRun) => Promise<T>): Promise<T> {
    const run = await this.startRun(options);
    try {
      const result = await fn(run);
      if (!run.isEnded) await run.end('FINISHED');
      return result;
    } catch (error) {
      if (!run.isEnded) await run.end('FAILED').catch(() => undefined);
      throw error;
    }
  }

  /** A handle to keep logging to a RUNNING run (e.g. from another process); `KEEL_TRACK_RUN_NOT_ACTIVE` when it ended. */
  async resumeRun(id: string): Promise<ActiveRun> {
    const run = await this.opts.metadata.tracking.getRun(id);
    if (run.status !== 'RUNNING') {
      throw new KeelError(
        'KEEL_TRACK_RUN_NOT_ACTIVE',
        `Run ${id} is ${run.status}; start a new run to log more.`,
        {
          details: { runId: id, status: run.status },
        },
      );
    }
    return new ActiveRun(run, this.opts);
  }

  /** A run by id. */
  getRun(id: string): Promise<Run> {
    return this.opts.metadata.tracking.getRun(id);
  }

  /** A run by id, or by name when exactly one run has it; `KEEL_TRACK_RUN_NOT_FOUND` / `KEEL_INVALID_ARGUMENT` (ambiguous). */
  async findRun(ref: string): Promise<Run> {
    try {
      return await this.getRun(ref);
    } catch (error) {
      if (!isKeelError(error, 'KEEL_TRACK_RUN_NOT_FOUND')) throw error;
    }
    const { runs } = await this.opts.metadata.tracking.searchRuns({
      filter: [{ kind: 'attribute', key: 'name', op: '=', value: ref }],
      maxResults: 10,
    });
    if (runs.length === 1) return runs[0]!;
    if (runs.length > 1) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `${runs.length} runs are named "${ref}" (${runs.map((r) => r.id).join(', ')}); refer to one by id.`,
        { details: { name: ref, runIds: runs.map((r) => r.id) } },
      );
    }
    throw new KeelError(
      'KEEL_TRACK_RUN_NOT_FOUND',
      `No run has the id or name "${ref}". List runs with: keel runs list`,
      {
        details: { run: ref },
      },
    );
  }

  /** Searches runs with MLflow filter/order strings; experiments are named, not ids. */
  async searchRuns(options: SearchOptions = {}): Promise<RunPage> {
    const experimentIds: string[] = [];
    for (const name of options.experiments ?? []) {
      const e = await this.opts.metadata.tracking.findExperimentByName(name);
      if (!e) {
        throw new KeelError(
          'KEEL_TRACK_EXPERIMENT_NOT_FOUND',
          `Experiment "${name}" does not exist. List experiments with: keel experiments list`,
          { details: { experiment: name } },
        );
      }
      experimentIds.push(e.id);
    }
    const filter =
      typeof options.filter === 'string' ? parseRunFilter(options.filter) : (options.filter ?? []);
    const orderBy = toOrder(options.orderBy);
    return this.opts.metadata.tracking.searchRuns({
      experimentIds,
      filter,
      orderBy,
      ...(options.maxResults === undefined ? {} : { maxResults: options.maxResults }),
      ...(options.pageToken === undefined ? {} : { pageToken: options.pageToken }),
    });
  }

  /** Every point of a metric of a run, by step then time. */
  metricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return this.opts.metadata.tracking.getMetricHistory(runId, key);
  }

  /** Params and latest metrics of two or more runs (ids or unique names) side by side. */
  async compare(refs: readonly string[]): Promise<RunComparison> {
    if (refs.length < 2) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        'Compare needs at least two runs, e.g. keel runs compare <run> <run>.',
      );
    }
    const runs: Run[] = [];
    for (const ref of refs) runs.push(await this.findRun(ref));
    const dup = runs.find((r, i) => runs.findIndex((x) => x.id === r.id) !== i);
    if (dup) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Run ${dup.id} (${dup.name}) is given twice; compare distinct runs.`,
        {
          details: { runId: dup.id },
        },
      );
    }
    return compareRuns(runs);
  }

  /** Deletes a run and everything logged to it (artifact content stays in the artifact store). */
  deleteRun(id: string): Promise<void> {
    return this.opts.metadata.tracking.deleteRun(id);
  }

  private commit(): string | null {
    if (this.gitCommit === undefined)
      this.gitCommit = this.opts.root ? detectGitCommit(this.opts.root) : null;
    return this.gitCommit;
  }
}

function toOrder(order: SearchOptions['orderBy']): OrderClause[] {
  if (order === undefined) return [];
  if (typeof order === 'string') return parseRunOrder(order);
  if (order.length > 0 && typeof order[0] === 'string') return parseRunOrder(order as readonly string[]);
  return [...(order as readonly OrderClause[])];
}

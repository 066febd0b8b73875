import type {
  CreateRunInput,
  Experiment,
  LifecycleStage,
  MetricPoint,
  Run,
  RunArtifact,
  RunInput,
  RunPage,
  RunStatus,
  SearchRunsOptions,
  TrackingRepository,
} from '../../contracts/index.js';
import type { SqlDriver } from '../sql-driver.js';
import * as experiments from './experiments.js';
import * as logging from './run-logging.js';
import { searchRuns } from './run-search.js';
import * as runs from './runs.js';

/** `TrackingRepository` over any `SqlDriver`: the same code for SQLite and PostgreSQL. */
export class SqlTrackingRepository implements TrackingRepository {
  private readonly db: SqlDriver;

  constructor(db: SqlDriver) {
    this.db = db;
  }

  createExperiment(input: {
    readonly name: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly createdAt: number;
  }): Promise<Experiment> {
    return experiments.createExperiment(this.db, input);
  }

  getExperiment(id: string): Promise<Experiment> {
    return experiments.getExperiment(this.db, id);
  }

  findExperimentByName(name: string): Promise<Experiment | null> {
    return experiments.findExperimentByName(this.db, name);
  }

  listExperiments(options?: { readonly includeDeleted?: boolean }): Promise<Experiment[]> {
    return experiments.listExperiments(this.db, options?.includeDeleted === true);
  }

  setExperimentTags(id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return experiments.setExperimentTags(this.db, id, tags);
  }

  setExperimentLifecycle(id: string, stage: LifecycleStage): Promise<void> {
    return experiments.setExperimentLifecycle(this.db, id, stage);
  }

  createRun(input: CreateRunInput): Promise<Run> {
    return runs.createRun(this.db, input);
  }

  getRun(id: string): Promise<Run> {
    return runs.getRun(this.db, id);
  }

  updateRun(
    id: string,
    patch: { readonly status?: RunStatus; readonly endTime?: number | null; readonly name?: string },
  ): Promise<Run> {
    return runs.updateRun(this.db, id, patch);
  }

  deleteRun(id: string): Promise<void> {
    return runs.deleteRun(this.db, id);
  }

  logParams(runId: string, params: Readonly<Record<string, string>>): Promise<void> {
    return logging.logParams(this.db, runId, params);
  }

  logMetrics(runId: string, points: readonly MetricPoint[]): Promise<void> {
    return logging.logMetrics(this.db, runId, points);
  }

  getMetricHistory(runId: string, key: string): Promise<MetricPoint[]> {
    return logging.getMetricHistory(this.db, runId, key);
  }

  setRunTags(runId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    return logging.setRunTags(this.db, runId, tags);
  }

  deleteRunTag(runId: string, key: string): Promise<void> {
    return logging.deleteRunTag(this.db, runId, key);
  }

  logInputs(runId: string, inputs: readonly RunInput[]): Promise<void> {
    return logging.logInputs(this.db, runId, inputs);
  }

  logArtifact(runId: string, artifact: RunArtifact): Promise<void> {
    return logging.logArtifact(this.db, runId, artifact);
  }

  searchRuns(options: SearchRunsOptions): Promise<RunPage> {
    return searchRuns(this.db, options);
  }
}

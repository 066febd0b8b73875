import type { AlertRuleRepository } from './alert-rule-repository.js';
import type { DeploymentRepository } from './deployment-repository.js';
import type { FeatureRegistryRepository } from './feature-registry-repository.js';
import type { LearningRepository } from './learning-repository.js';
import type { PipelineRepository } from './pipeline-repository.js';
import type { RegistryRepository } from './registry-repository.js';
import type { StudyRepository } from './study-repository.js';
import type { TrackingRepository } from './tracking-repository.js';

/** What a metadata backend can do, declared as data so the conformance suite can read it. */
export interface MetadataCapabilities {
  /** Several processes may write at once (PostgreSQL: yes; SQLite: one writer at a time, WAL readers). */
  readonly concurrentWriters: boolean;
  /** The store lives in this process's memory only. */
  readonly ephemeral: boolean;
}

/**
 * The metadata store: runs, params, metrics, models, versions, aliases, deployments
 * (and, as their modules land, feature definitions and pipeline runs), behind one
 * transactional interface. Backends: SQLite (embedded default) and PostgreSQL.
 */
export interface MetadataStore {
  /** Backend name: `sqlite`, `postgres`. */
  readonly backend: string;
  readonly capabilities: MetadataCapabilities;
  readonly tracking: TrackingRepository;
  readonly registry: RegistryRepository;
  readonly deployments: DeploymentRepository;
  /** Alert rules of the monitoring module. */
  readonly alerts: AlertRuleRepository;
  /** Applied feature definitions, their history, materialisation intervals and training sets. */
  readonly features: FeatureRegistryRepository;
  /** Pipeline runs, step runs and attempts, the step cache, schedule/trigger state and events. */
  readonly pipelines: PipelineRepository;
  /** Tuning studies (their state, so a study can be resumed after a crash). */
  readonly studies: StudyRepository;
  /** Continuous-learning policies and their loop state (so a restarted controller resumes mid-rollout). */
  readonly learning: LearningRepository;
  /**
   * Runs `fn` in one transaction: every write inside commits together or not at all.
   * `fn` must use the store it is given. Nested calls join the outer transaction.
   */
  transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T>;
  /** Closes connections. Further calls fail. */
  close(): Promise<void>;
}

import type {
  AlertRuleRepository,
  DeploymentRepository,
  FeatureRegistryRepository,
  LearningRepository,
  MetadataCapabilities,
  MetadataStore,
  PipelineRepository,
  RegistryRepository,
  StudyRepository,
  TrackingRepository,
} from '../contracts/index.js';
import { SqlDeploymentRepository } from './deployments/sql-deployment-repository.js';
import { SqlFeatureRegistryRepository } from './features/sql-feature-registry-repository.js';
import { SqlLearningRepository } from './learning/sql-learning-repository.js';
import { METADATA_MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';
import { SqlAlertRuleRepository } from './monitoring/sql-alert-rule-repository.js';
import { SqlPipelineRepository } from './pipelines/sql-pipeline-repository.js';
import { SqlRegistryRepository } from './registry/sql-registry-repository.js';
import type { SqlDriver } from './sql-driver.js';
import { SqlTrackingRepository } from './tracking/sql-tracking-repository.js';
import { SqlStudyRepository } from './tuning/sql-study-repository.js';

/**
 * The metadata store over a `SqlDriver`: the repositories are written once against the driver and
 * its dialect, so SQLite and PostgreSQL share every line of logic.
 */
export class SqlMetadataStore implements MetadataStore {
  readonly backend: string;
  readonly capabilities: MetadataCapabilities;
  readonly tracking: TrackingRepository;
  readonly registry: RegistryRepository;
  readonly deployments: DeploymentRepository;
  readonly alerts: AlertRuleRepository;
  readonly features: FeatureRegistryRepository;
  readonly pipelines: PipelineRepository;
  readonly studies: StudyRepository;
  readonly learning: LearningRepository;
  private readonly driver: SqlDriver;

  constructor(driver: SqlDriver, backend: string, capabilities: MetadataCapabilities) {
    this.driver = driver;
    this.backend = backend;
    this.capabilities = capabilities;
    this.tracking = new SqlTrackingRepository(driver);
    this.registry = new SqlRegistryRepository(driver);
    this.deployments = new SqlDeploymentRepository(driver);
    this.alerts = new SqlAlertRuleRepository(driver);
    this.features = new SqlFeatureRegistryRepository(driver);
    this.pipelines = new SqlPipelineRepository(driver);
    this.studies = new SqlStudyRepository(driver);
    this.learning = new SqlLearningRepository(driver);
  }

  transaction<T>(fn: (tx: MetadataStore) => Promise<T>): Promise<T> {
    return this.driver.transaction((tx) =>
      fn(tx === this.driver ? this : new SqlMetadataStore(tx, this.backend, this.capabilities)),
    );
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** Migrates the database behind `driver` to the metadata schema and wraps it as a `MetadataStore`; closes the driver on failure. */
export async function openSqlMetadataStore(
  driver: SqlDriver,
  options: {
    readonly backend: string;
    readonly capabilities: MetadataCapabilities;
    readonly now: number;
    readonly url: string;
  },
): Promise<SqlMetadataStore> {
  try {
    await migrate(driver, METADATA_MIGRATIONS, { now: options.now, url: options.url });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  return new SqlMetadataStore(driver, options.backend, options.capabilities);
}

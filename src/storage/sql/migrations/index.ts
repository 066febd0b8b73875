import type { SqlMigration } from '../migrator.js';
import { trackingMigration } from './001-tracking.js';
import { registryMigration } from './002-registry.js';
import { deploymentsMigration } from './003-deployments.js';
import { pipelinesMigration } from './004-pipelines.js';
import { studiesMigration } from './007-studies.js';
import { learningMigration } from './008-learning.js';
import { featuresMigration } from './features-migration.js';
import { monitoringMigration } from './monitoring-migration.js';

/**
 * The metadata schema, oldest first. Forward-only and append-only: a module that needs tables
 * (feature registry, pipeline runs, tuning studies...) adds a file `NNN-<name>.ts` exporting one
 * `SqlMigration` with the next version number and appends it here; released entries never change.
 */
export const METADATA_MIGRATIONS: readonly SqlMigration[] = [
  trackingMigration,
  registryMigration,
  deploymentsMigration,
  pipelinesMigration,
  monitoringMigration(5),
  featuresMigration(6),
  studiesMigration,
  learningMigration,
];

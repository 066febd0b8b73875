import type { SqlMigration } from '../migrator.js';

/** Deployments (spec + revision), the model versions they use, and their event history. */
export const deploymentsMigration: SqlMigration = {
  version: 3,
  name: 'deployments',
  up: ({ types: t }) => [
    `CREATE TABLE keel_deployments (
      name ${t.text} PRIMARY KEY,
      spec ${t.json} NOT NULL,
      revision ${t.int} NOT NULL,
      created_at ${t.bigint} NOT NULL,
      updated_at ${t.bigint} NOT NULL)`,
    `CREATE TABLE keel_deployment_uses (
      seq ${t.serialPk},
      deployment ${t.text} NOT NULL REFERENCES keel_deployments (name) ON DELETE CASCADE,
      model ${t.text} NOT NULL,
      version ${t.int},
      alias ${t.text})`,
    'CREATE INDEX keel_deployment_uses_model ON keel_deployment_uses (model)',
    `CREATE TABLE keel_deployment_events (
      seq ${t.serialPk},
      deployment ${t.text} NOT NULL,
      action ${t.text} NOT NULL,
      actor ${t.text} NOT NULL,
      reason ${t.text} NOT NULL,
      evidence ${t.json} NOT NULL,
      revision ${t.int} NOT NULL,
      at ${t.bigint} NOT NULL)`,
    'CREATE INDEX keel_deployment_events_name ON keel_deployment_events (deployment)',
  ],
};

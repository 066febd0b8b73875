import type { SqlMigration } from '../migrator.js';

/**
 * Monitoring: alert rules. The version number is assigned where the migration is appended to
 * `METADATA_MIGRATIONS`.
 */
export function monitoringMigration(version: number): SqlMigration {
  return {
    version,
    name: 'monitoring',
    up: ({ types: t }) => [
      `CREATE TABLE keel_alert_rules (
        name ${t.text} PRIMARY KEY,
        expression ${t.text} NOT NULL,
        severity ${t.text} NOT NULL,
        description ${t.text} NOT NULL,
        webhooks ${t.json} NOT NULL,
        enabled ${t.int} NOT NULL,
        created_at ${t.bigint} NOT NULL,
        updated_at ${t.bigint} NOT NULL)`,
    ],
  };
}

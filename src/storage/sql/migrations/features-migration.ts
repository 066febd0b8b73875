import type { SqlMigration } from '../migrator.js';

/**
 * The feature registry: applied definitions (one JSON record per object with digest and version),
 * their change history, materialisation intervals and training sets (lineage). The version number
 * is assigned where the migration is appended to `METADATA_MIGRATIONS`.
 */
export function featuresMigration(version: number): SqlMigration {
  return {
    version,
    name: 'features',
    up: ({ types: t }) => [
      `CREATE TABLE keel_feature_objects (
        kind ${t.text} NOT NULL,
        name ${t.text} NOT NULL,
        spec ${t.json} NOT NULL,
        digest ${t.text} NOT NULL,
        version ${t.int} NOT NULL,
        created_at ${t.bigint} NOT NULL,
        updated_at ${t.bigint} NOT NULL,
        PRIMARY KEY (kind, name))`,
      `CREATE TABLE keel_feature_changes (
        seq ${t.serialPk},
        kind ${t.text} NOT NULL,
        name ${t.text} NOT NULL,
        action ${t.text} NOT NULL,
        digest ${t.text},
        actor ${t.text} NOT NULL,
        at ${t.bigint} NOT NULL)`,
      `CREATE TABLE keel_feature_materializations (
        seq ${t.serialPk},
        view_name ${t.text} NOT NULL,
        start_ms ${t.bigint} NOT NULL,
        end_ms ${t.bigint} NOT NULL,
        row_count ${t.bigint} NOT NULL,
        at ${t.bigint} NOT NULL)`,
      'CREATE INDEX keel_feature_materializations_view ON keel_feature_materializations (view_name, seq)',
      `CREATE TABLE keel_feature_training_sets (
        fingerprint ${t.text} PRIMARY KEY,
        feature_service ${t.text},
        feature_service_digest ${t.text},
        features ${t.json} NOT NULL,
        row_count ${t.bigint} NOT NULL,
        entity_fingerprint ${t.text} NOT NULL,
        created_at ${t.bigint} NOT NULL)`,
    ],
  };
}

import type { SqlMigration } from '../migrator.js';

/** Registered models, numbered versions, tags, aliases and the alias audit history. */
export const registryMigration: SqlMigration = {
  version: 2,
  name: 'registry',
  up: ({ types: t }) => [
    `CREATE TABLE keel_models (
      name ${t.text} PRIMARY KEY,
      description ${t.text} NOT NULL,
      latest_version ${t.int},
      created_at ${t.bigint} NOT NULL,
      updated_at ${t.bigint} NOT NULL)`,
    `CREATE TABLE keel_model_tags (
      model ${t.text} NOT NULL REFERENCES keel_models (name) ON DELETE CASCADE,
      key ${t.text} NOT NULL,
      value ${t.text} NOT NULL,
      PRIMARY KEY (model, key))`,
    `CREATE TABLE keel_model_versions (
      model ${t.text} NOT NULL REFERENCES keel_models (name) ON DELETE CASCADE,
      version ${t.int} NOT NULL,
      flavor ${t.text} NOT NULL,
      artifact_digest ${t.text} NOT NULL,
      artifact_size ${t.bigint} NOT NULL,
      signature ${t.json} NOT NULL,
      metrics ${t.json} NOT NULL,
      lineage ${t.json} NOT NULL,
      run_id ${t.text},
      description ${t.text} NOT NULL,
      created_at ${t.bigint} NOT NULL,
      created_by ${t.text} NOT NULL,
      PRIMARY KEY (model, version))`,
    'CREATE INDEX keel_model_versions_run ON keel_model_versions (run_id)',
    `CREATE TABLE keel_version_tags (
      model ${t.text} NOT NULL,
      version ${t.int} NOT NULL,
      key ${t.text} NOT NULL,
      value ${t.text} NOT NULL,
      PRIMARY KEY (model, version, key),
      FOREIGN KEY (model, version) REFERENCES keel_model_versions (model, version) ON DELETE CASCADE)`,
    `CREATE TABLE keel_aliases (
      model ${t.text} NOT NULL,
      alias ${t.text} NOT NULL,
      version ${t.int} NOT NULL,
      PRIMARY KEY (model, alias),
      FOREIGN KEY (model, version) REFERENCES keel_model_versions (model, version) ON DELETE CASCADE)`,
    `CREATE TABLE keel_alias_events (
      seq ${t.serialPk},
      model ${t.text} NOT NULL,
      alias ${t.text} NOT NULL,
      from_version ${t.int},
      to_version ${t.int},
      actor ${t.text} NOT NULL,
      reason ${t.text} NOT NULL,
      at ${t.bigint} NOT NULL)`,
    'CREATE INDEX keel_alias_events_model ON keel_alias_events (model, alias)',
  ],
};

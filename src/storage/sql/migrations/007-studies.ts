import type { SqlMigration } from '../migrator.js';

/** Tuning studies: the orchestrator's config and the study state, saved under a revision (compare-and-set). */
export const studiesMigration: SqlMigration = {
  version: 7,
  name: 'studies',
  up: ({ types: t }) => [
    `CREATE TABLE keel_studies (
      id ${t.text} PRIMARY KEY,
      name ${t.text} NOT NULL,
      parent_run_id ${t.text},
      status ${t.text} NOT NULL,
      config ${t.json} NOT NULL,
      state ${t.json} NOT NULL,
      revision ${t.bigint} NOT NULL,
      created_at ${t.bigint} NOT NULL,
      updated_at ${t.bigint} NOT NULL)`,
    'CREATE INDEX keel_studies_parent_run ON keel_studies (parent_run_id, created_at)',
    'CREATE INDEX keel_studies_created ON keel_studies (created_at, id)',
  ],
};

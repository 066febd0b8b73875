import type { SqlMigration } from '../migrator.js';

/** Continuous learning: one policy per deployment with its loop state, saved under a revision (compare-and-set). */
export const learningMigration: SqlMigration = {
  version: 8,
  name: 'learning',
  up: ({ types: t }) => [
    `CREATE TABLE keel_learning_policies (
      deployment ${t.text} PRIMARY KEY,
      policy ${t.json} NOT NULL,
      state ${t.json} NOT NULL,
      revision ${t.bigint} NOT NULL,
      created_at ${t.bigint} NOT NULL,
      updated_at ${t.bigint} NOT NULL)`,
  ],
};

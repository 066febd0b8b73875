import type { SqlMigration } from '../migrator.js';

/** Experiments, runs and what runs log: params, metric history + latest values, tags, inputs, artifacts. */
export const trackingMigration: SqlMigration = {
  version: 1,
  name: 'tracking',
  up: ({ types: t }) => [
    `CREATE TABLE keel_experiments (
      id ${t.text} PRIMARY KEY,
      name ${t.text} NOT NULL UNIQUE,
      lifecycle_stage ${t.text} NOT NULL,
      created_at ${t.bigint} NOT NULL)`,
    `CREATE TABLE keel_experiment_tags (
      experiment_id ${t.text} NOT NULL REFERENCES keel_experiments (id) ON DELETE CASCADE,
      key ${t.text} NOT NULL,
      value ${t.text} NOT NULL,
      PRIMARY KEY (experiment_id, key))`,
    `CREATE TABLE keel_runs (
      id ${t.text} PRIMARY KEY,
      experiment_id ${t.text} NOT NULL REFERENCES keel_experiments (id) ON DELETE CASCADE,
      name ${t.text} NOT NULL,
      status ${t.text} NOT NULL,
      start_time ${t.bigint} NOT NULL,
      end_time ${t.bigint},
      parent_run_id ${t.text} REFERENCES keel_runs (id) ON DELETE SET NULL)`,
    'CREATE INDEX keel_runs_experiment ON keel_runs (experiment_id, start_time)',
    'CREATE INDEX keel_runs_parent ON keel_runs (parent_run_id)',
    `CREATE TABLE keel_params (
      run_id ${t.text} NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
      key ${t.text} NOT NULL,
      value ${t.text} NOT NULL,
      PRIMARY KEY (run_id, key))`,
    `CREATE TABLE keel_metrics (
      seq ${t.serialPk},
      run_id ${t.text} NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
      key ${t.text} NOT NULL,
      value ${t.float} NOT NULL,
      is_nan ${t.int} NOT NULL,
      step ${t.bigint} NOT NULL,
      ts ${t.bigint} NOT NULL)`,
    'CREATE INDEX keel_metrics_run_key ON keel_metrics (run_id, key, step, ts)',
    `CREATE TABLE keel_latest_metrics (
      run_id ${t.text} NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
      key ${t.text} NOT NULL,
      value ${t.float} NOT NULL,
      is_nan ${t.int} NOT NULL,
      step ${t.bigint} NOT NULL,
      ts ${t.bigint} NOT NULL,
      PRIMARY KEY (run_id, key))`,
    'CREATE INDEX keel_latest_metrics_key ON keel_latest_metrics (key, value)',
    `CREATE TABLE keel_run_tags (
      run_id ${t.text} NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
      key ${t.text} NOT NULL,
      value ${t.text} NOT NULL,
      PRIMARY KEY (run_id, key))`,
    `CREATE TABLE keel_run_inputs (
      seq ${t.serialPk},
      run_id ${t.text} NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
      fingerprint ${t.text} NOT NULL,
      context ${t.text} NOT NULL,
      name ${t.text} NOT NULL,
      source ${t.text},
      row_count ${t.bigint},
      UNIQUE (run_id, fingerprint, context))`,
    `CREATE TABLE keel_run_artifacts (
      run_id ${t.text} NOT NULL REFERENCES keel_runs (id) ON DELETE CASCADE,
      path ${t.text} NOT NULL,
      digest ${t.text} NOT NULL,
      size ${t.bigint} NOT NULL,
      PRIMARY KEY (run_id, path))`,
  ],
};

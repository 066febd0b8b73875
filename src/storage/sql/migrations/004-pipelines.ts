import type { SqlMigration } from '../migrator.js';

/**
 * Pipeline runs, their steps and step attempts, the step-result cache, compare-and-set state rows
 * (schedules, triggers) and the event log triggers read.
 */
export const pipelinesMigration: SqlMigration = {
  version: 4,
  name: 'pipelines',
  up: ({ types: t }) => [
    `CREATE TABLE keel_pipeline_runs (
      id ${t.text} PRIMARY KEY,
      pipeline ${t.text} NOT NULL,
      digest ${t.text} NOT NULL,
      source ${t.text},
      params ${t.json} NOT NULL,
      status ${t.text} NOT NULL,
      runner ${t.text} NOT NULL,
      trigger_info ${t.text} NOT NULL,
      resumed_from ${t.text},
      tracking_run_id ${t.text},
      error ${t.json},
      created_at ${t.bigint} NOT NULL,
      ended_at ${t.bigint})`,
    'CREATE INDEX keel_pipeline_runs_pipeline ON keel_pipeline_runs (pipeline, created_at)',
    'CREATE INDEX keel_pipeline_runs_created ON keel_pipeline_runs (created_at)',
    `CREATE TABLE keel_pipeline_steps (
      run_id ${t.text} NOT NULL REFERENCES keel_pipeline_runs (id) ON DELETE CASCADE,
      step ${t.text} NOT NULL,
      position ${t.int} NOT NULL,
      status ${t.text} NOT NULL,
      cache_key ${t.text},
      cache_hit ${t.int} NOT NULL,
      cached_from ${t.text},
      attempts ${t.int} NOT NULL,
      output_digest ${t.text},
      output_size ${t.bigint},
      artifacts ${t.json} NOT NULL,
      error ${t.json},
      tracking_run_id ${t.text},
      worker ${t.text},
      started_at ${t.bigint},
      ended_at ${t.bigint},
      PRIMARY KEY (run_id, step))`,
    `CREATE TABLE keel_pipeline_attempts (
      run_id ${t.text} NOT NULL,
      step ${t.text} NOT NULL,
      attempt ${t.int} NOT NULL,
      worker ${t.text} NOT NULL,
      outcome ${t.text} NOT NULL,
      error ${t.json},
      started_at ${t.bigint} NOT NULL,
      ended_at ${t.bigint},
      PRIMARY KEY (run_id, step, attempt),
      FOREIGN KEY (run_id, step) REFERENCES keel_pipeline_steps (run_id, step) ON DELETE CASCADE)`,
    `CREATE TABLE keel_pipeline_cache (
      cache_key ${t.text} PRIMARY KEY,
      pipeline ${t.text} NOT NULL,
      step ${t.text} NOT NULL,
      output_digest ${t.text} NOT NULL,
      output_size ${t.bigint} NOT NULL,
      artifacts ${t.json} NOT NULL,
      run_id ${t.text} NOT NULL,
      created_at ${t.bigint} NOT NULL)`,
    `CREATE TABLE keel_pipeline_states (
      name ${t.text} PRIMARY KEY,
      state ${t.json} NOT NULL,
      version ${t.bigint} NOT NULL,
      updated_at ${t.bigint} NOT NULL)`,
    `CREATE TABLE keel_pipeline_events (
      seq ${t.serialPk},
      kind ${t.text} NOT NULL,
      subject ${t.text} NOT NULL,
      payload ${t.json} NOT NULL,
      at ${t.bigint} NOT NULL)`,
    'CREATE INDEX keel_pipeline_events_kind ON keel_pipeline_events (kind, seq)',
  ],
};

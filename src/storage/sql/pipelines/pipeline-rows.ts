import type {
  AttemptOutcome,
  JsonValue,
  PipelineEventRecord,
  PipelineRunRecord,
  PipelineRunStatus,
  StepArtifact,
  StepAttemptRecord,
  StepCacheEntry,
  StepError,
  StepRunRecord,
  StepStatus,
} from '../../contracts/index.js';
import { numOrNull, parseJson } from '../internal/sql-helpers.js';
import type { SqlRow } from '../sql-value.js';

/** A nullable text column as a string or null. */
export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** A nullable JSON error column. */
export function errorOrNull(value: unknown): StepError | null {
  return value === null || value === undefined ? null : parseJson<StepError>(value);
}

/** A nullable error as the JSON text stored, or null. */
export function errorJson(error: StepError | null | undefined): string | null {
  return error ? JSON.stringify(error) : null;
}

/** A `keel_pipeline_runs` row as a record. */
export function toPipelineRun(r: SqlRow): PipelineRunRecord {
  return {
    id: String(r.id),
    pipeline: String(r.pipeline),
    digest: String(r.digest),
    source: strOrNull(r.source),
    params: parseJson<PipelineRunRecord['params']>(r.params),
    status: String(r.status) as PipelineRunStatus,
    runner: String(r.runner),
    trigger: String(r.trigger_info),
    resumedFrom: strOrNull(r.resumed_from),
    trackingRunId: strOrNull(r.tracking_run_id),
    error: errorOrNull(r.error),
    createdAt: Number(r.created_at),
    endedAt: numOrNull(r.ended_at),
  };
}

/** A `keel_pipeline_steps` row as a record. */
export function toStepRun(r: SqlRow): StepRunRecord {
  return {
    runId: String(r.run_id),
    step: String(r.step),
    position: Number(r.position),
    status: String(r.status) as StepStatus,
    cacheKey: strOrNull(r.cache_key),
    cacheHit: Number(r.cache_hit) === 1,
    cachedFrom: strOrNull(r.cached_from),
    attempts: Number(r.attempts),
    outputDigest: strOrNull(r.output_digest),
    outputSize: numOrNull(r.output_size),
    artifacts: parseJson<StepArtifact[]>(r.artifacts),
    error: errorOrNull(r.error),
    trackingRunId: strOrNull(r.tracking_run_id),
    worker: strOrNull(r.worker),
    startedAt: numOrNull(r.started_at),
    endedAt: numOrNull(r.ended_at),
  };
}

/** A `keel_pipeline_attempts` row as a record. */
export function toAttempt(r: SqlRow): StepAttemptRecord {
  return {
    runId: String(r.run_id),
    step: String(r.step),
    attempt: Number(r.attempt),
    worker: String(r.worker),
    outcome: String(r.outcome) as AttemptOutcome,
    error: errorOrNull(r.error),
    startedAt: Number(r.started_at),
    endedAt: numOrNull(r.ended_at),
  };
}

/** A `keel_pipeline_cache` row as an entry. */
export function toCacheEntry(r: SqlRow): StepCacheEntry {
  return {
    key: String(r.cache_key),
    pipeline: String(r.pipeline),
    step: String(r.step),
    outputDigest: String(r.output_digest),
    outputSize: Number(r.output_size),
    artifacts: parseJson<StepArtifact[]>(r.artifacts),
    runId: String(r.run_id),
    createdAt: Number(r.created_at),
  };
}

/** A `keel_pipeline_events` row as a record. */
export function toEvent(r: SqlRow): PipelineEventRecord {
  return {
    seq: Number(r.seq),
    kind: String(r.kind),
    subject: String(r.subject),
    payload: parseJson<Record<string, JsonValue>>(r.payload),
    at: Number(r.at),
  };
}

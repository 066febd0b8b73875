import { KeelError } from '../core/index.js';
import type { JsonValue } from '../storage/index.js';

/**
 * One step of one run, as the engine hands it to a runner: serialisable, so the queue runner can
 * send it to a worker process, which loads the pipeline from `source` and checks `digest`.
 */
export interface StepTask {
  readonly runId: string;
  readonly pipeline: string;
  /** The pipeline definition digest the run was started with. */
  readonly digest: string;
  /** The pipeline file (absolute), or null for a pipeline defined in code. */
  readonly source: string | null;
  readonly step: string;
  /** The step's resolved params. */
  readonly params: Readonly<Record<string, JsonValue>>;
  /** Input name → the upstream step and the digest of its output. */
  readonly inputs: Readonly<Record<string, { readonly step: string; readonly digest: string }>>;
  readonly cacheKey: string;
  /** Whether to store the result in the cache. */
  readonly cache: boolean;
  /** The pipeline run's tracked run (parent of the step's tracked run). */
  readonly trackingParentId: string | null;
  readonly experiment: string;
}

/** Reads a job payload back into a `StepTask`; `KEEL_INVALID_ARGUMENT` when it is not one. */
export function parseStepTask(payload: JsonValue): StepTask {
  const p = payload as Record<string, JsonValue> | null;
  const strings = ['runId', 'pipeline', 'digest', 'step', 'cacheKey', 'experiment'];
  if (!p || typeof p !== 'object' || Array.isArray(p) || strings.some((k) => typeof p[k] !== 'string')) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', 'The job payload is not a pipeline step task.', {
      details: { payload: JSON.stringify(payload).slice(0, 200) },
    });
  }
  return p as unknown as StepTask;
}

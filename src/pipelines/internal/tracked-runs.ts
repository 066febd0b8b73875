import type { JsonValue, MetadataStore } from '../../storage/index.js';
import { MAX_PARAM_VALUE } from '../../track/index.js';

/** Tags Keel sets on the tracked runs of pipelines, so `keel runs list --filter` can find them. */
export const PIPELINE_TAGS = {
  pipeline: 'keel.pipeline.name',
  run: 'keel.pipeline.run',
  step: 'keel.pipeline.step',
  cacheHit: 'keel.pipeline.cache_hit',
  cachedFrom: 'keel.pipeline.cached_from',
  worker: 'keel.pipeline.worker',
  error: 'keel.pipeline.error',
} as const;

const KEY_RE = /^[A-Za-z0-9_\-. /:]{1,250}$/;

/** Params as tracked-run params (strings); values too long or keys the tracker refuses are left out. */
export function trackedParams(
  params: Readonly<Record<string, JsonValue>>,
  prefix = '',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    const key = `${prefix}${k}`;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (KEY_RE.test(key) && text.length <= MAX_PARAM_VALUE) out[key] = text;
  }
  return out;
}

/** Every run's params flattened as `<step>.<param>`. */
export function flattenRunParams(
  params: Readonly<Record<string, Readonly<Record<string, JsonValue>>>>,
): Record<string, string> {
  return Object.assign({}, ...Object.entries(params).map(([s, p]) => trackedParams(p, `${s}.`)));
}

/** Ends a tracked run if it is still RUNNING (a best-effort close of another process's run). */
export async function endTrackedRunIfRunning(
  metadata: MetadataStore,
  runId: string,
  status: 'FINISHED' | 'FAILED' | 'KILLED',
  at: number,
): Promise<void> {
  try {
    const run = await metadata.tracking.getRun(runId);
    if (run.status === 'RUNNING') await metadata.tracking.updateRun(runId, { status, endTime: at });
  } catch {
    // The tracked run is informational; its pipeline records are the source of truth.
  }
}

/** Clips a tag value to what the tracker keeps. */
export function tagValue(text: string): string {
  return text.length <= 4000 ? text : `${text.slice(0, 3999)}…`;
}

import type { PredictorInfo } from './predictor.js';
import type { BatchingOptions, SchedulerOptions } from './scheduler.js';

/** Per-model serving settings; every field optional, defaults in `DEFAULT_MODEL_SETTINGS`. */
export interface ModelSettings {
  /**
   * Dynamic batching: an object turns it on with those bounds, `false` turns it off, absent = the
   * runtime's default (ONNX on, native Keel models off; see docs/serving.md for the measurements).
   */
  readonly batching?: Partial<BatchingOptions> | false;
  /** Runtime calls in flight at once for asynchronous runtimes. Default 2. */
  readonly maxConcurrency?: number;
  /** Requests allowed to wait; beyond it requests fail fast with 429. Default 256. */
  readonly maxQueueSize?: number;
  /** Use the prediction cache for this model (when the engine has one). Default false. */
  readonly cache?: boolean;
  /** Synthetic predictions run before a version takes traffic. Default 3. */
  readonly warmupRuns?: number;
}

/** Defaults of `ModelSettings`. */
export const DEFAULT_MODEL_SETTINGS = {
  maxConcurrency: 2,
  maxQueueSize: 256,
  batching: { maxBatchSize: 64, maxQueueDelayUs: 0 },
  cache: false,
  warmupRuns: 3,
} as const;

/** Settings for one model: the per-model entry over the engine-wide ones over the defaults. */
export function mergeSettings(...layers: (ModelSettings | undefined)[]): ModelSettings {
  let out: ModelSettings = {};
  for (const l of layers) if (l) out = { ...out, ...l };
  return out;
}

/** The scheduler options a runtime gets under `settings`. Batching needs a batchable runtime. */
export function schedulerOptions(settings: ModelSettings, info: PredictorInfo): SchedulerOptions {
  const wanted = settings.batching;
  const on = info.batchable && (wanted === undefined ? info.batchingByDefault : wanted !== false);
  const batching: BatchingOptions | null = on
    ? {
        maxBatchSize: (wanted || undefined)?.maxBatchSize ?? DEFAULT_MODEL_SETTINGS.batching.maxBatchSize,
        maxQueueDelayUs:
          (wanted || undefined)?.maxQueueDelayUs ?? DEFAULT_MODEL_SETTINGS.batching.maxQueueDelayUs,
      }
    : null;
  return {
    maxConcurrency: Math.max(1, settings.maxConcurrency ?? DEFAULT_MODEL_SETTINGS.maxConcurrency),
    maxQueueSize: Math.max(0, settings.maxQueueSize ?? DEFAULT_MODEL_SETTINGS.maxQueueSize),
    batching,
  };
}

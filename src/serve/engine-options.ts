import type { Clock, Logger } from '../core/index.js';
import type { CacheStore } from '../storage/index.js';
import type { ModelSettings } from './model-settings.js';
import type { DeploymentSource, ModelLoaders, ModelSource } from './model-source.js';
import type { PredictionCacheOptions } from './prediction-cache.js';
import type { RowPrediction } from './predictor.js';
import type { ShadowOptions } from './traffic/shadow-runner.js';

/** Everything an `InferenceEngine` is built from; only `source` and `loaders` are required. */
export interface InferenceEngineOptions {
  /** Resolves references and fetches model files (the registry). */
  readonly source: ModelSource;
  /** Runtimes by flavor: `{ 'keel-gbdt': nativeLoader(...), onnx: onnxLoader() }`. */
  readonly loaders: ModelLoaders;
  /** Deployments to serve; without it the engine serves explicitly loaded models only. */
  readonly deployments?: DeploymentSource;
  /** Default `systemClock`; the poller sleeps on it (tests pass a ManualClock). */
  readonly clock?: Clock;
  /** Default silent. */
  readonly log?: Logger;
  /** How often alias moves and deployment revisions are polled, in ms. Default 2,000; 0 = never (call `poll()`). */
  readonly pollIntervalMs?: number;
  /** Default per-request timeout, in ms (queueing plus runtime). Default 5,000. */
  readonly requestTimeoutMs?: number;
  /** Most rows one request may carry; more fails with `KEEL_SERVE_PAYLOAD_TOO_LARGE`. Default 10,000. */
  readonly maxRowsPerRequest?: number;
  /** Most elements one input tensor may carry. Default 4,194,304. */
  readonly maxElementsPerRequest?: number;
  /** Settings for every model (batching, bounds, cache); see `ModelSettings`. */
  readonly modelDefaults?: ModelSettings;
  /** Settings by model name, over `modelDefaults`. */
  readonly models?: Readonly<Record<string, ModelSettings>>;
  /** The prediction cache: a cache store plus TTL/namespace; without it nothing is cached. */
  readonly cache?: PredictionCacheOptions & { readonly store: CacheStore };
  /** Bounds of shadow traffic. */
  readonly shadow?: ShadowOptions;
  /** Random source for un-keyed A/B draws and shadow sampling, in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Base delay before a failed load is retried by the poller, in ms (doubles each time, at most 5 min). Default 2,000. */
  readonly retryBaseMs?: number;
}

/** Per-request options of the records and infer APIs. */
export interface PredictOptions {
  /** Unit key for sticky assignment; wins over the deployment's sticky field or header. */
  readonly requestKey?: string;
  /** Request headers with lower-case names (sticky `header:<name>` keys are read here). */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Pins a variant by name (e.g. from an `x-keel-variant` header), bypassing the split. */
  readonly variant?: string;
  /** Timeout of this request, in ms (over the deployment's and the engine's). */
  readonly timeoutMs?: number;
  /** Use the prediction cache or not, over the deployment's and model's setting. */
  readonly cache?: boolean;
  /** Caller's request id, carried into events. */
  readonly requestId?: string;
  /**
   * Record fields allowed besides the model's inputs and the sticky field (e.g. the entity keys a
   * feature service looked features up by). Default none.
   */
  readonly allowFields?: ReadonlySet<string>;
}

/** A records-API answer: the outputs and who produced them. */
export interface PredictResult {
  /** The deployment that routed the request, or null for a direct model call. */
  readonly deployment: string | null;
  readonly model: string;
  readonly version: number;
  /** The variant that answered (`primary`, `a`, `canary`...), or null for a direct model call. */
  readonly variant: string | null;
  /** True when every row came from the prediction cache. */
  readonly cached: boolean;
  /** One prediction per input record, in order. */
  readonly outputs: readonly RowPrediction[];
}

/** Lifecycle of an engine. Requests are served only while `running`. */
export type EngineState = 'created' | 'starting' | 'running' | 'draining' | 'stopped';

import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../core/index.js';
import type { DeploymentService, InferenceEngine, PredictOptions, PredictResult } from '../serve/index.js';
import type { FeatureEnricher } from './feature-enricher.js';
import type { LoadGuard } from './load-guard.js';

/** Who answered an inference request: model, version and variant. */
export interface AnsweredBy {
  readonly model: string;
  readonly version: number | string;
  readonly variant: string | null;
}

/**
 * Stands in for Fastify's request hooks on the predict fast path (which bypasses the framework):
 * told about every request it answers, after the answer is written.
 */
export interface RequestObserver {
  /**
   * One answered request: the route template (`/v1/deployments/:name/predict`), the deployment
   * name, who answered (null on failure), the HTTP status, the time in seconds and, on failure,
   * the error code.
   */
  request(
    route: string,
    deployment: string,
    answeredBy: AnsweredBy | null,
    status: number,
    seconds: number,
    code: string | null,
  ): void;
}

/** What every route module works with. */
export interface ServerContext {
  readonly engine: InferenceEngine;
  readonly guard: LoadGuard;
  /** Deployment management (role `all`); null on inference replicas. */
  readonly deployments: DeploymentService | null;
  readonly log: Logger;
  /** Server name and version for `GET /v2`. */
  readonly name: string;
  readonly version: string;
  /** False once shutdown began (readiness turns false before the drain). */
  readonly accepting: () => boolean;
  /** Told about every request the predict fast path answers, or null. */
  readonly observer: RequestObserver | null;
  /** Gives requests without `x-request-id` one on the predict fast path (and echoes it), or null. */
  readonly requestIds: (() => string) | null;
  /** Online features for deployments that declare a feature service, or null (no feature store). */
  readonly features: FeatureEnricher | null;
}

/**
 * Per-request engine options from headers: `x-keel-variant` pins a variant, `x-request-id` is
 * carried into events, and the headers themselves serve sticky `header:<name>` keys.
 */
export function predictOptions(h: IncomingHttpHeaders, key: unknown): PredictOptions {
  const variant = h['x-keel-variant'];
  const requestId = h['x-request-id'];
  if (variant === undefined && requestId === undefined && key === undefined) return { headers: h };
  // Built by assignment, not spreads: this runs on every request.
  const options: { -readonly [K in keyof PredictOptions]: PredictOptions[K] } = { headers: h };
  if (typeof variant === 'string') options.variant = variant;
  if (typeof requestId === 'string') options.requestId = requestId;
  if (typeof key === 'string') options.requestKey = key;
  return options;
}

/**
 * Predicts records through a deployment, first merging in the online features of its feature
 * service when it declares one (and a feature store is attached). Answers synchronously when the
 * engine can (see `predictDeploymentNow`); may throw before any asynchronous step.
 */
export function predictRecords(
  ctx: ServerContext,
  name: string,
  instances: readonly Record<string, unknown>[],
  headers: IncomingHttpHeaders,
  key: unknown,
): PredictResult | Promise<PredictResult> {
  const service = ctx.features === null ? null : ctx.engine.featureServiceOf(name);
  if (service === null || ctx.features === null) {
    return ctx.engine.predictDeploymentNow(name, instances, predictOptions(headers, key));
  }
  return ctx.features.enrich(service, instances).then((e) =>
    ctx.engine.predictDeployment(name, e.records, {
      ...predictOptions(headers, key),
      allowFields: e.allowFields,
    }),
  );
}

import { randomHex } from '../core/index.js';
import {
  FeedbackRecorder,
  feedbackSink,
  KeelMetrics,
  observeEngine,
  offlineFolder,
  PredictionLogger,
  predictionLogSink,
  SinkWorker,
} from '../monitor/index.js';
import type { Keel } from '../sdk/index.js';
import type { InferenceEngine } from '../serve/index.js';
import type { ServerPlugin } from './app.js';
import { feedbackPlugin } from './feedback-routes.js';
import { metricsPlugin, requestMetricsPlugin } from './metrics-routes.js';
import type { RequestObserver } from './server-context.js';

/** Monitoring attached to a server: its routes, the fast path's stand-ins for the hooks, and shutdown. */
export interface ServerMonitoring {
  readonly metrics: KeelMetrics;
  readonly plugins: readonly ServerPlugin[];
  readonly observer: RequestObserver;
  readonly requestIds: () => string;
  /**
   * Publishes the buffered prediction log and writes what the sinks hold to the offline store now
   * (a reader such as the continuous-learning loop then sees every answered request).
   */
  flush(): Promise<void>;
  /** Disconnects from the engine, flushes the prediction log and stops the sinks. */
  close(): Promise<void>;
}

const NOT_FOUND_LIKE = /NOT_FOUND|NOT_LOADED/;

/**
 * Connects a server to monitoring: `/metrics` (Prometheus), per-request metrics and request ids,
 * the prediction log (sampled by `monitoring.logSampleRate`, published on the stream off the hot
 * path) and `POST /v1/feedback`. With `sinks` (the all-in-one server), the stream's predictions and
 * labels are also written to the offline store here; inference replicas only publish.
 */
export async function startMonitoring(
  keel: Keel,
  engine: InferenceEngine,
  options: { readonly version: string; readonly sinks: boolean },
): Promise<ServerMonitoring> {
  const { clock, log, config } = keel.ctx;
  const metrics = new KeelMetrics({ version: options.version, processMetrics: true });
  const stream = await keel.store('stream');
  const logger = new PredictionLogger({
    stream,
    sampleRate: config.monitoring.logSampleRate,
    metrics,
    clock,
    log,
  });
  const stop = observeEngine(engine, { metrics, logger });
  const recorder = new FeedbackRecorder({ stream, clock, metrics });
  const sinks: { start(): void; drain(): Promise<void>; stop(): Promise<void> }[] = [];
  let worker: SinkWorker | null = null;
  if (options.sinks) {
    try {
      const offline = offlineFolder(config.stores.offline, keel.ctx.root);
      const flushIntervalMs = config.monitoring.logFlushIntervalMs;
      // Decoding and writing Parquet run on a worker thread: on the serving thread they stall
      // requests for tens of milliseconds per flush (p99) and take CPU from every request.
      worker = new SinkWorker();
      sinks.push(predictionLogSink({ stream, offline, clock, flushIntervalMs, metrics, log, worker }));
      sinks.push(feedbackSink({ stream, offline, clock, flushIntervalMs, log, worker }));
      for (const s of sinks) s.start();
    } catch (error) {
      log.warn({ err: error }, 'prediction log and labels are published but not written here');
    }
  }
  const observer = requestObserver(metrics);
  const requestIds = requestIdGenerator();
  return {
    metrics,
    plugins: [requestMetricsPlugin(metrics), metricsPlugin(metrics), feedbackPlugin(recorder)],
    observer,
    requestIds,
    flush: async () => {
      await logger.flush();
      await Promise.all(sinks.map((s) => s.drain()));
    },
    close: async () => {
      stop();
      await logger.close();
      await Promise.all(sinks.map((s) => s.stop()));
      await worker?.close();
    },
  };
}

/**
 * The predict fast path's stand-in for the monitoring plugin's request hooks: records each answered
 * request on `keel_requests_total` / `keel_request_duration_seconds` (labelled with who answered)
 * and failures on `keel_request_errors_total` by code (a name that was not found is not a label).
 */
export function requestObserver(metrics: KeelMetrics): RequestObserver {
  return {
    request(route, deployment, answeredBy, status, seconds, code) {
      metrics
        .request({
          deployment: answeredBy ? deployment : null,
          model: answeredBy?.model ?? '',
          version: answeredBy ? String(answeredBy.version) : '',
          variant: answeredBy?.variant ?? null,
          route,
        })
        .record(seconds, status);
      if (code !== null) metrics.recordError(NOT_FOUND_LIKE.test(code) ? null : deployment, route, code);
    },
  };
}

/** Request ids for requests that come without one: `<random process prefix>-<counter in base 36>`. */
export function requestIdGenerator(): () => string {
  const prefix = randomHex(4);
  let next = 0;
  return () => `${prefix}-${(next++).toString(36)}`;
}

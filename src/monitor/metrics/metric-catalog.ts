/**
 * Every metric Keel exports, as data: the registry is built from this table, the docs list it and
 * the dashboard test checks against it. Names follow Prometheus conventions (`keel_` prefix, base
 * units — seconds, bytes, ratios 0..1 —, `_total` on counters); labels are bounded: deployment,
 * model, version, variant, route, status class, error code, feature view, feature name, metric name
 * — never request or user ids.
 */

/** Histogram buckets for request and inference latency, in seconds: 50 µs to 5 s. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** Histogram buckets for runtime batch sizes, in rows. */
export const BATCH_BUCKETS_ROWS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
/** Histogram buckets for model load (plus warm-up) time, in seconds. */
export const LOAD_BUCKETS_SECONDS: readonly number[] = [
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** One metric of the catalogue. */
export interface MetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labels: readonly string[];
  /** Bucket upper bounds (histograms only). */
  readonly buckets?: readonly number[];
}

const SERVED = ['deployment', 'model', 'version', 'variant'] as const;
const m = (
  name: string,
  type: MetricSpec['type'],
  labels: readonly string[],
  help: string,
  buckets?: readonly number[],
): MetricSpec => (buckets ? { name, type, help, labels, buckets } : { name, type, help, labels });

/** The catalogue (see the module doc). Order is the order of `/metrics`. */
export const METRIC_CATALOG: readonly MetricSpec[] = [
  m('keel_build_info', 'gauge', ['version'], 'Always 1; the Keel version as a label.'),
  // Serving: recorded per request by the server (pre-bound label sets).
  m(
    'keel_requests_total',
    'counter',
    [...SERVED, 'route', 'status'],
    'Requests answered, by status class (2xx, 4xx, 5xx).',
  ),
  m(
    'keel_request_duration_seconds',
    'histogram',
    [...SERVED, 'route'],
    'Request time from parsed body to answer, in seconds.',
    LATENCY_BUCKETS_SECONDS,
  ),
  m(
    'keel_request_errors_total',
    'counter',
    ['deployment', 'route', 'code'],
    'Failed requests by Keel error code.',
  ),
  m('keel_prediction_rows_total', 'counter', SERVED, 'Rows predicted (cache hits included).'),
  m(
    'keel_inference_duration_seconds',
    'histogram',
    SERVED,
    'Engine time per request (queue, runtime, formatting), in seconds.',
    LATENCY_BUCKETS_SECONDS,
  ),
  // Batching, queueing and shedding: read from the engine at scrape time.
  m(
    'keel_model_executions_total',
    'counter',
    ['model', 'version'],
    'Runtime calls (a batch counts once); rows / executions = mean batch size.',
  ),
  m('keel_model_rows_total', 'counter', ['model', 'version'], 'Rows run through the runtime.'),
  m(
    'keel_model_requests_total',
    'counter',
    ['model', 'version', 'result'],
    'Requests that reached the scheduler, by result (success, failure).',
  ),
  m(
    'keel_model_queue_seconds_total',
    'counter',
    ['model', 'version'],
    'Time requests spent queued before their runtime call, in seconds.',
  ),
  m(
    'keel_model_compute_seconds_total',
    'counter',
    ['model', 'version'],
    'Time spent in runtime calls, in seconds.',
  ),
  m('keel_model_queue_depth', 'gauge', ['model', 'version'], 'Requests waiting for a runtime call now.'),
  m(
    'keel_model_inflight_requests',
    'gauge',
    ['model', 'version'],
    'Requests holding the version now (queued, running or formatting).',
  ),
  m(
    'keel_requests_shed_total',
    'counter',
    ['model', 'version', 'reason'],
    'Requests refused or abandoned under load: queue_full (429) or timeout.',
  ),
  m(
    'keel_batch_size_rows',
    'histogram',
    ['model', 'version'],
    'Rows per runtime call, when the engine reports batches.',
    BATCH_BUCKETS_ROWS,
  ),
  m(
    'keel_batch_queue_seconds',
    'histogram',
    ['model', 'version'],
    'Queue time of each batched request, in seconds, when the engine reports batches.',
    LATENCY_BUCKETS_SECONDS,
  ),
  m(
    'keel_cache_hits_total',
    'counter',
    [],
    'Prediction-cache hits (rows, or requests for whole-request keys).',
  ),
  m('keel_cache_misses_total', 'counter', [], 'Prediction-cache misses.'),
  m('keel_cache_errors_total', 'counter', [], 'Prediction-cache store failures (served without the cache).'),
  // Model lifecycle.
  m(
    'keel_model_loads_total',
    'counter',
    ['model', 'result'],
    'Model version loads, by result (success, failure).',
  ),
  m(
    'keel_model_load_duration_seconds',
    'histogram',
    ['model'],
    'Load plus warm-up time of a model version, in seconds.',
    LOAD_BUCKETS_SECONDS,
  ),
  m('keel_model_serving_version', 'gauge', ['model'], 'The version last loaded for a model.'),
  // Features.
  m(
    'keel_feature_freshness_seconds',
    'gauge',
    ['view'],
    'Age of the newest materialised value of a feature view, in seconds.',
  ),
  // Drift (per model version, from the last drift check).
  m(
    'keel_drift_score',
    'gauge',
    ['model', 'version', 'feature', 'test'],
    'Deciding drift statistic of a feature: a p-value or a distance, per the test label.',
  ),
  m(
    'keel_feature_drifted',
    'gauge',
    ['model', 'version', 'feature'],
    '1 when the feature drifted in the last check, else 0.',
  ),
  m(
    'keel_drift_share',
    'gauge',
    ['model', 'version'],
    'Share of tested features that drifted in the last check (0..1).',
  ),
  m(
    'keel_dataset_drifted',
    'gauge',
    ['model', 'version'],
    '1 when the dataset drifted in the last check, else 0.',
  ),
  m(
    'keel_drift_checked_timestamp_seconds',
    'gauge',
    ['model', 'version'],
    'When the last drift check ran, Unix seconds.',
  ),
  // Live quality (delayed labels) and estimates (CBPE).
  m(
    'keel_model_quality',
    'gauge',
    ['model', 'version', 'metric'],
    'Realised quality over the live window, from joined labels (auc, logloss, accuracy, rmse...).',
  ),
  m(
    'keel_model_quality_estimated',
    'gauge',
    ['model', 'version', 'metric', 'method'],
    'ESTIMATED quality without labels (method=cbpe): accuracy, precision, recall, f1, auc.',
  ),
  m(
    'keel_model_labelled_predictions',
    'gauge',
    ['model', 'version'],
    'Predictions with a joined label in the live window.',
  ),
  m(
    'keel_model_label_coverage_ratio',
    'gauge',
    ['model', 'version'],
    'Share of logged predictions in the window that have a label (0..1).',
  ),
  m(
    'keel_feedback_labels_total',
    'counter',
    ['result'],
    'Feedback labels received, by result (accepted, rejected).',
  ),
  m(
    'keel_feedback_unmatched_labels',
    'gauge',
    [],
    'Labels whose request id matched no logged prediction at the last quality evaluation.',
  ),
  // Prediction log.
  m(
    'keel_prediction_log_rows_total',
    'counter',
    ['result'],
    'Prediction-log rows: enqueued, sampled_out or dropped (buffer full or stream down).',
  ),
  m(
    'keel_prediction_log_written_rows_total',
    'counter',
    [],
    'Prediction-log rows written to Parquet by the log sink.',
  ),
  m(
    'keel_prediction_log_flush_failures_total',
    'counter',
    [],
    'Failed prediction-log flushes (retried; nothing is acknowledged until written).',
  ),
  // Alerts.
  m('keel_alerts_firing', 'gauge', ['alert'], '1 while an alert rule fires (any series), else 0.'),
  m(
    'keel_alert_notifications_total',
    'counter',
    ['channel', 'result'],
    'Alert notifications sent, by channel (webhook) and result (sent, failed).',
  ),
];

/** The catalogue entry of `name`, or undefined. */
export function metricSpec(name: string): MetricSpec | undefined {
  return METRIC_CATALOG.find((s) => s.name === name);
}

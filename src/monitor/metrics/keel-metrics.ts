import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DriftReport } from '../drift/types.js';
import {
  type CounterSeries,
  FastCounter,
  FastGauge,
  FastHistogram,
  type HistogramSeries,
} from './internal/fast-metrics.js';
import { METRIC_CATALOG, type MetricSpec } from './metric-catalog.js';

/** Counters of one loaded model version, as the inference engine reports them (`engine.modelStats()`). */
export interface ModelStatsLike {
  readonly model: string;
  readonly version: number;
  readonly success: number;
  readonly failure: number;
  readonly rows: number;
  readonly executions: number;
  readonly rejected: number;
  readonly timeouts: number;
  /** Total queue time, in microseconds. */
  readonly queueUs: number;
  /** Total runtime-call time, in microseconds. */
  readonly computeUs: number;
  readonly queued: number;
  readonly inflight: number;
}

/** What the metrics read from a serving engine at scrape time. */
export interface ServingStatsSource {
  modelStats(): readonly ModelStatsLike[];
  cacheStats(): { readonly hits: number; readonly misses: number; readonly errors: number } | null;
}

/** Feature view → seconds since its newest materialised value; provided by the feature store. */
export type FreshnessSource = () =>
  | Readonly<Record<string, number>>
  | Promise<Readonly<Record<string, number>>>;

/** One exported value, flattened: histograms appear as `<name>_bucket`, `_sum` and `_count`. */
export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Options of `KeelMetrics`. */
export interface KeelMetricsOptions {
  /** Keel version for `keel_build_info` (default `unknown`). */
  readonly version?: string;
  /** Also export Node.js process metrics (`process_cpu_seconds_total`, heap...). Default false. */
  readonly processMetrics?: boolean;
}

/** Label values of one served request series. */
export interface RequestLabels {
  readonly deployment: string | null;
  readonly model: string;
  readonly version: number | string;
  readonly variant: string | null;
  /** Route template (`/v1/predict/:deployment`), never a raw URL. */
  readonly route: string;
}

/** Pre-bound series of one (deployment, model, version, variant, route): record in O(1). */
export class RequestSeries {
  constructor(
    private readonly duration: HistogramSeries,
    private readonly ok: CounterSeries,
    private readonly clientError: CounterSeries,
    private readonly serverError: CounterSeries,
  ) {}
  /** Records one answered request: its time in seconds and HTTP status. */
  record(seconds: number, status: number): void {
    this.duration.observe(seconds);
    (status >= 500 ? this.serverError : status >= 400 ? this.clientError : this.ok).inc();
  }
}

/** Pre-bound prediction series of one (deployment, model, version, variant). */
export class PredictionSeries {
  constructor(
    private readonly rowsCounter: CounterSeries,
    private readonly inference: HistogramSeries,
  ) {}
  /** Records one engine answer: rows predicted and engine time in seconds. */
  record(rows: number, seconds: number): void {
    this.rowsCounter.inc(rows);
    this.inference.observe(seconds);
  }
}

type Fast = FastCounter | FastGauge | FastHistogram;
const none = (v: string | null): string => v ?? '';

/**
 * The Prometheus metrics of one Keel process, on its own prom-client `Registry` (never the global
 * default): the catalogue of `METRIC_CATALOG`, pre-bound series for the serving hot path, values
 * read from the engine and the feature store at scrape time, and drift, quality and alert gauges.
 * Create one per process and pass it to whatever records.
 */
export class KeelMetrics {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Fast>();
  private readonly requests = new Map<string, RequestSeries>();
  private readonly predictions = new Map<string, PredictionSeries>();
  private serving: ServingStatsSource | null = null;
  // The series used last: consecutive requests usually share labels, so most lookups are 5 comparisons.
  private lastRequest: { readonly labels: RequestLabels; readonly series: RequestSeries } | null = null;
  private lastPrediction: {
    readonly deployment: string | null;
    readonly model: string;
    readonly version: number;
    readonly variant: string | null;
    readonly series: PredictionSeries;
  } | null = null;
  private freshness: FreshnessSource | null = null;

  constructor(options: KeelMetricsOptions = {}) {
    for (const spec of METRIC_CATALOG) {
      const metric = build(spec);
      this.metrics.set(spec.name, metric);
      this.registry.registerMetric(metric as never);
    }
    this.gauge('keel_build_info').set([options.version ?? 'unknown'], 1);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The pre-bound request series of a label set (cached: call it per request, it is a map read). */
  request(l: RequestLabels): RequestSeries {
    const last = this.lastRequest;
    if (
      last &&
      last.labels.route === l.route &&
      last.labels.deployment === l.deployment &&
      last.labels.model === l.model &&
      last.labels.version === l.version &&
      last.labels.variant === l.variant
    ) {
      return last.series;
    }
    const key = `${l.deployment}\u0000${l.model}\u0000${l.version}\u0000${l.variant}\u0000${l.route}`;
    let s = this.requests.get(key);
    if (!s) {
      const base = [none(l.deployment), l.model, String(l.version), none(l.variant), l.route];
      const total = this.counter('keel_requests_total');
      s = new RequestSeries(
        this.histogram('keel_request_duration_seconds').bind(base),
        total.bind([...base, '2xx']),
        total.bind([...base, '4xx']),
        total.bind([...base, '5xx']),
      );
      this.requests.set(key, s);
    }
    this.lastRequest = { labels: { ...l }, series: s };
    return s;
  }

  /** Counts a failed request by error code (a closed set) on a route template. */
  recordError(deployment: string | null, route: string, code: string): void {
    this.counter('keel_request_errors_total')
      .bind([none(deployment), route, code])
      .inc();
  }

  /** The pre-bound prediction series (rows, engine time) of a served version. */
  prediction(
    deployment: string | null,
    model: string,
    version: number,
    variant: string | null,
  ): PredictionSeries {
    const last = this.lastPrediction;
    if (
      last &&
      last.model === model &&
      last.version === version &&
      last.deployment === deployment &&
      last.variant === variant
    ) {
      return last.series;
    }
    const key = `${deployment}\u0000${model}\u0000${version}\u0000${variant}`;
    let s = this.predictions.get(key);
    if (!s) {
      const labels = [none(deployment), model, String(version), none(variant)];
      s = new PredictionSeries(
        this.counter('keel_prediction_rows_total').bind(labels),
        this.histogram('keel_inference_duration_seconds').bind(labels),
      );
      this.predictions.set(key, s);
    }
    this.lastPrediction = { deployment, model, version, variant, series: s };
    return s;
  }

  /** Records one runtime batch: its rows and each member request's queue time in seconds. */
  recordBatch(model: string, version: number, rows: number, queueSeconds: readonly number[] = []): void {
    const labels = [model, String(version)];
    this.histogram('keel_batch_size_rows').bind(labels).observe(rows);
    const queue = this.histogram('keel_batch_queue_seconds').bind(labels);
    for (const s of queueSeconds) queue.observe(s);
  }

  /** Records a model version load (`seconds` = load plus warm-up) or, with `seconds` null, a failed load. */
  recordModelLoad(model: string, version: number | null, seconds: number | null): void {
    this.counter('keel_model_loads_total')
      .bind([model, seconds === null ? 'failure' : 'success'])
      .inc();
    if (seconds !== null) this.histogram('keel_model_load_duration_seconds').bind([model]).observe(seconds);
    if (version !== null && seconds !== null) this.gauge('keel_model_serving_version').set([model], version);
  }

  /** Reads batching, queue, shedding and cache counters from `source` at every scrape. */
  setServingSource(source: ServingStatsSource | null): void {
    this.serving = source;
  }

  /** Reads feature-view freshness from `source` at every scrape. */
  setFreshnessSource(source: FreshnessSource | null): void {
    this.freshness = source;
  }

  /** Replaces the drift gauges of a model version with a drift report's results. */
  setDrift(model: string, version: number, report: DriftReport, checkedAtMs: number): void {
    const v = String(version);
    for (const name of ['keel_drift_score', 'keel_feature_drifted'])
      this.gauge(name).removeMatching({ model, version: v });
    const columns = report.predictionDrift ? [...report.columns, report.predictionDrift] : report.columns;
    for (const c of columns) {
      if (c.status !== 'tested' || c.test === null) continue;
      const score = c.pValue ?? c.distance ?? c.statistic;
      if (score !== null) this.gauge('keel_drift_score').set([model, v, c.column, c.test], score);
      this.gauge('keel_feature_drifted').set([model, v, c.column], c.drifted ? 1 : 0);
    }
    this.gauge('keel_drift_share').set([model, v], report.shareOfDriftedColumns);
    this.gauge('keel_dataset_drifted').set([model, v], report.datasetDrift ? 1 : 0);
    this.gauge('keel_drift_checked_timestamp_seconds').set([model, v], checkedAtMs / 1000);
  }

  /** Replaces the realised-quality gauges of a model version (metric name → value). */
  setQuality(
    model: string,
    version: number,
    values: Readonly<Record<string, number>>,
    labelled: number,
    coverage: number,
  ): void {
    const v = String(version);
    this.gauge('keel_model_quality').removeMatching({ model, version: v });
    for (const [metric, value] of Object.entries(values))
      this.gauge('keel_model_quality').set([model, v, metric], value);
    this.gauge('keel_model_labelled_predictions').set([model, v], labelled);
    this.gauge('keel_model_label_coverage_ratio').set([model, v], coverage);
  }

  /** Replaces the estimated-quality gauges of a model version (`method`: `cbpe`). */
  setEstimatedQuality(
    model: string,
    version: number,
    values: Readonly<Record<string, number>>,
    method = 'cbpe',
  ): void {
    const v = String(version);
    const g = this.gauge('keel_model_quality_estimated');
    g.removeMatching({ model, version: v, method });
    for (const [metric, value] of Object.entries(values)) g.set([model, v, metric, method], value);
  }

  /** A pre-bound series of a counter of the catalogue, for callers on the hot path. */
  counterSeries(name: string, labels: readonly string[]): { inc(n?: number): void } {
    return this.counter(name).bind(labels);
  }

  /** Adds to a plain counter of the catalogue (`keel_feedback_labels_total`, ['accepted']...). */
  count(name: string, labels: readonly string[], n = 1): void {
    this.counter(name).bind(labels).inc(n);
  }

  /** Sets a plain gauge of the catalogue. */
  set(name: string, labels: readonly string[], value: number): void {
    this.gauge(name).set(labels, value);
  }

  /** The metric names an alert rule may use: every catalogue name, histograms as `_sum` and `_count`. */
  metricNames(): string[] {
    return METRIC_CATALOG.flatMap((s) =>
      s.type === 'histogram' ? [`${s.name}_sum`, `${s.name}_count`] : [s.name],
    );
  }

  /** Every current value, flattened (scrape-time sources are read first). */
  async samples(): Promise<MetricSample[]> {
    await this.collect();
    const out: MetricSample[] = [];
    for (const metric of this.metrics.values()) {
      for (const v of (await metric.get()).values) {
        const labels: Record<string, string> = {};
        for (const [k, val] of Object.entries(v.labels)) labels[k] = String(val);
        out.push({ name: v.metricName ?? metric.name, labels, value: v.value });
      }
    }
    return out;
  }

  /** The `/metrics` answer: Prometheus text format 0.0.4 (scrape-time sources are read first). */
  async render(): Promise<{ readonly contentType: string; readonly body: string }> {
    await this.collect();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private async collect(): Promise<void> {
    if (this.serving) this.collectServing(this.serving);
    if (this.freshness) {
      const g = this.gauge('keel_feature_freshness_seconds');
      try {
        const views = await this.freshness();
        g.reset();
        for (const [view, seconds] of Object.entries(views)) g.set([view], seconds);
      } catch {
        // A failing feature store must not break the scrape; the gauges keep their last values.
      }
    }
  }

  private collectServing(source: ServingStatsSource): void {
    const setC = (name: string, labels: readonly string[], value: number): void => {
      this.counter(name).bind(labels).value = value;
    };
    for (const s of source.modelStats()) {
      const l = [s.model, String(s.version)];
      setC('keel_model_executions_total', l, s.executions);
      setC('keel_model_rows_total', l, s.rows);
      setC('keel_model_requests_total', [...l, 'success'], s.success);
      setC('keel_model_requests_total', [...l, 'failure'], s.failure);
      setC('keel_model_queue_seconds_total', l, s.queueUs / 1e6);
      setC('keel_model_compute_seconds_total', l, s.computeUs / 1e6);
      setC('keel_requests_shed_total', [...l, 'queue_full'], s.rejected);
      setC('keel_requests_shed_total', [...l, 'timeout'], s.timeouts);
      this.gauge('keel_model_queue_depth').set(l, s.queued);
      this.gauge('keel_model_inflight_requests').set(l, s.inflight);
    }
    const cache = source.cacheStats();
    if (cache) {
      setC('keel_cache_hits_total', [], cache.hits);
      setC('keel_cache_misses_total', [], cache.misses);
      setC('keel_cache_errors_total', [], cache.errors);
    }
  }

  private counter(name: string): FastCounter {
    return this.metrics.get(name) as FastCounter;
  }

  private gauge(name: string): FastGauge {
    return this.metrics.get(name) as FastGauge;
  }

  private histogram(name: string): FastHistogram {
    return this.metrics.get(name) as FastHistogram;
  }
}

function build(spec: MetricSpec): Fast {
  if (spec.type === 'histogram')
    return new FastHistogram(spec.name, spec.help, spec.labels, spec.buckets ?? []);
  if (spec.type === 'counter') return new FastCounter(spec.name, spec.help, spec.labels);
  return new FastGauge(spec.name, spec.help, spec.labels);
}

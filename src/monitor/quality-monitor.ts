import { type Clock, isKeelError, type Logger, silentLogger } from '../core/index.js';
import type { DuckDBEngine } from '../storage/index.js';
import { checkModelDrift } from './drift/model-drift.js';
import type { ReferenceStores } from './drift/model-reference.js';
import type { DriftOptions } from './drift/types.js';
import type { KeelMetrics } from './metrics/keel-metrics.js';
import { computeLiveQuality, type LiveQualityReport } from './quality/live-quality.js';

/** Options of `QualityMonitor`. */
export interface QualityMonitorOptions {
  /** The offline store folder (prediction log and labels). */
  readonly offline: string;
  /** The registry (signatures, reference snapshots) and artifact store. */
  readonly stores: ReferenceStores;
  readonly metrics: KeelMetrics;
  readonly clock: Clock;
  /** The model names to watch (e.g. those the deployments serve), asked at every run. */
  readonly models: () => readonly string[] | Promise<readonly string[]>;
  /** Prediction-time window of every check, in ms (`monitoring.qualityWindowMs`). */
  readonly windowMs: number;
  /** Period of `start()`, in ms (`monitoring.qualityIntervalMs`). */
  readonly intervalMs: number;
  /** Drift options for the checks (default Evidently's). */
  readonly drift?: DriftOptions;
  readonly log?: Logger;
  readonly engine?: DuckDBEngine;
}

/**
 * The periodic monitoring job of a serving process: for every watched model, live quality over the
 * window (realised from labels, estimated with CBPE) per logged version, and drift of every such
 * version that has a reference snapshot; results go to the metrics (`keel_model_quality*`,
 * `keel_drift_*`, `keel_feedback_unmatched_labels`), where alert rules read them. A failing model
 * is logged and skipped; the others still run.
 */
export class QualityMonitor {
  private readonly log: Logger;
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: QualityMonitorOptions) {
    this.log = options.log ?? silentLogger();
  }

  /** One pass over every watched model; returns the quality reports. */
  async runOnce(): Promise<LiveQualityReport[]> {
    const o = this.options;
    const toMs = o.clock.now();
    const fromMs = toMs - o.windowMs;
    const reports: LiveQualityReport[] = [];
    let unmatched = 0;
    for (const model of await o.models()) {
      try {
        const report = await computeLiveQuality({
          offline: o.offline,
          model,
          fromMs,
          toMs,
          signatureOf: async (v) =>
            (await o.stores.registry.resolve(`${model}/${v}`).catch(() => null))?.signature ?? null,
          ...(o.engine ? { engine: o.engine } : {}),
        });
        reports.push(report);
        unmatched += report.unmatchedLabels;
        for (const q of report.versions) {
          o.metrics.setQuality(model, q.version, q.metrics, q.labelled, q.coverage);
          if (q.estimated) o.metrics.setEstimatedQuality(model, q.version, q.estimated.metrics);
          await this.drift(model, q.version, toMs);
        }
      } catch (error) {
        this.log.warn({ err: error, model }, 'monitoring check failed; will retry next period');
      }
    }
    o.metrics.set('keel_feedback_unmatched_labels', [], unmatched);
    return reports;
  }

  /** Runs `runOnce()` every `intervalMs` until `stop()`. */
  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = (async () => {
      while (!abort.signal.aborted) {
        await this.runOnce().catch((error) => this.log.error({ err: error }, 'monitoring run failed'));
        await this.options.clock.sleep(this.options.intervalMs, abort.signal).catch(() => undefined);
      }
    })();
  }

  /** Stops the schedule after the run in progress. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = null;
  }

  private async drift(model: string, version: number, now: number): Promise<void> {
    const o = this.options;
    try {
      await checkModelDrift({
        stores: o.stores,
        offline: o.offline,
        modelRef: `${model}/${version}`,
        windowMs: o.windowMs,
        now,
        metrics: o.metrics,
        ...(o.drift ? { drift: o.drift } : {}),
        ...(o.engine ? { engine: o.engine } : {}),
      });
    } catch (error) {
      // Versions registered without a reference snapshot simply have no drift series.
      if (!isKeelError(error, 'KEEL_MONITOR_NO_REFERENCE')) throw error;
      this.log.debug({ model, version }, 'no reference snapshot: drift not checked');
    }
  }
}

import { isKeelError } from '../../core/index.js';
import { checkModelDrift, computeLiveQuality } from '../../monitor/index.js';
import type { Registry } from '../../registry/index.js';
import type { ArtifactStore, DuckDBEngine } from '../../storage/index.js';

/** A drift check of a model version over a window of its prediction log. */
export interface DriftObservation {
  readonly model: string;
  readonly version: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** Logged rows in the window. */
  readonly rows: number;
  readonly testedColumns: number;
  readonly driftedColumns: number;
  /** drifted / tested (0 when nothing was tested). */
  readonly share: number;
  /** The drifted features with their deciding test. */
  readonly drifted: readonly {
    readonly column: string;
    readonly test: string | null;
    readonly statistic: number | null;
    readonly threshold: number | null;
  }[];
}

/** Live quality of one model version over a prediction-time window. */
export interface QualityObservation {
  readonly version: number;
  readonly predictions: number;
  readonly labelled: number;
  /** Realised metrics from joined labels. */
  readonly metrics: Readonly<Record<string, number>>;
  /** CBPE estimates (binary classifiers), or null. */
  readonly estimated: Readonly<Record<string, number>> | null;
}

/** What the loop reads from monitoring: drift and live quality (the prediction log and labels). */
export interface LearningSignals {
  /**
   * Drift of the version `modelRef` resolves to over [now − windowMs, now); null when the version
   * has no reference snapshot (drift cannot be judged).
   */
  drift(modelRef: string, windowMs: number, now: number, minRows: number): Promise<DriftObservation | null>;
  /** Live quality of every logged version of `model` over [fromMs, toMs). */
  quality(model: string, fromMs: number, toMs: number): Promise<readonly QualityObservation[]>;
}

/** What `monitorSignals` reads. */
export interface MonitorSignalsOptions {
  /** The offline store folder (prediction log and labels). */
  readonly offline: string;
  readonly registry: Registry;
  readonly artifacts: ArtifactStore;
  /** A DuckDB engine to reuse (default: one per call). */
  readonly engine?: DuckDBEngine;
  /** Runs before every read (e.g. flush the prediction log), so the newest rows count. */
  readonly beforeRead?: () => Promise<void>;
}

/**
 * `LearningSignals` over the monitoring module: drift with `checkModelDrift` against the reference
 * snapshot stored with the version (Evidently's default tests), quality with `computeLiveQuality`
 * (labels joined by request id, CBPE for binary classifiers).
 */
export function monitorSignals(options: MonitorSignalsOptions): LearningSignals {
  const engine = options.engine ? { engine: options.engine } : {};
  return {
    async drift(modelRef, windowMs, now, minRows) {
      await options.beforeRead?.();
      try {
        const r = await checkModelDrift({
          stores: { registry: options.registry, artifacts: options.artifacts },
          offline: options.offline,
          modelRef,
          windowMs,
          now,
          drift: { minRows },
          ...engine,
        });
        return {
          model: r.version.model,
          version: r.version.version,
          fromMs: r.fromMs,
          toMs: r.toMs,
          rows: r.current.rowCount,
          testedColumns: r.report.testedColumns,
          driftedColumns: r.report.driftedColumns,
          share: r.report.shareOfDriftedColumns,
          drifted: r.report.columns
            .filter((c) => c.drifted)
            .map((c) => ({
              column: c.column,
              test: c.test,
              statistic: c.distance ?? c.pValue ?? c.statistic,
              threshold: c.threshold,
            })),
        };
      } catch (error) {
        if (isKeelError(error, 'KEEL_MONITOR_NO_REFERENCE')) return null;
        throw error;
      }
    },
    async quality(model, fromMs, toMs) {
      await options.beforeRead?.();
      const report = await computeLiveQuality({
        offline: options.offline,
        model,
        fromMs,
        toMs,
        signatureOf: async (v) =>
          (await options.registry.resolve(`${model}/${v}`).catch(() => null))?.signature ?? null,
        ...engine,
      });
      return report.versions.map((q) => ({
        version: q.version,
        predictions: q.predictions,
        labelled: q.labelled,
        metrics: q.metrics,
        estimated: q.estimated?.metrics ?? null,
      }));
    },
  };
}

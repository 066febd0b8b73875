import type { Frame } from '../../core/index.js';
import type { DuckDBEngine, ModelVersion } from '../../storage/index.js';
import { type LoggedColumn, loadLoggedInputs } from '../log/logged-inputs.js';
import type { KeelMetrics } from '../metrics/keel-metrics.js';
import { detectDrift } from './detect-drift.js';
import { loadReferenceSnapshot, type ReferenceStores } from './model-reference.js';
import type { ReferenceSnapshot } from './snapshot.js';
import type { DriftOptions, DriftReport } from './types.js';

/** Options of `checkModelDrift`. */
export interface ModelDriftOptions {
  readonly stores: ReferenceStores;
  /** The offline store folder (prediction log). */
  readonly offline: string;
  /** `name/3`, `name@alias` or `name` (latest). */
  readonly modelRef: string;
  /** Window length, in ms: current data = the version's logged inputs over [now − windowMs, now). */
  readonly windowMs: number;
  readonly now: number;
  /** Drift options; `predictionColumn` (a column of the snapshot) is compared with the logged score. */
  readonly drift?: DriftOptions;
  /** Take current data from every version of the model (default: the resolved version only). */
  readonly allVersions?: boolean;
  /** When given, the drift gauges of the version are updated. */
  readonly metrics?: KeelMetrics;
  readonly engine?: DuckDBEngine;
}

/** A model's drift over a window of its prediction log. */
export interface ModelDriftResult {
  readonly version: ModelVersion;
  readonly fromMs: number;
  readonly toMs: number;
  readonly reference: ReferenceSnapshot;
  readonly current: Frame;
  readonly report: DriftReport;
}

/**
 * Drift of a model version over a window: the reference is the snapshot stored with the version
 * (`attachReferenceSnapshot`), the current data the inputs logged for it in the window (see
 * `loadLoggedInputs`); a window with too few rows gives columns `not_enough_data`, never drift.
 */
export async function checkModelDrift(options: ModelDriftOptions): Promise<ModelDriftResult> {
  const { version, snapshot } = await loadReferenceSnapshot(options.stores, options.modelRef);
  const drift = options.drift ?? {};
  const wanted = drift.columns ? new Set(drift.columns) : null;
  const prediction = drift.predictionColumn;
  // Only the model's inputs are logged: a snapshot column that is not one (the training target) would
  // only ever show as "not enough data".
  const signature = version.signature;
  const inputs = signature.kind === 'columns' ? new Set(signature.inputs.map((i) => i.name)) : null;
  const columns: LoggedColumn[] = [];
  for (const c of snapshot.columns) {
    if (c.kind === 'unsupported' || c.name === prediction || (wanted && !wanted.has(c.name))) continue;
    if (inputs && !inputs.has(c.name)) continue;
    columns.push({ name: c.name, kind: c.kind });
  }
  const toMs = options.now;
  const fromMs = toMs - options.windowMs;
  const hasPrediction = prediction !== undefined && snapshot.columns.some((c) => c.name === prediction);
  const current = await loadLoggedInputs({
    offline: options.offline,
    model: version.model,
    ...(options.allVersions ? {} : { version: version.version }),
    fromMs,
    toMs,
    columns,
    ...(hasPrediction ? { scoreColumn: prediction } : {}),
    ...(options.engine ? { engine: options.engine } : {}),
  });
  const driftOptions: DriftOptions =
    hasPrediction || prediction === undefined ? drift : withoutPrediction(drift);
  const report = detectDrift(snapshot, current, driftOptions);
  options.metrics?.setDrift(version.model, version.version, report, options.now);
  return { version, fromMs, toMs, reference: snapshot, current, report };
}

function withoutPrediction(drift: DriftOptions): DriftOptions {
  const { predictionColumn: _ignored, ...rest } = drift;
  return rest;
}

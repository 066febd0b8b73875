import { isKeelError, type Scalar, valueAt } from '../../core/index.js';
import { evaluate } from '../../learn/index.js';
import type { DuckDBEngine, ModelSignature } from '../../storage/index.js';
import { chooseCalibrator } from './calibration.js';
import { type CbpeEstimate, estimateCbpe } from './cbpe.js';
import { loadLabelledPredictions } from './labelled-predictions.js';

/** Realised and estimated quality of one model version over a window. */
export interface VersionQuality {
  readonly model: string;
  readonly version: number;
  readonly task: 'binary' | 'multiclass' | 'regression';
  /** Logged prediction rows in the window. */
  readonly predictions: number;
  /** Rows with a usable label (joined and of the right type). */
  readonly labelled: number;
  /** labelled / predictions (0..1). */
  readonly coverage: number;
  /** Joined labels that do not fit the model (not one of its classes; not a number for a regressor). */
  readonly invalidLabels: number;
  /** Realised metrics over the labelled rows (learn's `evaluate`: auc, logloss, accuracy, rmse...). */
  readonly metrics: Readonly<Record<string, number>>;
  /** ESTIMATED metrics over every row from confidence (CBPE; binary classifiers only), else null. */
  readonly estimated: CbpeEstimate | null;
}

/** Live quality of a model over a prediction-time window. */
export interface LiveQualityReport {
  readonly model: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly versions: readonly VersionQuality[];
  /** Labels received in the window for request ids the log does not know. */
  readonly unmatchedLabels: number;
}

/** Options of `computeLiveQuality`. */
export interface LiveQualityOptions {
  /** The offline store folder. */
  readonly offline: string;
  readonly model: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** The registered signature of a version (task and classes), or null when unknown. */
  readonly signatureOf: (version: number) => Promise<ModelSignature | null>;
  readonly engine?: DuckDBEngine;
}

interface Rows {
  readonly idx: number[];
}

/**
 * Live quality per model version: logged predictions of the window joined with their delayed labels
 * (see `loadLabelledPredictions`), realised metrics computed with learn's `evaluate` (the metrics
 * training reports, equal to scikit-learn's), and for binary classifiers a CBPE estimate over all
 * rows — labelled or not — marked as an estimate. Labels of the wrong type are counted, not used.
 */
export async function computeLiveQuality(options: LiveQualityOptions): Promise<LiveQualityReport> {
  const { frame, unmatchedLabels, probabilityClasses } = await loadLabelledPredictions(options);
  const versionCol = frame.numberColumn('version').values;
  const byVersion = new Map<number, Rows>();
  for (let i = 0; i < frame.rowCount; i++) {
    const v = versionCol[i]!;
    let rows = byVersion.get(v);
    if (!rows) byVersion.set(v, (rows = { idx: [] }));
    rows.idx.push(i);
  }
  const read = (name: string, i: number): Scalar => (frame.has(name) ? valueAt(frame.column(name), i) : null);
  const versions: VersionQuality[] = [];
  for (const [version, rows] of byVersion) {
    const signature = await options.signatureOf(version);
    versions.push(versionQuality(options.model, version, signature, probabilityClasses, rows.idx, read));
  }
  return { model: options.model, fromMs: options.fromMs, toMs: options.toMs, versions, unmatchedLabels };
}

function versionQuality(
  model: string,
  version: number,
  signature: ModelSignature | null,
  logged: readonly string[],
  idx: readonly number[],
  read: (name: string, i: number) => Scalar,
): VersionQuality {
  const { task, classes } = taskOf(signature, logged);
  const y: number[] = [];
  const out: number[] = [];
  const labelledScores: number[] = [];
  const allScores: number[] = [];
  let invalid = 0;
  for (const i of idx) {
    const output = outputOf(task, classes, read, i);
    if (task === 'binary' && output) allScores.push(output[0]!);
    const label = read('label', i);
    if (label === null) continue;
    const yi = labelIndex(task, classes, label, read('label_number', i));
    if (yi === null) {
      invalid++;
      continue;
    }
    if (!output) continue;
    y.push(yi);
    out.push(...output);
    if (task === 'binary') labelledScores.push(output[0]!);
  }
  let metrics: Record<string, number> = {};
  if (y.length > 0) {
    try {
      metrics = evaluate(
        task,
        Float64Array.from(y),
        Float64Array.from(out),
        task === 'regression' ? null : classes,
      );
    } catch (error) {
      if (!isKeelError(error)) throw error;
    }
  }
  let estimated: CbpeEstimate | null = null;
  if (task === 'binary' && allScores.length > 0) {
    const calibrator = chooseCalibrator(labelledScores, y, metrics.auc ?? null);
    estimated = estimateCbpe(allScores, { calibrator });
  }
  return {
    model,
    version,
    task,
    predictions: idx.length,
    labelled: y.length,
    coverage: idx.length === 0 ? 0 : y.length / idx.length,
    invalidLabels: invalid,
    metrics,
    estimated,
  };
}

function taskOf(
  signature: ModelSignature | null,
  logged: readonly string[],
): { task: VersionQuality['task']; classes: string[] } {
  if (signature?.task) return { task: signature.task, classes: [...(signature.classes ?? [])] };
  // Unknown signature: classifiers log their class probabilities, regressors a value.
  if (logged.length >= 2)
    return { task: logged.length === 2 ? 'binary' : 'multiclass', classes: [...logged] };
  return { task: 'regression', classes: [] };
}

/** The model output of row i as `evaluate` wants it: [P(classes[1])], [p per class] or [value]. */
function outputOf(
  task: VersionQuality['task'],
  classes: readonly string[],
  read: (name: string, i: number) => Scalar,
  i: number,
): number[] | null {
  const score = read('score', i);
  if (task !== 'multiclass') return typeof score === 'number' ? [score] : null;
  const probs = classes.map((c) => read(`proba.${c}`, i));
  return probs.every((p) => typeof p === 'number') ? (probs as number[]) : null;
}

function labelIndex(
  task: VersionQuality['task'],
  classes: readonly string[],
  label: Scalar,
  labelNumber: Scalar,
): number | null {
  if (task === 'regression') {
    const n = typeof labelNumber === 'number' ? labelNumber : Number(label);
    return Number.isFinite(n) && String(label).trim() !== '' ? n : null;
  }
  const k = classes.indexOf(String(label));
  return k < 0 ? null : k;
}

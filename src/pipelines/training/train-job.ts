import { type Clock, type Frame, KeelError, type Logger } from '../../core/index.js';
import { fingerprint, readFrame } from '../../data/index.js';
import {
  defaultFeatureNames,
  evaluate,
  type Model,
  type Predictions,
  predictFrame,
  prepareLabels,
  type RoundReport,
  type Task,
} from '../../learn/index.js';
import { buildReferenceSnapshot, REFERENCE_SNAPSHOT_TAG } from '../../monitor/index.js';
import type { Registry } from '../../registry/index.js';
import { nativeSignature } from '../../serve/index.js';
import type { ModelVersion } from '../../storage/index.js';
import type { ActiveRun, Tracking } from '../../track/index.js';
import { learnerFor } from './learners.js';
import { planSplit, type SplitPlan } from './split-plan.js';

/** What a training job reads, trains and records. */
export interface TrainJobOptions {
  /** A data file / table URL, or a frame already in memory. */
  readonly data: string | Frame;
  readonly target: string;
  /** `gbdt` (default) or `linear`. */
  readonly learner?: string;
  /** Learner parameters (validated by the learner; unknown keys are refused). */
  readonly params?: Readonly<Record<string, unknown>>;
  /** How to hold rows out (default random). Ignored for the test part when `test` is given. */
  readonly split?: SplitPlan;
  /** Held-out file or frame evaluated instead of a test split. */
  readonly test?: string | Frame;
  /** Share of rows for validation (early stopping, per-round metrics). Default 0.1. */
  readonly validationFraction?: number;
  /** Share of rows for test when no `test` is given. Default 0.2. */
  readonly testFraction?: number;
  /** Feature columns (default: every column but the target, text and timestamp columns). */
  readonly features?: readonly string[];
  /** Columns never used as features. */
  readonly exclude?: readonly string[];
  readonly task?: Task;
  /** Experiment name (default `Default`). */
  readonly experiment?: string;
  readonly runName?: string;
  /** Parent run (tuning trials, pipeline steps). */
  readonly parentRunId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Register the model under this name. */
  readonly register?: string;
  /** Aliases pointed at the registered version. */
  readonly aliases?: readonly string[];
  /** Feature service the training set came from (lineage). */
  readonly featureService?: string;
  /** Seed for splits (learners take their own `seed` param). Default 0. */
  readonly seed?: number;
  /** Called after every round with the round's metrics. Return false to stop (pruning). */
  readonly onRound?: (report: RoundReport) => boolean | undefined;
  /** Called when a phase starts, for progress displays. */
  readonly onPhase?: (phase: TrainPhase, detail: string) => void;
  readonly signal?: AbortSignal;
}

/** Phases of a training job, reported through `onPhase`. */
export type TrainPhase = 'read' | 'split' | 'train' | 'evaluate' | 'log' | 'register';

/** What a training job produced. Metric keys are documented in docs/training.md. */
export interface TrainJobResult {
  readonly runId: string;
  readonly experimentId: string;
  readonly learner: string;
  readonly task: Task;
  readonly target: string;
  readonly features: readonly string[];
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
  /** `validation` and `test` metric sets (keys: auc, logloss, accuracy... or rmse, mae, r2...). */
  readonly metrics: {
    readonly validation: Readonly<Record<string, number>>;
    readonly test: Readonly<Record<string, number>>;
  };
  /** Rounds (or optimiser iterations) reported while training. */
  readonly rounds: number;
  readonly datasetFingerprint: string;
  /** Digest of the drift reference snapshot of the training data (in the artifact store; tagged on the version). */
  readonly referenceSnapshotDigest: string;
  readonly version: ModelVersion | null;
  readonly model: Model;
  readonly durationMs: number;
}

/** Services a training job records into. */
export interface TrainJobDeps {
  readonly tracking: Tracking;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly log: Logger;
  /** Base folder for relative data paths. */
  readonly cwd: string;
}

/**
 * Trains and records a model: read → hold out → train (per-round metrics logged as
 * `validation.<metric>` at step = round) → evaluate on validation and test → log params, metrics,
 * feature importance, the reference snapshot and the model as a tracked run → optionally register a
 * version with its signature and lineage. A failure marks the run FAILED and rethrows.
 */
export async function runTrainJob(deps: TrainJobDeps, options: TrainJobOptions): Promise<TrainJobResult> {
  const started = deps.clock.now();
  const learnerName = options.learner ?? 'gbdt';
  const learner = learnerFor(learnerName);
  const phase = options.onPhase ?? (() => {});

  phase('read', typeof options.data === 'string' ? options.data : 'frame');
  const frame = await load(options.data, deps.cwd);
  const labels = prepareLabels(frame, options.target, options.task);
  const task = labels.task;
  const resolvedParams = learner.resolve(options.params ?? {}, task);
  const features = chooseFeatures(frame, options);
  const testFrame = options.test === undefined ? null : await load(options.test, deps.cwd);

  phase('split', options.split?.method ?? 'random');
  const parts = splitParts(frame, testFrame, options);

  const run = await deps.tracking.startRun({
    ...(options.experiment === undefined ? {} : { experiment: options.experiment }),
    ...(options.runName === undefined ? {} : { name: options.runName }),
    ...(options.parentRunId === undefined ? {} : { parent: options.parentRunId }),
    tags: { 'keel.learner': learnerName, ...(options.tags ?? {}) },
  });
  try {
    const datasetFingerprint = fingerprint(frame);
    await logInputs(run, options, frame, testFrame, datasetFingerprint);
    await run.logParams({
      learner: learnerName,
      target: options.target,
      task,
      features: features.join(','),
      split: describeSplit(options),
      'rows.train': parts.train.rowCount,
      'rows.validation': parts.validation.rowCount,
      'rows.test': parts.test.rowCount,
      ...stringParams(resolvedParams),
    });

    phase('train', `${parts.train.rowCount} rows`);
    let rounds = 0;
    const model = await learner.train(parts.train, options.params ?? {}, {
      target: options.target,
      features,
      task,
      ...(parts.validation.rowCount > 0 ? { validation: parts.validation } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onRound: (report) => {
        rounds = report.round;
        void run
          .logMetrics(report.metrics, report.round)
          .catch((e) => deps.log.warn({ err: e }, 'metric log failed'));
        return options.onRound?.(report);
      },
    });

    phase('evaluate', 'validation and test');
    const validation = parts.validation.rowCount > 0 ? score(model, parts.validation, options.target) : {};
    const test = parts.test.rowCount > 0 ? score(model, parts.test, options.target) : {};

    phase('log', 'metrics and artifacts');
    // Final metrics are logged at the last round so they become the "latest" value of each key.
    await run.logMetrics(prefixed('validation', validation), rounds);
    await run.logMetrics(prefixed('test', test), rounds);
    const bytes = model.serialize();
    await run.logArtifact('model/model.keel', bytes);
    await run.logArtifact('feature_importance.json', json(model.featureImportance()));
    const snapshot = buildReferenceSnapshot(parts.train, { columns: [...features, options.target] });
    const snapshotArtifact = await run.logArtifact('reference_snapshot.json', json(snapshot));
    const signature = nativeSignature(model);
    await run.logArtifact('signature.json', json(signature));

    let version: ModelVersion | null = null;
    if (options.register) {
      phase('register', options.register);
      version = await deps.registry.register({
        model: options.register,
        artifactPath: 'model/model.keel',
        runId: run.id,
        flavor: learner.flavor,
        signature,
        metrics: { ...prefixed('validation', validation), ...prefixed('test', test) },
        lineage: {
          datasetFingerprints: [datasetFingerprint],
          ...(options.featureService ? { featureService: options.featureService } : {}),
        },
        // The drift reference: `keel monitor drift --model` and the learning loop compare traffic with it.
        tags: { [REFERENCE_SNAPSHOT_TAG]: snapshotArtifact.digest },
        ...(options.aliases ? { aliases: options.aliases, reason: `trained by run ${run.id}` } : {}),
      });
      await run.setTag('keel.registered', `${version.model}/${version.version}`);
    }
    await run.end('FINISHED');
    const info = await run.info();
    return {
      runId: run.id,
      experimentId: info.experimentId,
      learner: learnerName,
      task,
      target: options.target,
      features,
      rows: { train: parts.train.rowCount, validation: parts.validation.rowCount, test: parts.test.rowCount },
      metrics: { validation, test },
      rounds,
      datasetFingerprint,
      referenceSnapshotDigest: snapshotArtifact.digest,
      version,
      model,
      durationMs: deps.clock.now() - started,
    };
  } catch (error) {
    await run
      .end(error instanceof KeelError && error.code === 'KEEL_CANCELLED' ? 'KILLED' : 'FAILED')
      .catch(() => {});
    throw error;
  }
}

async function load(data: string | Frame, cwd: string): Promise<Frame> {
  return typeof data === 'string' ? readFrame(data, { cwd }) : data;
}

function chooseFeatures(frame: Frame, options: TrainJobOptions): string[] {
  if (options.features && options.features.length > 0) {
    for (const f of options.features) frame.column(f);
    if (options.features.includes(options.target)) {
      throw new KeelError(
        'KEEL_LEARN_BAD_FEATURES',
        `The target "${options.target}" cannot also be a feature.`,
        {
          details: { column: options.target },
        },
      );
    }
    return [...options.features];
  }
  const timestamps = frame.columns.filter((c) => c.type === 'timestamp').map((c) => c.name);
  const names = defaultFeatureNames(frame, options.target, [...(options.exclude ?? []), ...timestamps]);
  if (names.length === 0) {
    throw new KeelError(
      'KEEL_LEARN_BAD_FEATURES',
      `No feature columns left besides the target "${options.target}".`,
      {
        details: { columns: frame.names },
      },
    );
  }
  return names;
}

function splitParts(
  frame: Frame,
  testFrame: Frame | null,
  options: TrainJobOptions,
): { train: Frame; validation: Frame; test: Frame } {
  const validation = options.validationFraction ?? 0.1;
  const test = testFrame ? 0 : (options.testFraction ?? 0.2);
  const split = planSplit(
    frame,
    options.split ?? { method: 'random' },
    options.target,
    { validation, test },
    options.seed ?? 0,
  );
  if (split.train.length === 0) {
    throw new KeelError(
      'KEEL_DATA_EMPTY',
      `No rows left to train on after holding out ${validation + test} of ${frame.rowCount}.`,
    );
  }
  return {
    train: frame.take(split.train),
    validation: frame.take(split.validation),
    test: testFrame ?? frame.take(split.test),
  };
}

/** Scores a model on a frame with the standard metric set of its task. */
export function score(model: Model, frame: Frame, target: string): Record<string, number> {
  const preds: Predictions = predictFrame(model, frame);
  const y =
    model.task === 'regression'
      ? prepareLabels(frame, target, 'regression').y
      : classIndices(model, frame, target);
  return evaluate(model.task, y, preds.outputs, model.classes);
}

function classIndices(model: Model, frame: Frame, target: string): Float64Array {
  const classes = model.classes!;
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = prepareLabels(frame, target, model.task);
  // The held-out part may lack a class or order classes differently: map by label text.
  const y = new Float64Array(frame.rowCount);
  for (let i = 0; i < y.length; i++) {
    const text = labels.classes![labels.y[i]!]!;
    const k = index.get(text);
    if (k === undefined) {
      throw new KeelError(
        'KEEL_LEARN_BAD_LABELS',
        `Held-out row ${i} has class "${text}" unseen in training.`,
        {
          details: { row: i, label: text, classes },
        },
      );
    }
    y[i] = k;
  }
  return y;
}

function prefixed(prefix: string, metrics: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(metrics)) if (Number.isFinite(v)) out[`${prefix}.${k}`] = v;
  return out;
}

function stringParams(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

function describeSplit(options: TrainJobOptions): string {
  const plan = options.split ?? { method: 'random' };
  const base = plan.method === 'time' ? `time:${plan.column}` : plan.method;
  return options.test === undefined ? base : `${base}+test-file`;
}

async function logInputs(
  run: ActiveRun,
  options: TrainJobOptions,
  frame: Frame,
  testFrame: Frame | null,
  datasetFingerprint: string,
): Promise<void> {
  await run.logInput({
    fingerprint: datasetFingerprint,
    name: typeof options.data === 'string' ? options.data : 'frame',
    source: typeof options.data === 'string' ? options.data : null,
    context: 'training',
    rowCount: frame.rowCount,
  });
  if (testFrame) {
    await run.logInput({
      fingerprint: fingerprint(testFrame),
      name: typeof options.test === 'string' ? options.test : 'test frame',
      source: typeof options.test === 'string' ? options.test : null,
      context: 'test',
      rowCount: testFrame.rowCount,
    });
  }
}

function json(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value, null, 2));
}

import { type Frame, isMissingAt, KeelError, valueAt } from '../../core/index.js';
import { fingerprint, readFrame, SeededRandom } from '../../data/index.js';
import type { FeatureStore } from '../../features/index.js';
import type { LearningPolicy } from './resolved-policy.js';

/** What reading the training set needs. */
export interface TrainingDataDeps {
  /** Base folder of relative paths (the project root). */
  readonly root: string;
  /** For `featureService` data. */
  readonly features?: FeatureStore;
}

/** The training set built up to now, split into what is trained on and the frozen evaluation set. */
export interface TrainingData {
  readonly train: Frame;
  readonly evaluation: Frame;
  /** sha256 of the evaluation frame: champion and challenger are scored on exactly these rows. */
  readonly evaluationFingerprint: string;
  readonly trainFingerprint: string;
  /** The time column the holdout was cut on, or null (random holdout / evaluation file). */
  readonly timeColumn: string | null;
  /** Range of the time column over the evaluation rows (epoch ms), when there is one. */
  readonly evaluationRange: { readonly fromMs: number; readonly toMs: number } | null;
  /** Rows read (with a label) before the split. */
  readonly rows: number;
}

/** Epoch ms of row i of a time column (timestamps, numbers or ISO text); NaN when missing or unreadable. */
export function timeAt(frame: Frame, column: string, i: number): number {
  const c = frame.column(column);
  if (isMissingAt(c, i)) return Number.NaN;
  const v = valueAt(c, i);
  return typeof v === 'number' ? v : Date.parse(String(v));
}

function rowsWhere(frame: Frame, keep: (i: number) => boolean): Frame {
  const idx: number[] = [];
  for (let i = 0; i < frame.rowCount; i++) if (keep(i)) idx.push(i);
  return idx.length === frame.rowCount ? frame : frame.take(idx);
}

/** Keeps rows stamped at or before `now` (and after `now − windowMs`), and rows with a label. */
function upToNow(
  frame: Frame,
  target: string,
  timeColumn: string | null,
  now: number,
  windowMs: number | null,
): Frame {
  if (!frame.has(target)) {
    throw new KeelError(
      'KEEL_FRAME_COLUMN_NOT_FOUND',
      `The training data has no target column "${target}". Columns: ${frame.names.join(', ')}.`,
      { details: { column: target } },
    );
  }
  const from = windowMs === null ? Number.NEGATIVE_INFINITY : now - windowMs;
  const labelled = (i: number) => !isMissingAt(frame.column(target), i);
  if (!timeColumn) return rowsWhere(frame, labelled);
  frame.column(timeColumn);
  return rowsWhere(frame, (i) => {
    const t = timeAt(frame, timeColumn, i);
    return labelled(i) && t <= now && t > from;
  });
}

/**
 * Reads the training set as of `now`: a file or table (rows stamped after now are not yet
 * known, rows without a label are left out), a feature service's point-in-time join over the entity
 * rows up to now, or a code loader (TypeScript policies).
 */
export async function loadTrainingFrame(
  policy: LearningPolicy,
  deps: TrainingDataDeps,
  now: number,
): Promise<{ frame: Frame; timeColumn: string | null }> {
  const data = policy.data;
  switch (data.kind) {
    case 'file': {
      const frame = await readFrame(data.file, { cwd: deps.root });
      return {
        frame: upToNow(frame, policy.target, data.timeColumn, now, data.windowMs),
        timeColumn: data.timeColumn,
      };
    }
    case 'featureService': {
      if (!deps.features) {
        throw new KeelError(
          'KEEL_POLICY_INVALID',
          `Deployment "${policy.deployment}": data.featureService needs the feature store, which this controller was started without.`,
          { details: { deployment: policy.deployment } },
        );
      }
      const entities = upToNow(
        await readFrame(data.entities, { cwd: deps.root }),
        policy.target,
        data.timestampColumn,
        now,
        data.windowMs,
      );
      const set = await deps.features.getHistoricalFeatures(
        entities,
        { featureService: data.service },
        {
          timestampColumn: data.timestampColumn,
        },
      );
      return { frame: set.frame, timeColumn: data.timestampColumn };
    }
    case 'code': {
      if (!data.load) {
        throw new KeelError(
          'KEEL_POLICY_INVALID',
          `Deployment "${policy.deployment}": its training data is loaded by code defined in the process that applied the policy; start the controller there (startLearningController({ policies: [...] })).`,
          { details: { deployment: policy.deployment } },
        );
      }
      const frame = await data.load({ now });
      return {
        frame: upToNow(frame, policy.target, data.timeColumn, now, null),
        timeColumn: data.timeColumn,
      };
    }
  }
}

/**
 * Splits the training set into training rows and the frozen evaluation set: the evaluation file
 * when the policy names one, else the latest `holdout` share of rows by the time column (a seeded
 * random share without one). Fails with `KEEL_DATA_EMPTY` when either side is empty.
 */
export async function prepareTrainingData(
  policy: LearningPolicy,
  deps: TrainingDataDeps,
  now: number,
): Promise<TrainingData> {
  const { frame, timeColumn } = await loadTrainingFrame(policy, deps, now);
  let train: Frame;
  let evaluation: Frame;
  let cut: string | null = null;
  if (policy.evaluation.file) {
    train = frame;
    evaluation = upToNow(
      await readFrame(policy.evaluation.file, { cwd: deps.root }),
      policy.target,
      null,
      now,
      null,
    );
  } else {
    const n = frame.rowCount;
    const held = Math.round(n * policy.evaluation.holdout);
    let order: number[];
    if (timeColumn) {
      cut = timeColumn;
      const t = Array.from({ length: n }, (_, i) => timeAt(frame, timeColumn, i));
      order = Array.from({ length: n }, (_, i) => i).sort((a, b) => t[a]! - t[b]! || a - b);
    } else {
      const rng = new SeededRandom(0);
      order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    train = frame.take(order.slice(0, n - held).sort((a, b) => a - b));
    evaluation = frame.take(order.slice(n - held).sort((a, b) => a - b));
  }
  if (train.rowCount === 0 || evaluation.rowCount === 0) {
    throw new KeelError(
      'KEEL_DATA_EMPTY',
      `Deployment "${policy.deployment}": the training set up to now has ${train.rowCount} training and ${evaluation.rowCount} evaluation rows; both must be non-empty.`,
      { details: { deployment: policy.deployment, train: train.rowCount, evaluation: evaluation.rowCount } },
    );
  }
  return {
    train,
    evaluation,
    evaluationFingerprint: fingerprint(evaluation),
    trainFingerprint: fingerprint(train),
    timeColumn: cut,
    evaluationRange: cut ? range(evaluation, cut) : null,
    rows: frame.rowCount,
  };
}

function range(frame: Frame, column: string): { fromMs: number; toMs: number } {
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < frame.rowCount; i++) {
    const t = timeAt(frame, column, i);
    if (t < fromMs) fromMs = t;
    if (t > toMs) toMs = t;
  }
  return { fromMs, toMs };
}

import { type Frame, KeelError } from '../../../core/index.js';
import { fingerprint, readFrame } from '../../../data/index.js';
import { defaultFeatureNames, prepareLabels } from '../../../learn/index.js';
import { planSplit, type SplitPlan } from '../../training/index.js';
import type { TrialData } from './trial-runner.js';

/** Where a study's rows come from and how they are held out (stored with the study for resume). */
export interface TuneDataSpec {
  readonly target: string;
  readonly learner: string;
  readonly split: SplitPlan;
  /** True when a separate test file is evaluated instead of a test split. */
  readonly hasTestFile: boolean;
  readonly validationFraction: number;
  readonly testFraction: number;
  readonly features: readonly string[] | null;
  readonly exclude: readonly string[];
  readonly seed: number;
}

/** The study's data: the trials' train/validation rows plus what the final model and tracking need. */
export interface TuneData extends TrialData {
  readonly frame: Frame;
  readonly fingerprint: string;
  readonly rows: { readonly train: number; readonly validation: number; readonly test: number };
}

/**
 * Reads the data (or takes the frame), infers the task, chooses features as `keel train` does and
 * splits rows exactly as the final training job will (same plan, fractions and seed), so the
 * trials' validation rows are the final model's validation rows and its test rows stay unseen.
 */
export async function prepareTuneData(
  data: string | Frame,
  spec: TuneDataSpec,
  cwd: string,
): Promise<TuneData> {
  if (!(spec.validationFraction > 0 && spec.validationFraction < 1)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Tuning needs validation rows: the validation fraction must be in (0, 1), not ${spec.validationFraction}.`,
      { details: { validationFraction: spec.validationFraction } },
    );
  }
  const frame = typeof data === 'string' ? await readFrame(data, { cwd }) : data;
  const task = prepareLabels(frame, spec.target).task;
  const features = chooseFeatures(frame, spec);
  const test = spec.hasTestFile ? 0 : spec.testFraction;
  const split = planSplit(
    frame,
    spec.split,
    spec.target,
    { validation: spec.validationFraction, test },
    spec.seed,
  );
  if (split.train.length === 0 || split.validation.length === 0) {
    throw new KeelError(
      'KEEL_DATA_EMPTY',
      `Splitting ${frame.rowCount} rows left ${split.train.length} to train and ${split.validation.length} to validate on; tuning needs both.`,
      { details: { rows: frame.rowCount } },
    );
  }
  return {
    learner: spec.learner,
    target: spec.target,
    features,
    task,
    frame,
    train: frame.take(split.train),
    validation: frame.take(split.validation),
    fingerprint: fingerprint(frame),
    rows: { train: split.train.length, validation: split.validation.length, test: split.test.length },
  };
}

function chooseFeatures(frame: Frame, spec: TuneDataSpec): string[] {
  if (spec.features && spec.features.length > 0) {
    for (const f of spec.features) frame.column(f);
    if (spec.features.includes(spec.target)) {
      throw new KeelError(
        'KEEL_LEARN_BAD_FEATURES',
        `The target "${spec.target}" cannot also be a feature.`,
        {
          details: { column: spec.target },
        },
      );
    }
    return [...spec.features];
  }
  const timestamps = frame.columns.filter((c) => c.type === 'timestamp').map((c) => c.name);
  const names = defaultFeatureNames(frame, spec.target, [...spec.exclude, ...timestamps]);
  if (names.length === 0) {
    throw new KeelError(
      'KEEL_LEARN_BAD_FEATURES',
      `No feature columns left besides the target "${spec.target}".`,
      {
        details: { columns: frame.names },
      },
    );
  }
  return names;
}

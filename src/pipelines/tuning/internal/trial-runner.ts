import { type Frame, KeelError } from '../../../core/index.js';
import { evaluate, type Model, predictFrame, prepareLabels, type Task } from '../../../learn/index.js';
// Deep import on purpose: the learner table only, not the training job (which pulls in stores and
// DuckDB), so trial workers stay light.
import { learnerFor } from '../../training/learners.js';

/** The data every trial trains on: the study's train and validation rows and column choices. */
export interface TrialData {
  readonly learner: string;
  readonly target: string;
  readonly features: readonly string[];
  readonly task: Task;
  readonly train: Frame;
  readonly validation: Frame;
}

/** One trial to train: its number and the complete learner params (fixed + sampled). */
export interface TrialRequest {
  readonly number: number;
  readonly params: Readonly<Record<string, unknown>>;
  /** The executor must wait for `onRound`'s answer each round (pruning is on). */
  readonly decide: boolean;
}

/** How a trial's training ended. */
export interface TrialOutcome {
  /** Rounds trained (the round it stopped at when `stopped`). */
  readonly rounds: number;
  /** True when `onRound` returned false (pruned); no metrics are computed then. */
  readonly stopped: boolean;
  /** The validation metric set of the trained model (empty when stopped). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Called after every round with its metrics; false stops training. */
export type RoundHook = (round: number, metrics: Readonly<Record<string, number>>) => boolean;

/** Trains one trial and scores it on the validation rows (the objective of the study). */
export async function trainTrial(
  data: TrialData,
  request: TrialRequest,
  onRound: RoundHook,
  signal?: AbortSignal,
): Promise<TrialOutcome> {
  let rounds = 0;
  let stopped = false;
  const model = await learnerFor(data.learner).train(data.train, request.params, {
    target: data.target,
    features: data.features,
    task: data.task,
    validation: data.validation,
    ...(signal ? { signal } : {}),
    onRound: (report) => {
      rounds = report.round;
      if (onRound(report.round, report.metrics)) return true;
      stopped = true;
      return false;
    },
  });
  if (stopped) return { rounds, stopped, metrics: {} };
  return { rounds, stopped, metrics: scoreModel(model, data.validation, data.target) };
}

/** The task's standard metric set of `model` on `frame` (labels mapped by text, as the training job does). */
function scoreModel(model: Model, frame: Frame, target: string): Record<string, number> {
  const outputs = predictFrame(model, frame).outputs;
  if (model.task === 'regression') {
    return evaluate('regression', prepareLabels(frame, target, 'regression').y, outputs, null);
  }
  const classes = model.classes!;
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = prepareLabels(frame, target, model.task);
  const y = new Float64Array(frame.rowCount);
  for (let i = 0; i < y.length; i++) {
    const text = labels.classes![labels.y[i]!]!;
    const k = index.get(text);
    if (k === undefined) {
      throw new KeelError(
        'KEEL_LEARN_BAD_LABELS',
        `Validation row ${i} has class "${text}" unseen in training.`,
        {
          details: { row: i, label: text, classes },
        },
      );
    }
    y[i] = k;
  }
  return evaluate(model.task, y, outputs, classes);
}

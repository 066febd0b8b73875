import { type Frame, KeelError } from '../core/index.js';
import type { PreparedLabels } from './labels.js';
import type { TrainOptions } from './model.js';

/** How a learner weighs classes: `balanced` (inverse frequency) or a weight per class label. */
export type ClassWeights = 'balanced' | Readonly<Record<string, number>> | null;

/** Reads and checks a weight column (finite, >= 0); null when there is none. */
export function weightColumn(frame: Frame, name: string | undefined): Float64Array | null {
  if (!name) return null;
  const values = frame.numberColumn(name).values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || !Number.isFinite(v)) {
      throw new KeelError(
        'KEEL_LEARN_BAD_LABELS',
        `Weight column "${name}" has ${v} at row ${i}; weights must be finite and >= 0.`,
        { details: { column: name, row: i } },
      );
    }
  }
  return values;
}

/**
 * Row weights: the weight column times the class weights; refuses an all-zero total. `learner`
 * names the learner in errors about its `classWeights` parameter (`GBDT`, `Linear`).
 */
export function rowWeights(
  frame: Frame,
  options: TrainOptions,
  labels: PreparedLabels,
  classWeights: ClassWeights,
  learner: string,
): Float64Array {
  const n = frame.rowCount;
  const w = Float64Array.from(weightColumn(frame, options.weightColumn) ?? new Float64Array(n).fill(1));
  const cw = classWeights;
  if (cw && labels.classes) {
    const classes = labels.classes;
    const perClass = new Float64Array(classes.length).fill(1);
    if (cw === 'balanced') {
      const counts = new Float64Array(classes.length);
      for (let i = 0; i < n; i++) counts[labels.y[i]!]! += 1;
      for (let k = 0; k < classes.length; k++) perClass[k] = n / (classes.length * counts[k]!);
    } else {
      for (const [label, weight] of Object.entries(cw)) {
        const k = classes.indexOf(label);
        if (k < 0) {
          throw new KeelError(
            'KEEL_LEARN_INVALID_PARAM',
            `${learner} parameter "classWeights" names class "${label}", which is not in the target (classes: ${classes.join(', ')}).`,
            { details: { param: 'classWeights', label } },
          );
        }
        perClass[k] = weight;
      }
    }
    for (let i = 0; i < n; i++) w[i] = w[i]! * perClass[labels.y[i]!]!;
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i]!;
  if (!(total > 0)) {
    throw new KeelError('KEEL_LEARN_BAD_LABELS', 'All row weights are zero; nothing to learn from.', {
      details: {},
    });
  }
  return w;
}

import type { Frame } from '../core/index.js';
import { encodeFrame } from './encoding.js';
import type { Model, Task } from './model.js';

/** Predictions for a batch of rows. */
export interface Predictions {
  readonly task: Task;
  readonly rowCount: number;
  /** n × outputWidth, row-major: values (regression), P(classes[1]) (binary), class probabilities (multiclass). */
  readonly outputs: Float64Array;
  readonly outputWidth: number;
  /** Predicted label per row for classifiers (argmax, binary threshold 0.5), null for regression. */
  readonly labels: readonly string[] | null;
  readonly classes: readonly string[] | null;
}

/** Predicts every row of a frame with raw columns (categoricals as strings). */
export function predictFrame(model: Model, frame: Frame): Predictions {
  const n = frame.rowCount;
  const x = encodeFrame(frame, model.features);
  const outputs = new Float64Array(n * model.outputWidth);
  model.predictEncoded(x, n, outputs);
  return {
    task: model.task,
    rowCount: n,
    outputs,
    outputWidth: model.outputWidth,
    labels: labelsOf(model, outputs, n),
    classes: model.classes,
  };
}

/** The predicted label per row for a classifier's outputs (argmax; binary: P >= 0.5), null for regression. */
export function labelsOf(
  model: Pick<Model, 'task' | 'classes' | 'outputWidth'>,
  outputs: Float64Array,
  n: number,
): string[] | null {
  const classes = model.classes;
  if (model.task === 'regression' || !classes) return null;
  const labels = new Array<string>(n);
  if (model.task === 'binary') {
    for (let i = 0; i < n; i++) labels[i] = classes[outputs[i]! >= 0.5 ? 1 : 0]!;
    return labels;
  }
  const k = model.outputWidth;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (outputs[i * k + c]! > outputs[i * k + best]!) best = c;
    labels[i] = classes[best]!;
  }
  return labels;
}

import {
  type Column,
  categoricalColumn,
  type Frame,
  KeelError,
  numberColumn,
  valueAt,
} from '../../core/index.js';
import type { Predictor } from '../predictor.js';
import { allocTensorData, rowWidth, type Tensor, type TensorBatch, type TensorData } from '../tensor.js';

function usage(message: string, details: Record<string, unknown> = {}): KeelError {
  return new KeelError('KEEL_SERVE_BAD_INPUT', message, { details });
}

/** One input tensor from a frame column (numbers as the input's datatype, NaN = missing for floats). */
function columnTensor(frame: Frame, input: Predictor['info']['inputs'][number], rows: number): Tensor {
  const c = frame.column(input.name);
  const data: TensorData = allocTensorData(input.datatype, rows);
  if (input.datatype === 'BYTES') {
    const out = data as string[];
    for (let i = 0; i < rows; i++) {
      const v = valueAt(c, i);
      if (v === null)
        throw usage(
          `Row ${i + 1}: column "${input.name}" is missing; this model has no missing-value support.`,
          { row: i + 1, column: input.name },
        );
      out[i] = String(v);
    }
  } else {
    if (c.type !== 'numeric' && c.type !== 'integer' && c.type !== 'boolean' && c.type !== 'timestamp') {
      throw usage(
        `Column "${input.name}" is ${c.type}, but model input "${input.name}" is ${input.datatype}.`,
        { column: input.name },
      );
    }
    const out = data as Float64Array;
    const isBig = data instanceof BigInt64Array || data instanceof BigUint64Array;
    for (let i = 0; i < rows; i++) {
      const v = c.values[i]!;
      if (isBig) (data as BigInt64Array)[i] = BigInt(Math.trunc(Number.isNaN(v) ? 0 : v));
      else out[i] = v;
    }
  }
  return {
    name: input.name,
    datatype: input.datatype,
    shape: input.shape.length === 2 ? [rows, 1] : [rows],
    data,
  };
}

/** One [rows, k] matrix input from the frame's numeric columns, in file order. */
function matrixTensor(frame: Frame, input: Predictor['info']['inputs'][number], rows: number): Tensor {
  const k = input.shape[1]!;
  const numeric = frame.columns.filter((c) => c.type !== 'categorical' && c.type !== 'text');
  if (numeric.length !== k) {
    throw usage(
      `Model input "${input.name}" takes ${k} numbers a row; the file has ${numeric.length} numeric columns (${numeric
        .slice(0, 8)
        .map((c) => c.name)
        .join(', ')}). Give a file with exactly ${k} numeric columns, in the model's order.`,
      { input: input.name },
    );
  }
  const data = allocTensorData(input.datatype, rows * k) as Float64Array;
  numeric.forEach((c, j) => {
    const v = (c as { values: Float64Array }).values;
    for (let i = 0; i < rows; i++) data[i * k + j] = v[i]!;
  });
  return { name: input.name, datatype: input.datatype, shape: [rows, k], data };
}

/**
 * The model input batch for a frame: the runtime's own frame encoder when it has one (native
 * models), else one tensor per input from the column of the same name, or, for a model with a
 * single `[rows, k]` input, the frame's k numeric columns in order.
 */
export function frameInput(predictor: Predictor, frame: Frame): TensorBatch {
  if (predictor.encodeFrame) return predictor.encodeFrame(frame);
  const rows = frame.rowCount;
  const inputs = predictor.info.inputs;
  const only = inputs.length === 1 ? inputs[0]! : undefined;
  if (only && !frame.has(only.name) && only.shape.length === 2 && only.shape[1]! > 0) {
    return predictor.encodeTensors([matrixTensor(frame, only, rows)], undefined);
  }
  const missing = inputs.filter((t) => !frame.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw usage(`The input file lacks the model's input column(s): ${missing.slice(0, 10).join(', ')}.`, {
      columns: missing,
    });
  }
  return predictor.encodeTensors(
    inputs.map((t) => columnTensor(frame, t, rows)),
    'pd',
  );
}

function numbersOf(t: Tensor): Float64Array {
  if (t.data instanceof Float64Array) return t.data;
  if (Array.isArray(t.data)) return Float64Array.from(t.data, Number);
  return Float64Array.from(t.data as ArrayLike<number | bigint>, Number);
}

/**
 * Prediction columns from a runtime's output. Native models: `label` (classes as levels) and
 * `probability` (binary: P(classes[1])) or `probability_<class>` (multiclass), or `value`
 * (regression). Other runtimes: one column per output (`<name>_<j>` for each element of wider rows).
 */
export function outputColumns(predictor: Predictor, output: TensorBatch): Column[] {
  const rows = output.rows;
  const sig = predictor.info.signature;
  if (predictor.info.platform === 'keel_native') {
    const [first, second] = output.tensors;
    if (!sig.classes || !second) return [numberColumn('value', numbersOf(first!))];
    const classes = sig.classes;
    const label = categoricalColumn('label', first!.data as string[], classes);
    const probs = numbersOf(second);
    const k = classes.length;
    if (k === 2) {
      const p = new Float64Array(rows);
      for (let i = 0; i < rows; i++) p[i] = probs[2 * i + 1]!;
      return [label, numberColumn('probability', p)];
    }
    return [
      label,
      ...classes.map((c, j) => {
        const p = new Float64Array(rows);
        for (let i = 0; i < rows; i++) p[i] = probs[i * k + j]!;
        return numberColumn(`probability_${c}`, p);
      }),
    ];
  }
  const out: Column[] = [];
  for (const t of predictor.toOipOutputs(output)) {
    const w = rowWidth(t.shape);
    for (let j = 0; j < w; j++) {
      const name = w === 1 ? t.name : `${t.name}_${j}`;
      if (t.datatype === 'BYTES') {
        const d = t.data as string[];
        out.push(
          categoricalColumn(
            name,
            Array.from({ length: rows }, (_, i) => d[i * w + j] ?? null),
          ),
        );
        continue;
      }
      const all = numbersOf(t);
      const v = w === 1 ? all : Float64Array.from({ length: rows }, (_, i) => all[i * w + j]!);
      out.push(numberColumn(name, v));
    }
  }
  return out;
}

/** The frame with prediction columns appended (a name already in the frame gets a `pred_` prefix). */
export function withPredictions(frame: Frame, predictions: readonly Column[]): Frame {
  let out = frame;
  for (const c of predictions) {
    let name = c.name;
    while (out.has(name)) name = `pred_${name}`;
    out = out.withColumn(name === c.name ? c : { ...c, name });
  }
  return out;
}

import { type Frame, isKeelError, KeelError, ownKeysPrototype } from '../core/index.js';
import { encodeFrame, labelsOf, type Model, RecordEncoder } from '../learn/index.js';
import type { ModelSignature, SignatureField } from '../storage/index.js';
import { badInput } from './internal/bad-input.js';
import { encodeColumnsInto } from './internal/native-columns.js';
import type {
  InputRecord,
  Predictor,
  PredictorInfo,
  RecordCheckOptions,
  RowPrediction,
} from './predictor.js';
import type { Tensor, TensorBatch, TensorMetadata } from './tensor.js';

/** A multi-threaded batch predictor for one model (e.g. the GBDT learner's `GbdtBatchPredictor`). */
export interface ParallelPredictor {
  /** Same contract as `Model.predictEncoded`, on several threads. */
  predict(x: Float64Array, n: number, out: Float64Array): Promise<void>;
  /** Stops its threads. */
  close(): Promise<void>;
}

function runtimeError(error: unknown): KeelError {
  return new KeelError('KEEL_SERVE_RUNTIME_ERROR', `The model failed to predict: ${String(error)}`, {
    cause: error,
  });
}

/** The name of the encoded feature matrix inside a native model's input batch. */
const ENCODED = '__encoded';

/**
 * The serving signature of a native Keel model: one input per feature (categoricals as `BYTES`,
 * everything else as `FP64`, shape `[-1]`); classifiers output `label` (`BYTES [-1]`) and
 * `probabilities` (`FP64 [-1, k]`, k = number of classes, binary included); regressors output
 * `value` (`FP64 [-1]`).
 */
export function nativeSignature(model: Model): ModelSignature {
  const inputs: SignatureField[] = model.features.map((f) =>
    f.kind === 'categorical'
      ? {
          name: f.name,
          type: 'categorical',
          nullable: true,
          levels: f.levels ?? [],
          datatype: 'BYTES',
          shape: [-1],
        }
      : {
          name: f.name,
          type: f.type === 'categorical' ? 'numeric' : f.type,
          nullable: true,
          datatype: 'FP64',
          shape: [-1],
        },
  );
  const classes = model.classes;
  const outputs: SignatureField[] =
    model.task === 'regression' || !classes
      ? [{ name: 'value', type: 'numeric', datatype: 'FP64', shape: [-1] }]
      : [
          { name: 'label', type: 'categorical', levels: classes, datatype: 'BYTES', shape: [-1] },
          { name: 'probabilities', type: 'numeric', datatype: 'FP64', shape: [-1, classes.length] },
        ];
  return { kind: 'columns', inputs, outputs, ...(classes ? { classes } : {}), task: model.task };
}

const meta = (f: SignatureField): TensorMetadata => ({
  name: f.name,
  datatype: f.datatype === 'BYTES' ? 'BYTES' : 'FP64',
  shape: f.shape ?? [-1],
});

/**
 * Serves a native Keel model (`Model`): records go through `RecordEncoder`, OIP columns (`pd`) or one
 * numeric matrix (`np`) are encoded in feature order, and `predictEncoded` runs the whole batch
 * synchronously. One-row prediction takes microseconds, so batching is off by default.
 */
export class NativePredictor implements Predictor {
  readonly info: PredictorInfo;
  private readonly encoder: RecordEncoder;
  private readonly featureNames: ReadonlySet<string>;
  private readonly width: number;
  private readonly classes: readonly string[] | null;
  /** Prototype of each row's `probabilities` object: declares the classes as its keys (see `OWN_KEYS`). */
  private readonly probabilitiesProto: object | null;

  private parallel: Promise<ParallelPredictor> | null = null;

  constructor(
    private readonly model: Model,
    flavor: string,
    private readonly parallelFactory: ((model: Model) => Promise<ParallelPredictor>) | null = null,
  ) {
    const signature = nativeSignature(model);
    this.info = {
      flavor,
      platform: 'keel_native',
      signature,
      inputs: signature.inputs.map(meta),
      outputs: signature.outputs.map(meta),
      batchable: true,
      synchronous: true,
      batchingByDefault: false,
    };
    this.encoder = new RecordEncoder(model.features);
    this.featureNames = new Set(model.features.map((f) => f.name));
    this.width = model.features.length;
    this.classes = model.task === 'regression' ? null : model.classes;
    this.probabilitiesProto = this.classes ? ownKeysPrototype(this.classes) : null;
  }

  encodeRecords(records: readonly InputRecord[], options: RecordCheckOptions): TensorBatch {
    const n = records.length;
    const p = this.width;
    const x = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      const record = records[i];
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw badInput(`Record ${i} must be an object of field values.`, { row: i });
      }
      if (options.extraFields === 'reject') this.checkExtraFields(record, i, options.allowedFields);
      try {
        this.encoder.encodeInto(record, x, i * p);
      } catch (error) {
        if (!isKeelError(error, 'KEEL_SERVE_BAD_INPUT')) throw error;
        throw badInput(`Record ${i}: ${error.message}`, { row: i, ...error.details });
      }
    }
    return { rows: n, tensors: [{ name: ENCODED, datatype: 'FP64', shape: [n, p], data: x }] };
  }

  private checkExtraFields(record: object, row: number, allowed: ReadonlySet<string> | undefined): void {
    for (const key in record) {
      if (!this.featureNames.has(key) && !allowed?.has(key)) {
        const expected = [...this.featureNames].slice(0, 20).join(', ');
        throw badInput(
          `Record ${row}: field "${key}" is not an input of this model. Expected fields: ${expected}.`,
          { row, field: key },
        );
      }
    }
  }

  encodeTensors(inputs: readonly Tensor[], contentType: string | undefined): TensorBatch {
    const x = encodeColumnsInto(this.model.features, inputs, contentType);
    const n = x.length / Math.max(1, this.width);
    return { rows: n, tensors: [{ name: ENCODED, datatype: 'FP64', shape: [n, this.width], data: x }] };
  }

  encodeFrame(frame: Frame): TensorBatch {
    const n = frame.rowCount;
    let x: Float64Array;
    try {
      x = encodeFrame(frame, this.model.features);
    } catch (error) {
      if (!isKeelError(error)) throw error;
      throw badInput(error.message, error.details);
    }
    return { rows: n, tensors: [{ name: ENCODED, datatype: 'FP64', shape: [n, this.width], data: x }] };
  }

  run(input: TensorBatch): TensorBatch {
    const n = input.rows;
    const x = input.tensors[0]!.data as Float64Array;
    const raw = new Float64Array(n * this.model.outputWidth);
    try {
      this.model.predictEncoded(x, n, raw);
    } catch (error) {
      throw runtimeError(error);
    }
    return this.outputs(raw, n);
  }

  /**
   * For offline batches: the same answer as `run`, computed on several threads when the model's
   * learner offers a parallel predictor (started on first use, stopped by `release`).
   */
  async runBatch(input: TensorBatch): Promise<TensorBatch> {
    if (!this.parallelFactory) return this.run(input);
    this.parallel ??= this.parallelFactory(this.model);
    const n = input.rows;
    const raw = new Float64Array(n * this.model.outputWidth);
    try {
      await (await this.parallel).predict(input.tensors[0]!.data as Float64Array, n, raw);
    } catch (error) {
      throw runtimeError(error);
    }
    return this.outputs(raw, n);
  }

  private outputs(raw: Float64Array, n: number): TensorBatch {
    const classes = this.classes;
    if (!classes) return { rows: n, tensors: [{ name: 'value', datatype: 'FP64', shape: [n], data: raw }] };
    const labels = labelsOf(this.model, raw, n) ?? [];
    let probabilities = raw;
    if (this.model.task === 'binary') {
      probabilities = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        probabilities[2 * i] = 1 - raw[i]!;
        probabilities[2 * i + 1] = raw[i]!;
      }
    }
    return {
      rows: n,
      tensors: [
        { name: 'label', datatype: 'BYTES', shape: [n], data: labels },
        { name: 'probabilities', datatype: 'FP64', shape: [n, classes.length], data: probabilities },
      ],
    };
  }

  toOipOutputs(output: TensorBatch): readonly Tensor[] {
    return output.tensors;
  }

  formatRow(output: TensorBatch, row: number): RowPrediction {
    const classes = this.classes;
    if (!classes) return { value: (output.tensors[0]!.data as Float64Array)[row]! };
    const label = (output.tensors[0]!.data as string[])[row]!;
    const probs = output.tensors[1]!.data as Float64Array;
    const k = classes.length;
    const probabilities = Object.create(this.probabilitiesProto) as Record<string, number>;
    for (let c = 0; c < k; c++) probabilities[classes[c]!] = probs[row * k + c]!;
    return k === 2 ? { label, probability: probs[row * 2 + 1]!, probabilities } : { label, probabilities };
  }

  warmupInput(rows: number): TensorBatch {
    const x = new Float64Array(rows * this.width);
    return { rows, tensors: [{ name: ENCODED, datatype: 'FP64', shape: [rows, this.width], data: x }] };
  }

  async release(): Promise<void> {
    const parallel = this.parallel;
    this.parallel = null;
    if (parallel) await (await parallel).close();
  }
}

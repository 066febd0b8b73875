import type { Frame } from '../core/index.js';
import type { ModelSignature } from '../storage/index.js';
import type { Tensor, TensorBatch, TensorMetadata } from './tensor.js';

/** One input record of the records API: a plain object as parsed from JSON, one key per column. */
export type InputRecord = Readonly<Record<string, unknown>>;

/**
 * One row's prediction in the records API. Native classifiers: `{ label, probabilities: {class: p} }`
 * (binary adds `probability` = P(classes[1])); native regressors: `{ value }`; ONNX models: one key
 * per output (a scalar when the output has one element a row, an array otherwise).
 */
export type RowPrediction = Readonly<
  Record<
    string,
    | number
    | string
    | boolean
    | null
    | readonly (number | string | boolean)[]
    | Readonly<Record<string, number>>
  >
>;

/** How records are checked against the model's inputs. */
export interface RecordCheckOptions {
  /** `reject` (default): a field the model does not use is an error naming it; `ignore`: it is skipped. */
  readonly extraFields: 'reject' | 'ignore';
  /** Fields always allowed besides the model's inputs (the sticky key field, request ids...). */
  readonly allowedFields?: ReadonlySet<string>;
}

/** What the engine knows about a runtime once it is loaded. */
export interface PredictorInfo {
  /** Model format: `keel-gbdt`, `keel-linear`, `onnx`... */
  readonly flavor: string;
  /** Open Inference Protocol platform string: `keel_native`, `onnxruntime_onnx`. */
  readonly platform: string;
  /** The signature as served (inputs, outputs, classes, task). */
  readonly signature: ModelSignature;
  /** Inputs as OIP tensors (metadata endpoint). */
  readonly inputs: readonly TensorMetadata[];
  /** Outputs as OIP tensors (metadata endpoint). */
  readonly outputs: readonly TensorMetadata[];
  /** True when rows are independent and the first dimension is dynamic, so requests can be batched. */
  readonly batchable: boolean;
  /** True when `run` returns synchronously (native models): such runs never wait for a slot. */
  readonly synchronous: boolean;
  /** Whether dynamic batching pays for this runtime, used when the caller does not say (see docs/serving.md). */
  readonly batchingByDefault: boolean;
}

/**
 * The runtime behind a loaded model version. The engine validates and encodes requests with it,
 * runs batches through it, and formats its outputs; every runtime (native Keel models, ONNX)
 * implements it.
 */
export interface Predictor {
  readonly info: PredictorInfo;
  /**
   * Checks records against the model's inputs and encodes them into the runtime's input batch.
   * Missing, extra or mistyped fields and non-finite numbers fail with `KEEL_SERVE_BAD_INPUT`
   * naming the row and field; `null` means missing.
   */
  encodeRecords(records: readonly InputRecord[], options: RecordCheckOptions): TensorBatch;
  /**
   * Checks OIP input tensors (already decoded, element counts checked) against the model's inputs
   * and encodes them. Unknown, missing or mistyped inputs and bad shapes fail with `KEEL_SERVE_BAD_INPUT`.
   * `contentType` is the request's `content_type` parameter (`pd`: one input per column).
   */
  encodeTensors(inputs: readonly Tensor[], contentType: string | undefined): TensorBatch;
  /**
   * Optional fast path for batch jobs: encodes a whole frame (columns named like the model's
   * inputs, categoricals as levels) without building records. Runtimes without it are fed
   * column tensors through `encodeTensors`.
   */
  encodeFrame?(frame: Frame): TensorBatch;
  /** Runs a batch; returns outputs with the same number of rows. May return synchronously. */
  run(input: TensorBatch): TensorBatch | Promise<TensorBatch>;
  /**
   * Optional, for offline batch jobs: the same outputs as `run`, possibly computed on several
   * threads (resources held until `release`). Runtimes without it are run with `run`.
   */
  runBatch?(input: TensorBatch): Promise<TensorBatch>;
  /** Output tensors in OIP form (names and datatypes of `info.outputs`), for the infer API. */
  toOipOutputs(output: TensorBatch): readonly Tensor[];
  /** One row of `output` in the records API form. */
  formatRow(output: TensorBatch, row: number): RowPrediction;
  /** A synthetic input batch of `rows` rows built from the signature, for warm-up. */
  warmupInput(rows: number): TensorBatch;
  /** Frees the runtime (native sessions); called once, after the last request on it finished. */
  release(): Promise<void>;
}

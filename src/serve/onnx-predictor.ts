import { readFile } from 'node:fs/promises';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { KeelError } from '../core/index.js';
import type { ModelSignature } from '../storage/index.js';
import { checkModelTensors, encodeTensorRecords } from './internal/onnx-inputs.js';
import { readOnnxModelInfo } from './onnx-signature.js';
import type {
  InputRecord,
  Predictor,
  PredictorInfo,
  RecordCheckOptions,
  RowPrediction,
} from './predictor.js';
import {
  allocTensorData,
  type OipDatatype,
  rowWidth,
  type Tensor,
  type TensorBatch,
  type TensorData,
  type TensorMetadata,
} from './tensor.js';

/** Options for ONNX sessions. */
export interface OnnxPredictorOptions {
  /** Threads inside one operator. Default 1: serving runs many small requests; raise it for big batches. */
  readonly intraOpThreads?: number;
}

/** Where an ONNX model comes from: its bytes, a local file, or both (bytes win). */
export interface OnnxSource {
  readonly bytes?: Uint8Array;
  readonly path?: string;
}

const TO_ORT: Readonly<Partial<Record<OipDatatype, OrtTensor.Type>>> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

const FROM_ORT: Readonly<Record<string, OipDatatype>> = Object.fromEntries(
  Object.entries(TO_ORT).map(([oip, ort]) => [ort, oip as OipDatatype]),
);

type OrtModule = typeof import('onnxruntime-node');

function meta(signature: ModelSignature, side: 'inputs' | 'outputs'): TensorMetadata[] {
  return signature[side].map((f) => ({
    name: f.name,
    datatype: (f.datatype ?? 'FP32') as OipDatatype,
    shape: f.shape ?? [-1],
  }));
}

/**
 * Serves an ONNX model through onnxruntime-node (CPU). Inputs are checked against the graph's
 * declared tensors; only tensor outputs are fetched (ZipMap's maps are skipped). Batchable when every
 * input and output has a dynamic first dimension and fixed inner ones; batching is on by default
 * because a session call costs tens of microseconds whatever the row count.
 */
export class OnnxPredictor implements Predictor {
  readonly info: PredictorInfo;
  private readonly fetches: readonly string[];

  private constructor(
    private readonly ort: OrtModule,
    private readonly session: InferenceSession,
    signature: ModelSignature,
  ) {
    const inputs = meta(signature, 'inputs');
    const outputs = meta(signature, 'outputs');
    const dynamicRows = (m: TensorMetadata): boolean =>
      m.shape.length > 0 && m.shape[0] === -1 && m.shape.slice(1).every((d) => d >= 0);
    this.info = {
      flavor: 'onnx',
      platform: 'onnxruntime_onnx',
      signature,
      inputs,
      outputs,
      batchable: inputs.every(dynamicRows) && outputs.every((m) => m.shape.length > 0 && m.shape[0] === -1),
      synchronous: false,
      batchingByDefault: true,
    };
    this.fetches = outputs.map((o) => o.name);
  }

  /** Opens a session; `KEEL_SERVE_BAD_MODEL` when the bytes are not a model onnxruntime can run. */
  static async create(source: OnnxSource, options: OnnxPredictorOptions = {}): Promise<OnnxPredictor> {
    const bytes = source.bytes ?? (source.path ? await readFile(source.path) : undefined);
    if (!bytes) throw new KeelError('KEEL_INVALID_ARGUMENT', 'An ONNX model needs its bytes or a file path.');
    const info = readOnnxModelInfo(bytes);
    const ort = await import('onnxruntime-node');
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new KeelError('KEEL_SERVE_BAD_MODEL', `onnxruntime cannot load the model: ${String(error)}`, {
        cause: error,
      });
    }
    return new OnnxPredictor(ort, session, info.signature);
  }

  encodeRecords(records: readonly InputRecord[], options: RecordCheckOptions): TensorBatch {
    return encodeTensorRecords(this.info.inputs, records, options);
  }

  encodeTensors(inputs: readonly Tensor[]): TensorBatch {
    return checkModelTensors(this.info.inputs, inputs, this.info.batchable);
  }

  async run(input: TensorBatch): Promise<TensorBatch> {
    const feeds: Record<string, OrtTensor> = {};
    for (const t of input.tensors) {
      const type = TO_ORT[t.datatype];
      if (!type)
        throw new KeelError('KEEL_SERVE_BAD_INPUT', `Datatype ${t.datatype} is not supported by ONNX.`);
      feeds[t.name] = new this.ort.Tensor(type, t.data as Float32Array, t.shape as number[]);
    }
    let result: InferenceSession.ReturnType;
    try {
      result = await this.session.run(feeds, this.fetches as string[]);
    } catch (error) {
      throw new KeelError('KEEL_SERVE_RUNTIME_ERROR', `onnxruntime failed: ${String(error)}`, {
        cause: error,
      });
    }
    const tensors = this.fetches.map((name): Tensor => {
      const out = result[name]!;
      const datatype = FROM_ORT[out.type];
      if (!datatype)
        throw new KeelError('KEEL_SERVE_RUNTIME_ERROR', `Output "${name}" has type ${out.type}.`);
      return { name, datatype, shape: out.dims.map(Number), data: out.data as TensorData };
    });
    return { rows: input.rows, tensors };
  }

  toOipOutputs(output: TensorBatch): readonly Tensor[] {
    return output.tensors;
  }

  formatRow(output: TensorBatch, row: number): RowPrediction {
    const out: Record<string, RowPrediction[string]> = {};
    for (const t of output.tensors) {
      const w = rowWidth(t.shape);
      const value = (i: number): number | string | boolean => {
        const v = t.data[row * w + i]!;
        if (typeof v === 'bigint') return Number(v);
        if (t.datatype === 'BOOL') return v === 1;
        return v;
      };
      out[t.name] = w === 1 ? value(0) : Array.from({ length: w }, (_, i) => value(i));
    }
    return out;
  }

  warmupInput(rows: number): TensorBatch {
    const tensors = this.info.inputs.map((m): Tensor => {
      const shape = m.shape.map((d, k) => (d >= 0 ? d : k === 0 ? rows : 1));
      const count = shape.reduce((a, b) => a * b, 1);
      return { name: m.name, datatype: m.datatype, shape, data: allocTensorData(m.datatype, count) };
    });
    return { rows: tensors[0]?.shape[0] ?? rows, tensors };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

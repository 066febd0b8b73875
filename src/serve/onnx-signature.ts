import { readFile } from 'node:fs/promises';
import { type DataType, KeelError } from '../core/index.js';
import type { ModelSignature, SignatureField } from '../storage/index.js';
import { packedVarints, protoFields, utf8 } from './internal/protobuf-reader.js';
import type { OipDatatype } from './tensor.js';

/** ONNX TensorProto element types → OIP datatypes (0 = undefined, 8 = string, 9 = bool). */
const ELEM_TYPES: Readonly<Record<number, OipDatatype>> = {
  1: 'FP32',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'BYTES',
  9: 'BOOL',
  10: 'FP16',
  11: 'FP64',
  12: 'UINT32',
  13: 'UINT64',
  16: 'BF16',
};

const CLASSIFIERS = new Set(['TreeEnsembleClassifier', 'LinearClassifier', 'SVMClassifier']);
const REGRESSORS = new Set(['TreeEnsembleRegressor', 'LinearRegressor', 'SVMRegressor', 'TreeEnsemble']);

/** What `readOnnxModelInfo` finds in an ONNX file besides the signature. */
export interface OnnxModelInfo {
  readonly signature: ModelSignature;
  /** `producer_name producer_version` of the file (e.g. `skl2onnx 1.16.0`), or empty. */
  readonly producer: string;
  /** Operator sets the graph imports (`ai.onnx` for the default domain). */
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  /** Outputs left out of the signature because they are not tensors (e.g. ZipMap's sequence of maps). */
  readonly omittedOutputs: readonly { readonly name: string; readonly kind: string }[];
}

interface ValueInfo {
  readonly name: string;
  readonly kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse' | 'unknown';
  readonly elemType: number;
  readonly shape: readonly number[] | null;
}

function dataTypeOf(datatype: OipDatatype): DataType {
  if (datatype === 'BOOL') return 'boolean';
  if (datatype === 'BYTES') return 'text';
  if (datatype.startsWith('FP') || datatype === 'BF16') return 'numeric';
  return 'integer';
}

function readShape(bytes: Uint8Array): number[] {
  const dims: number[] = [];
  for (const dim of protoFields(bytes)) {
    if (dim.field !== 1 || !dim.bytes) continue;
    let value = -1;
    for (const f of protoFields(dim.bytes)) if (f.field === 1 && f.wire === 0) value = f.int;
    dims.push(value >= 0 ? value : -1);
  }
  return dims;
}

function readValueInfo(bytes: Uint8Array): ValueInfo {
  let name = '';
  let kind: ValueInfo['kind'] = 'unknown';
  let elemType = 0;
  let shape: number[] | null = null;
  for (const f of protoFields(bytes)) {
    if (f.field === 1) name = utf8(f.bytes);
    if (f.field !== 2 || !f.bytes) continue;
    for (const t of protoFields(f.bytes)) {
      if (t.field === 4) kind = 'sequence';
      else if (t.field === 5) kind = 'map';
      else if (t.field === 8) kind = 'sparse';
      else if (t.field === 9) kind = 'optional';
      else if (t.field === 1 && t.bytes) {
        kind = 'tensor';
        for (const x of protoFields(t.bytes)) {
          if (x.field === 1 && x.wire === 0) elemType = x.int;
          if (x.field === 2 && x.bytes) shape = readShape(x.bytes);
        }
      }
    }
  }
  return { name, kind, elemType, shape };
}

interface NodeInfo {
  readonly opType: string;
  readonly attributes: Map<string, Uint8Array>;
}

function readNode(bytes: Uint8Array): NodeInfo {
  let opType = '';
  const attributes = new Map<string, Uint8Array>();
  for (const f of protoFields(bytes)) {
    if (f.field === 4) opType = utf8(f.bytes);
    if (f.field === 5 && f.bytes) {
      let name = '';
      for (const a of protoFields(f.bytes)) if (a.field === 1) name = utf8(a.bytes);
      attributes.set(name, f.bytes);
    }
  }
  return { opType, attributes };
}

/**
 * Class labels of a classifier node: `classlabels_strings`, or integer labels (as text) in
 * `classlabels_int64s` (TreeEnsembleClassifier, ZipMap) or `classlabels_ints` (Linear/SVMClassifier).
 */
function classLabels(node: NodeInfo): string[] | null {
  const strings = node.attributes.get('classlabels_strings');
  if (strings) {
    const out: string[] = [];
    for (const a of protoFields(strings)) if (a.field === 9) out.push(utf8(a.bytes));
    return out;
  }
  const ints = node.attributes.get('classlabels_int64s') ?? node.attributes.get('classlabels_ints');
  if (ints) {
    const out: number[] = [];
    for (const a of protoFields(ints)) {
      if (a.field !== 8) continue;
      if (a.wire === 2 && a.bytes) out.push(...packedVarints(a.bytes));
      else out.push(a.int);
    }
    return out.map(String);
  }
  return null;
}

function toField(v: ValueInfo, where: string): SignatureField {
  const datatype = ELEM_TYPES[v.elemType];
  if (!datatype) {
    throw new KeelError(
      'KEEL_SERVE_BAD_MODEL',
      `ONNX ${where} "${v.name}" has element type ${v.elemType}, which Keel cannot serve.`,
      { details: { name: v.name, elemType: v.elemType } },
    );
  }
  return { name: v.name, type: dataTypeOf(datatype), datatype, shape: v.shape ?? [-1] };
}

/**
 * Reads an ONNX model's serving facts without running it: inputs and outputs (OIP datatypes, shapes
 * with -1 for dynamic dimensions, initializers excluded), class labels and task from ai.onnx.ml
 * classifier/regressor and ZipMap nodes, producer and opsets. Fails with `KEEL_SERVE_BAD_MODEL`
 * when the bytes are not an ONNX model or an input is not a tensor.
 */
export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
  let graph: Uint8Array | null = null;
  let producer = '';
  let producerVersion = '';
  const opsets: { domain: string; version: number }[] = [];
  for (const f of protoFields(bytes)) {
    if (f.field === 7 && f.bytes) graph = f.bytes;
    else if (f.field === 2) producer = utf8(f.bytes);
    else if (f.field === 3) producerVersion = utf8(f.bytes);
    else if (f.field === 8 && f.bytes) {
      let domain = '';
      let version = 0;
      for (const o of protoFields(f.bytes)) {
        if (o.field === 1) domain = utf8(o.bytes);
        if (o.field === 2) version = o.int;
      }
      opsets.push({ domain: domain || 'ai.onnx', version });
    }
  }
  if (!graph) throw new KeelError('KEEL_SERVE_BAD_MODEL', 'The file is not an ONNX model: it has no graph.');
  const initializers = new Set<string>();
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  const nodes: NodeInfo[] = [];
  for (const f of protoFields(graph)) {
    if (!f.bytes) continue;
    if (f.field === 1) nodes.push(readNode(f.bytes));
    else if (f.field === 11) inputs.push(readValueInfo(f.bytes));
    else if (f.field === 12) outputs.push(readValueInfo(f.bytes));
    else if (f.field === 5)
      for (const t of protoFields(f.bytes)) if (t.field === 8) initializers.add(utf8(t.bytes));
  }
  const signatureInputs = inputs.filter((v) => !initializers.has(v.name));
  for (const v of signatureInputs) {
    if (v.kind !== 'tensor') {
      throw new KeelError('KEEL_SERVE_BAD_MODEL', `ONNX input "${v.name}" is a ${v.kind}, not a tensor.`, {
        details: { input: v.name },
      });
    }
  }
  const classifier = nodes.find((n) => CLASSIFIERS.has(n.opType)) ?? nodes.find((n) => n.opType === 'ZipMap');
  const classes = classifier ? classLabels(classifier) : null;
  const task = classes
    ? classes.length === 2
      ? 'binary'
      : 'multiclass'
    : nodes.some((n) => REGRESSORS.has(n.opType))
      ? 'regression'
      : undefined;
  const signature: ModelSignature = {
    kind: 'tensors',
    inputs: signatureInputs.map((v) => toField(v, 'input')),
    outputs: outputs.filter((v) => v.kind === 'tensor').map((v) => toField(v, 'output')),
    ...(classes ? { classes } : {}),
    ...(task ? { task } : {}),
  };
  return {
    signature,
    producer: [producer, producerVersion].filter(Boolean).join(' '),
    opsets,
    omittedOutputs: outputs.filter((v) => v.kind !== 'tensor').map((v) => ({ name: v.name, kind: v.kind })),
  };
}

/**
 * The signature of an ONNX model file (a path) or its bytes, for `keel models import`: see
 * `readOnnxModelInfo`. Non-tensor outputs (ZipMap) are left out.
 */
export async function readOnnxSignature(source: string | Uint8Array): Promise<ModelSignature> {
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (error) {
      throw new KeelError('KEEL_DATA_FILE_NOT_FOUND', `Cannot read the ONNX file ${source}.`, {
        cause: error,
        details: { path: source },
      });
    }
  } else bytes = source;
  return readOnnxModelInfo(bytes).signature;
}

import { KeelError } from '../../core/index.js';
import type {
  InferOutputTensor,
  InferParameters,
  InferParameterValue,
  OipDatatype,
} from '../../serve/index.js';

/** `InferTensorContents` as @grpc/proto-loader gives it (`keepCase`, int64 as strings, bytes as Buffers). */
export interface TensorContents {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: (string | number)[];
  uint_contents?: number[];
  uint64_contents?: (string | number)[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Buffer[];
}

/** `InferParameter` (a oneof) as proto-loader gives it. */
export interface GrpcParameter {
  bool_param?: boolean;
  int64_param?: string | number;
  string_param?: string;
  double_param?: number;
  uint64_param?: string | number;
  parameter_choice?: string;
}

const FIELD: Readonly<Record<string, keyof TensorContents>> = {
  BOOL: 'bool_contents',
  INT8: 'int_contents',
  INT16: 'int_contents',
  INT32: 'int_contents',
  INT64: 'int64_contents',
  UINT8: 'uint_contents',
  UINT16: 'uint_contents',
  UINT32: 'uint_contents',
  UINT64: 'uint64_contents',
  FP32: 'fp32_contents',
  FP64: 'fp64_contents',
  BYTES: 'bytes_contents',
};

const RANGE: Readonly<Record<string, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  UINT8: [0, 255],
  UINT16: [0, 65535],
};

function bad(message: string, input: string): KeelError {
  return new KeelError('KEEL_SERVE_BAD_INPUT', message, { details: { input } });
}

function checkRange(name: string, datatype: string, values: readonly number[]): void {
  const range = RANGE[datatype];
  if (!range) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < range[0] || v > range[1]) {
      throw bad(
        `Input "${name}" element ${i} is ${v}, outside the ${datatype} range ${range[0]}..${range[1]}.`,
        name,
      );
    }
  }
}

/**
 * Typed-field contents of one input → tensor data the engine takes (typed arrays; strings for
 * BYTES). The field must be the one of the datatype (`fp32_contents` for FP32...); INT8/16 and
 * UINT8/16 elements are range-checked (they travel as 32-bit).
 */
export function contentsToData(
  name: string,
  datatype: string,
  contents: TensorContents | undefined,
): unknown {
  const field = FIELD[datatype];
  if (!field) {
    throw bad(`Input "${name}" is ${datatype}, which travels only in raw_input_contents.`, name);
  }
  const c = contents ?? {};
  const values = (c[field] ?? []) as unknown[];
  if (values.length === 0) {
    const other = (Object.keys(FIELD) as string[]).map((d) => FIELD[d]!).find((f) => (c[f]?.length ?? 0) > 0);
    if (other)
      throw bad(`Input "${name}" is ${datatype}: send its elements in ${field}, not ${other}.`, name);
  }
  switch (datatype) {
    case 'BOOL':
      return Uint8Array.from(values as boolean[], (b) => (b ? 1 : 0));
    case 'INT8':
      checkRange(name, datatype, values as number[]);
      return Int8Array.from(values as number[]);
    case 'INT16':
      checkRange(name, datatype, values as number[]);
      return Int16Array.from(values as number[]);
    case 'INT32':
      return Int32Array.from(values as number[]);
    case 'UINT8':
      checkRange(name, datatype, values as number[]);
      return Uint8Array.from(values as number[]);
    case 'UINT16':
      checkRange(name, datatype, values as number[]);
      return Uint16Array.from(values as number[]);
    case 'UINT32':
      return Uint32Array.from(values as number[]);
    case 'INT64':
      return BigInt64Array.from(values as (string | number)[], (v) => BigInt(v));
    case 'UINT64':
      return BigUint64Array.from(values as (string | number)[], (v) => BigInt(v));
    case 'FP32':
      return Float32Array.from(values as number[]);
    case 'FP64':
      return Float64Array.from(values as number[]);
    default:
      return (values as Buffer[]).map((b) => b.toString('utf8'));
  }
}

/** Output data (as the engine answers it in OIP JSON form) → the typed field of its datatype. */
export function dataToContents(output: InferOutputTensor): TensorContents {
  const field = FIELD[output.datatype];
  if (!field) return {};
  const data = output.data;
  if (field === 'bytes_contents') return { bytes_contents: data.map((v) => Buffer.from(String(v), 'utf8')) };
  if (field === 'bool_contents') return { bool_contents: data.map((v) => v === true || v === 1) };
  return { [field]: data as number[] };
}

/** Request parameters from the gRPC map (each a oneof) to plain OIP values. */
export function parametersFromGrpc(map: Record<string, GrpcParameter> | undefined): InferParameters {
  const out: Record<string, InferParameterValue> = {};
  for (const [key, p] of Object.entries(map ?? {})) {
    const choice = p.parameter_choice;
    if (choice === 'bool_param') out[key] = p.bool_param === true;
    else if (choice === 'string_param') out[key] = p.string_param ?? '';
    else if (choice === 'double_param') out[key] = p.double_param ?? 0;
    else if (choice === 'int64_param') out[key] = Number(p.int64_param ?? 0);
    else if (choice === 'uint64_param') out[key] = Number(p.uint64_param ?? 0);
  }
  return out;
}

/** OIP parameters to the gRPC map: booleans, strings, whole numbers as int64, others as double. */
export function parametersToGrpc(params: InferParameters | undefined): Record<string, GrpcParameter> {
  const out: Record<string, GrpcParameter> = {};
  for (const [key, v] of Object.entries(params ?? {})) {
    if (typeof v === 'boolean') out[key] = { bool_param: v };
    else if (typeof v === 'string') out[key] = { string_param: v };
    else if (Number.isSafeInteger(v)) out[key] = { int64_param: v };
    else out[key] = { double_param: v };
  }
  return out;
}

/** True when `datatype` is one of the OIP datatypes with a fixed element size (all but BYTES). */
export function isFixedWidth(datatype: string): datatype is Exclude<OipDatatype, 'BYTES'> {
  return datatype in ELEMENT_BYTES;
}

/** Bytes per element in raw contents. */
export const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  INT8: 1,
  UINT8: 1,
  INT16: 2,
  UINT16: 2,
  FP16: 2,
  BF16: 2,
  INT32: 4,
  UINT32: 4,
  FP32: 4,
  INT64: 8,
  UINT64: 8,
  FP64: 8,
};

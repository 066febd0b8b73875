/**
 * Tensors as the engine moves them between requests, batches and runtimes: Open Inference
 * Protocol datatypes, row-major data in typed arrays (strings for BYTES), full shapes with the
 * batch (row) dimension first.
 */

/** Open Inference Protocol datatypes the engine understands. FP16/BF16 travel only as raw bits. */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'BF16',
  'FP32',
  'FP64',
  'BYTES',
] as const;

/** An Open Inference Protocol datatype name. */
export type OipDatatype = (typeof OIP_DATATYPES)[number];

/**
 * Row-major tensor data: one typed array per numeric datatype (BOOL as 0/1 bytes, FP16/BF16 as raw
 * Uint16 bits, INT64/UINT64 as bigint arrays) and a string array for BYTES.
 */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

/** A named tensor: `shape` is the full shape (rows first for batched tensors), `data` is row-major. */
export interface Tensor {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
  readonly data: TensorData;
}

/** Tensors that share their first dimension (`rows`): one model input or output batch. */
export interface TensorBatch {
  readonly rows: number;
  readonly tensors: readonly Tensor[];
}

/** A tensor's name, datatype and shape as the model declares it (-1 = variable dimension). */
export interface TensorMetadata {
  readonly name: string;
  readonly datatype: OipDatatype;
  readonly shape: readonly number[];
}

type TypedArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigUint64ArrayConstructor;

const CTORS: Readonly<Record<Exclude<OipDatatype, 'BYTES'>, TypedArrayCtor>> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array,
  FP16: Uint16Array,
  BF16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

/** True when `name` is a datatype of `OIP_DATATYPES`. */
export function isOipDatatype(name: unknown): name is OipDatatype {
  return typeof name === 'string' && (OIP_DATATYPES as readonly string[]).includes(name);
}

/** True for the floating-point datatypes that can carry NaN as "missing" (FP32, FP64). */
export function isFloatDatatype(datatype: OipDatatype): boolean {
  return datatype === 'FP32' || datatype === 'FP64';
}

/** True for the integer datatypes (signed and unsigned, 8 to 64 bits). */
export function isIntDatatype(datatype: OipDatatype): boolean {
  return datatype.startsWith('INT') || datatype.startsWith('UINT');
}

/** Allocates zeroed data of `length` elements for `datatype` (empty strings for BYTES). */
export function allocTensorData(datatype: OipDatatype, length: number): TensorData {
  if (datatype === 'BYTES') return new Array<string>(length).fill('');
  return new CTORS[datatype](length);
}

/** The number of elements a shape holds (1 for a scalar shape `[]`). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Elements per row: the product of every dimension after the first (1 for a 1-D tensor). */
export function rowWidth(shape: readonly number[]): number {
  let n = 1;
  for (let i = 1; i < shape.length; i++) n *= shape[i]!;
  return n;
}

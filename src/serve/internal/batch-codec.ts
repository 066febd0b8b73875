import { KeelError } from '../../core/index.js';
import { isOipDatatype, type Tensor, type TensorBatch, type TensorData } from '../tensor.js';

interface TensorHeader {
  readonly n: string;
  readonly d: string;
  readonly s: readonly number[];
  /** Byte offset and length of typed data in the body, or the strings of BYTES data. */
  readonly o?: number;
  readonly l?: number;
  readonly v?: readonly string[];
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes a tensor batch into bytes for the cache: a uint32 LE header length, a JSON header
 * (names, datatypes, shapes; BYTES values inline) and the typed data, each part 8-byte aligned.
 * Exact for every datatype (NaN, bigint and -0 included), unlike JSON.
 */
export function encodeBatch(batch: TensorBatch): Uint8Array {
  const headers: TensorHeader[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const t of batch.tensors) {
    if (Array.isArray(t.data)) {
      headers.push({ n: t.name, d: t.datatype, s: t.shape, v: t.data });
      continue;
    }
    const typed = t.data as Float64Array;
    const bytes = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    headers.push({ n: t.name, d: t.datatype, s: t.shape, o: offset, l: bytes.byteLength });
    parts.push(bytes);
    offset += align8(bytes.byteLength);
  }
  const json = encoder.encode(JSON.stringify({ r: batch.rows, t: headers }));
  const bodyStart = align8(4 + json.length);
  const out = new Uint8Array(bodyStart + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = bodyStart;
  for (const p of parts) {
    out.set(p, at);
    at += align8(p.byteLength);
  }
  return out;
}

const CTORS = {
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
} as const;

/** Decodes bytes from `encodeBatch`; a corrupt value fails with `KEEL_INTERNAL` (callers treat it as a miss). */
export function decodeBatch(bytes: Uint8Array): TensorBatch {
  try {
    const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + len))) as { r: number; t: TensorHeader[] };
    const bodyStart = align8(4 + len);
    const tensors = header.t.map((h): Tensor => {
      if (!isOipDatatype(h.d)) throw new Error(`datatype ${h.d}`);
      if (h.d === 'BYTES') return { name: h.n, datatype: h.d, shape: h.s, data: [...(h.v ?? [])] };
      const start = bodyStart + (h.o ?? 0);
      const copy = bytes.slice(start, start + (h.l ?? 0));
      const Ctor = CTORS[h.d];
      const data = new Ctor(copy.buffer, 0, copy.byteLength / Ctor.BYTES_PER_ELEMENT) as TensorData;
      return { name: h.n, datatype: h.d, shape: h.s, data };
    });
    return { rows: header.r, tensors };
  } catch (error) {
    throw new KeelError('KEEL_INTERNAL', `A cached prediction could not be decoded: ${String(error)}`, {
      cause: error,
    });
  }
}

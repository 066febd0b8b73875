import { KeelError } from '../../core/index.js';
import type { InferOutputTensor } from '../../serve/index.js';
import { ELEMENT_BYTES } from './tensor-contents.js';

type Ctor = {
  new (buffer: ArrayBuffer, offset: number, length: number): ArrayBufferView;
  BYTES_PER_ELEMENT: number;
};

const CTOR: Readonly<Record<string, Ctor>> = {
  BOOL: Uint8Array,
  INT8: Int8Array,
  UINT8: Uint8Array,
  INT16: Int16Array,
  UINT16: Uint16Array,
  FP16: Uint16Array,
  BF16: Uint16Array,
  INT32: Int32Array,
  UINT32: Uint32Array,
  FP32: Float32Array,
  INT64: BigInt64Array as unknown as Ctor,
  UINT64: BigUint64Array as unknown as Ctor,
  FP64: Float64Array,
};

function bad(message: string, input: string): KeelError {
  return new KeelError('KEEL_SERVE_BAD_INPUT', message, { details: { input } });
}

/** BYTES raw framing: each element is a 4-byte little-endian length, then its bytes (UTF-8 here). */
function decodeBytes(name: string, buf: Buffer): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 4 > buf.length)
      throw bad(`Input "${name}": raw BYTES element ${out.length} has a truncated length prefix.`, name);
    const len = buf.readUInt32LE(at);
    at += 4;
    if (at + len > buf.length) {
      throw bad(
        `Input "${name}": raw BYTES element ${out.length} says ${len} bytes but only ${buf.length - at} remain.`,
        name,
      );
    }
    out.push(buf.toString('utf8', at, at + len));
    at += len;
  }
  return out;
}

/**
 * One `raw_input_contents` entry → tensor data (little-endian, row-major). A byte length that is
 * not a whole number of elements fails naming the input; the element count against the shape is
 * checked by the engine. Unaligned buffers are copied, aligned ones viewed in place.
 */
export function rawToData(name: string, datatype: string, buf: Buffer): unknown {
  if (datatype === 'BYTES') return decodeBytes(name, buf);
  const size = ELEMENT_BYTES[datatype];
  const ctor = CTOR[datatype];
  if (!size || !ctor)
    throw bad(
      `Input "${name}" has datatype ${JSON.stringify(datatype)}, which is not an OIP datatype.`,
      name,
    );
  if (buf.length % size !== 0) {
    throw bad(
      `Input "${name}": ${buf.length} raw bytes are not a whole number of ${datatype} elements (${size} bytes each).`,
      name,
    );
  }
  const aligned = buf.byteOffset % size === 0 ? buf : Buffer.from(buf);
  const view = new ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, buf.length / size);
  if (datatype === 'BOOL') {
    const b = view as Uint8Array;
    for (let i = 0; i < b.length; i++) {
      if (b[i]! > 1)
        throw bad(`Input "${name}" element ${i} is ${b[i]}; raw BOOL elements are 0 or 1.`, name);
    }
  }
  return view;
}

/** One output in raw form (the framing of `raw_output_contents`). */
export function dataToRaw(output: InferOutputTensor): Buffer {
  const data = output.data;
  if (output.datatype === 'BYTES') {
    const parts = data.map((v) => Buffer.from(String(v), 'utf8'));
    const out = Buffer.allocUnsafe(parts.reduce((s, p) => s + 4 + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.writeUInt32LE(p.length, at);
      p.copy(out, at + 4);
      at += 4 + p.length;
    }
    return out;
  }
  let typed: ArrayBufferView;
  switch (output.datatype) {
    case 'INT64':
      typed = BigInt64Array.from(data, (v) => BigInt(Math.trunc(Number(v))));
      break;
    case 'UINT64':
      typed = BigUint64Array.from(data, (v) => BigInt(Math.trunc(Number(v))));
      break;
    case 'BOOL':
      typed = Uint8Array.from(data, (v) => (v === true || v === 1 ? 1 : 0));
      break;
    default: {
      const ctor = CTOR[output.datatype] as unknown as { from(a: ArrayLike<number>): ArrayBufferView };
      typed = ctor.from(data as number[]);
    }
  }
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
}

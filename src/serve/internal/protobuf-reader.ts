import { KeelError } from '../../core/index.js';

/** One field of a protobuf message: varint/fixed values in `int`, length-delimited bytes in `bytes`. */
export interface ProtoField {
  readonly field: number;
  readonly wire: number;
  /** Varint (as a signed 64-bit value converted to a number), fixed32 or fixed64 bits (as a number). */
  readonly int: number;
  /** The payload of a length-delimited field (a view, not a copy), else null. */
  readonly bytes: Uint8Array | null;
  /** Raw offset of a fixed32 value (for floats). */
  readonly offset: number;
}

function corrupt(what: string): KeelError {
  return new KeelError('KEEL_SERVE_BAD_MODEL', `The model file is not valid protobuf: ${what}.`);
}

/** Reads a varint at `pos`; returns [value as a number (int64 two's complement), next position]. */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw corrupt('truncated varint');
    const b = buf[pos++]!;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
    if ((b & 0x80) === 0) {
      const value =
        hi === 0 ? lo >>> 0 : Number(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)));
      return [value, pos];
    }
  }
  throw corrupt('varint longer than 10 bytes');
}

/** Iterates the fields of one protobuf message. Groups (deprecated wire types 3/4) are refused. */
export function* protoFields(buf: Uint8Array): Generator<ProtoField> {
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      const [int, next] = readVarint(buf, pos);
      yield { field, wire, int, bytes: null, offset: pos };
      pos = next;
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, pos);
      if (len < 0 || start + len > buf.length) throw corrupt(`field ${field} overruns the message`);
      yield { field, wire, int: len, bytes: buf.subarray(start, start + len), offset: start };
      pos = start + len;
    } else if (wire === 5 || wire === 1) {
      const size = wire === 5 ? 4 : 8;
      if (pos + size > buf.length) throw corrupt(`field ${field} is truncated`);
      const view = new DataView(buf.buffer, buf.byteOffset + pos, size);
      const int = wire === 5 ? view.getUint32(0, true) : Number(view.getBigInt64(0, true));
      yield { field, wire, int, bytes: null, offset: pos };
      pos += size;
    } else {
      throw corrupt(`unsupported wire type ${wire} for field ${field}`);
    }
  }
}

/** The varints of a packed repeated field. */
export function packedVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const [v, next] = readVarint(bytes, pos);
    out.push(v);
    pos = next;
  }
  return out;
}

const decoder = new TextDecoder();

/** UTF-8 text of a length-delimited field. */
export function utf8(bytes: Uint8Array | null): string {
  return bytes ? decoder.decode(bytes) : '';
}

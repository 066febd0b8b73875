import type * as duckdb from '@duckdb/node-bindings';
import { bindings, dataOf, isValid, validityOf } from './bindings.js';
import type { StringDictionary } from './string-dictionary.js';

/** Size of a DuckDB `string_t`: a 4-byte length, then 12 inline bytes or a 4-byte prefix and a pointer. */
const STRING_T_BYTES = 16;
/** Bytes kept inside the `string_t` itself. */
const INLINE_BYTES = 12;
const decoder = new TextDecoder();

/** Masks keeping the bytes of each inline word that belong to a string of length 0..12. */
const WORD_MASKS = (() => {
  const masks = new Int32Array(13 * 3);
  for (let len = 0; len <= INLINE_BYTES; len++) {
    for (let w = 0; w < 3; w++) {
      const bytes = Math.max(0, Math.min(4, len - 4 * w));
      masks[len * 3 + w] = bytes === 4 ? -1 : (1 << (8 * bytes)) - 1;
    }
  }
  return masks;
})();

/**
 * Dictionary-encodes rows `[from, to)` of a VARCHAR vector into `codes` at `at` (-1 = missing).
 *
 * Short strings are keyed by their inline bytes (masked past their length, so the key never
 * depends on padding). Long strings are keyed by length, prefix and the 64-bit DuckDB `hash()`
 * of the value from `hashes` (a UBIGINT vector computed alongside), and decoded through their
 * pointer only the first time; without `hashes` every long string is decoded.
 */
export function readVarchar(
  vector: duckdb.Vector,
  hashes: duckdb.Vector | null,
  chunkRows: number,
  from: number,
  to: number,
  dictionary: StringDictionary,
  codes: Int32Array,
  at: number,
): void {
  const validity = validityOf(vector, chunkRows);
  if (validity !== null && noneValid(validity, from, to)) {
    // A column of missing values (e.g. a helper column flagging rare failures): skip the copy.
    codes.fill(-1, at, at + (to - from));
    return;
  }
  const bytes = dataOf(vector, chunkRows, STRING_T_BYTES);
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, chunkRows * 4);
  // The hashes are copied out of DuckDB only when the chunk holds a long string.
  let hashWords: Int32Array | null = null;
  for (let i = from, o = at; i < to; i++, o++) {
    if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) {
      codes[o] = -1;
      continue;
    }
    const w = i * 4;
    const len = words[w]!;
    let id: number;
    if (len <= INLINE_BYTES) {
      const m = len * 3;
      const b = words[w + 1]! & WORD_MASKS[m]!;
      const c = words[w + 2]! & WORD_MASKS[m + 1]!;
      const d = words[w + 3]! & WORD_MASKS[m + 2]!;
      id = dictionary.find(len, b, c, d);
      if (id < 0)
        id = dictionary.add(decoder.decode(bytes.subarray(w * 4 + 4, w * 4 + 4 + len)), len, b, c, d);
    } else if (hashes !== null) {
      if (hashWords === null) {
        const hashBytes = dataOf(hashes, chunkRows, 8);
        hashWords = new Int32Array(hashBytes.buffer, hashBytes.byteOffset, chunkRows * 2);
      }
      const prefix = words[w + 1]!;
      const lo = hashWords[2 * i]!;
      const hi = hashWords[2 * i + 1]!;
      id = dictionary.find(len, prefix, lo, hi);
      if (id < 0) id = dictionary.add(longString(bytes, i, len), len, prefix, lo, hi);
    } else {
      id = dictionary.stringId(longString(bytes, i, len));
    }
    codes[o] = id;
  }
}

function noneValid(validity: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (((validity[i >> 3]! >> (i & 7)) & 1) === 1) return false;
  return true;
}

function longString(bytes: Uint8Array, i: number, len: number): string {
  return decoder.decode(
    bindings.get_data_from_pointer(
      bytes.buffer as ArrayBuffer,
      bytes.byteOffset + i * STRING_T_BYTES + 8,
      len,
    ),
  );
}

/**
 * Reads rows `[from, to)` of an ENUM vector (stored as 1, 2 or 4-byte indexes into `members`)
 * into `codes`, remapping enum indexes to dictionary ids on first sight.
 */
export function readEnum(
  vector: duckdb.Vector,
  chunkRows: number,
  width: 1 | 2 | 4,
  members: readonly string[],
  remap: Int32Array,
  from: number,
  to: number,
  dictionary: StringDictionary,
  codes: Int32Array,
  at: number,
): void {
  const bytes = dataOf(vector, chunkRows, width);
  const items =
    width === 1
      ? bytes
      : width === 2
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, chunkRows)
        : new Uint32Array(bytes.buffer, bytes.byteOffset, chunkRows);
  const validity = validityOf(vector, chunkRows);
  for (let i = from, o = at; i < to; i++, o++) {
    if (!isValid(validity, i)) {
      codes[o] = -1;
      continue;
    }
    const member = items[i]!;
    let id = remap[member]!;
    if (id < 0) {
      id = dictionary.stringId(members[member]!);
      remap[member] = id;
    }
    codes[o] = id;
  }
}

import { KeelError } from '../../../core/index.js';
import type { EnsembleArrays } from './ensemble.js';

/** Typed-array kinds the payload may hold. */
const CTORS = {
  int32: Int32Array,
  uint32: Uint32Array,
  uint8: Uint8Array,
  float64: Float64Array,
} as const;
type Dtype = keyof typeof CTORS;

/** One payload array as listed in the header, in payload order. */
export interface ArrayEntry {
  readonly name: keyof EnsembleArrays;
  readonly dtype: Dtype;
  readonly length: number;
}

/** Payload order of the ensemble arrays (documented in docs/model-format.md). */
export const ARRAY_LAYOUT: readonly { name: keyof EnsembleArrays; dtype: Dtype }[] = [
  { name: 'treeStart', dtype: 'int32' },
  { name: 'feature', dtype: 'int32' },
  { name: 'left', dtype: 'int32' },
  { name: 'threshold', dtype: 'float64' },
  { name: 'value', dtype: 'float64' },
  { name: 'gain', dtype: 'float64' },
  { name: 'cover', dtype: 'float64' },
  { name: 'flags', dtype: 'uint8' },
  { name: 'catBits', dtype: 'uint32' },
];

const aligned = (n: number): number => Math.ceil(n / 8) * 8;

/** Concatenates the arrays (each starting on an 8-byte boundary, little-endian) and lists them. */
export function encodeArrays(a: EnsembleArrays): { entries: ArrayEntry[]; payload: Uint8Array } {
  const entries = ARRAY_LAYOUT.map(({ name, dtype }) => ({ name, dtype, length: a[name].length }));
  const total = entries.reduce((s, e) => s + aligned(e.length * CTORS[e.dtype].BYTES_PER_ELEMENT), 0);
  const payload = new Uint8Array(total);
  let at = 0;
  for (const { name } of ARRAY_LAYOUT) {
    const arr = a[name];
    payload.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), at);
    at += aligned(arr.byteLength);
  }
  return { entries, payload };
}

function bad(message: string): KeelError {
  return new KeelError('KEEL_LEARN_MODEL_FORMAT', `Corrupt keel-gbdt model: ${message}.`);
}

/** Reads the arrays back (copies, so the model owns aligned memory) and checks their structure. */
export function decodeArrays(entries: unknown, payload: Uint8Array): EnsembleArrays {
  if (!Array.isArray(entries) || entries.length !== ARRAY_LAYOUT.length)
    throw bad('array list does not match');
  const out: Partial<Record<keyof EnsembleArrays, ArrayLike<number>>> = {};
  let at = 0;
  ARRAY_LAYOUT.forEach(({ name, dtype }, i) => {
    const e = entries[i] as Partial<ArrayEntry> | undefined;
    if (e?.name !== name || e.dtype !== dtype || !Number.isInteger(e.length) || e.length! < 0) {
      throw bad(`array ${i} should be ${name}:${dtype}`);
    }
    const Ctor = CTORS[dtype];
    const bytes = e.length! * Ctor.BYTES_PER_ELEMENT;
    if (at + bytes > payload.byteLength) throw bad(`payload too short for ${name}`);
    const copy = new ArrayBuffer(bytes);
    new Uint8Array(copy).set(payload.subarray(at, at + bytes));
    out[name] = new Ctor(copy);
    at += aligned(bytes);
  });
  return out as EnsembleArrays;
}

/** Checks node links so traversal cannot run out of bounds or loop. */
export function validateArrays(a: EnsembleArrays, p: number, levelCounts: readonly number[]): void {
  const nodes = a.feature.length;
  for (const name of ['threshold', 'left', 'flags', 'value', 'gain', 'cover'] as const) {
    if (a[name].length !== nodes) throw bad(`${name} has ${a[name].length} entries, expected ${nodes}`);
  }
  for (let t = 0; t < a.treeStart.length; t++) {
    const s = a.treeStart[t]!;
    const e = t + 1 < a.treeStart.length ? a.treeStart[t + 1]! : nodes;
    if (s < 0 || e > nodes || s >= e) throw bad(`tree ${t} has an invalid node range`);
    for (let i = s; i < e; i++) {
      const f = a.feature[i]!;
      if (f < 0) continue;
      if (f >= p) throw bad(`node ${i} splits on feature ${f} of ${p}`);
      const l = a.left[i]!;
      if (l <= i || l + 1 >= e) throw bad(`node ${i} has children outside its tree`);
      if ((a.flags[i]! & 2) !== 0) {
        if (!(levelCounts[f]! > 0)) throw bad(`node ${i} is a categorical split on numeric feature ${f}`);
        const words = Math.ceil(levelCounts[f]! / 32);
        const off = a.threshold[i]!;
        if (!Number.isInteger(off) || off < 0 || off + words > a.catBits.length)
          throw bad(`node ${i} bitset`);
      }
    }
  }
}

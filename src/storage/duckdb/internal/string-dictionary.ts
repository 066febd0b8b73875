const INITIAL_CAPACITY = 256;

function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ c ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ d ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Dictionary-encodes strings keyed by four 32-bit words, so repeated values are found without
 * decoding them: a repeat costs a hash and four integer compares, no allocation.
 *
 * The key is whatever identifies a string exactly enough: for short strings the caller passes
 * the whole DuckDB `string_t` (length and 12 inline bytes), for long ones the length, the
 * 4-byte prefix and DuckDB's 64-bit hash of the value. Strings without such a key go through
 * `stringId` (a `Map`). Ids are dense, in order of first appearance, and index `levels`.
 */
export class StringDictionary {
  /** The distinct strings, by id. */
  readonly levels: string[] = [];
  private capacity = INITIAL_CAPACITY;
  private keys = new Int32Array(INITIAL_CAPACITY * 4);
  private slots = new Int32Array(INITIAL_CAPACITY).fill(-1);
  private readonly byString = new Map<string, number>();
  private pendingSlot = -1;

  /** The id stored under the key, or -1 (then `add` stores a new value under that same key). */
  find(a: number, b: number, c: number, d: number): number {
    const mask = this.capacity - 1;
    const keys = this.keys;
    const slots = this.slots;
    let h = hash4(a, b, c, d) & mask;
    for (;;) {
      const id = slots[h]!;
      if (id < 0) {
        this.pendingSlot = h;
        return -1;
      }
      const k = h * 4;
      if (keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d) return id;
      h = (h + 1) & mask;
    }
  }

  /** Adds `value` under the key of the `find` call that just returned -1, and returns its id. */
  add(value: string, a: number, b: number, c: number, d: number): number {
    const id = this.levels.length;
    this.levels.push(value);
    const h = this.pendingSlot;
    this.slots[h] = id;
    const k = h * 4;
    this.keys[k] = a;
    this.keys[k + 1] = b;
    this.keys[k + 2] = c;
    this.keys[k + 3] = d;
    if (this.levels.length * 2 > this.capacity) this.grow();
    return id;
  }

  /** The id of a decoded string without a word key (values rendered from other DuckDB types). */
  stringId(value: string): number {
    let id = this.byString.get(value);
    if (id === undefined) {
      id = this.levels.length;
      this.levels.push(value);
      this.byString.set(value, id);
    }
    return id;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    const oldCapacity = this.capacity;
    this.capacity *= 2;
    this.keys = new Int32Array(this.capacity * 4);
    this.slots = new Int32Array(this.capacity).fill(-1);
    const mask = this.capacity - 1;
    for (let s = 0; s < oldCapacity; s++) {
      const id = oldSlots[s]!;
      if (id < 0) continue;
      const k = s * 4;
      let h = hash4(oldKeys[k]!, oldKeys[k + 1]!, oldKeys[k + 2]!, oldKeys[k + 3]!) & mask;
      while (this.slots[h]! >= 0) h = (h + 1) & mask;
      this.slots[h] = id;
      this.keys.set(oldKeys.subarray(k, k + 4), h * 4);
    }
  }
}

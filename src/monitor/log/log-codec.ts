/**
 * The wire format of prediction-log stream messages: one message carries a batch of logged
 * requests in a compact binary form, because encoding happens in the serving process and JSON's
 * number-to-text conversion alone would cost several microseconds per prediction.
 *
 * Layout: `u32 magic`, `u32 headerBytes` (little endian), a JSON header `{ v: 2, n, ids, strings,
 * shapes, tags, nums }`, zero padding to 8 bytes, `tags` type bytes, padding to 8, `nums` float64
 * values. Per entry, `nums` holds at, version, rows, latencyUs, cached, deployment, model and
 * variant (string-table indexes, −1 for null), then the record count (−1 for none) followed by the
 * records, then the output count and the outputs. Every value is a tag (null, number, string, true,
 * false, object, array) plus at most one float64 (the number, a string-table index, an object shape
 * index or an array length); objects list their values in the order of their shape (key list), so
 * keys are written once per batch.
 */
import { declaredKeys, KeelError } from '../../core/index.js';
import type { PredictionLogEntry } from './prediction-record.js';

const MAGIC = 0x4b504c32; // "KPL2"
/** Type tags of encoded values. */
export const TAG = { Null: 0, Number: 1, String: 2, True: 3, False: 4, Object: 5, Array: 6 } as const;
const Tag = TAG;
type Tag = (typeof TAG)[keyof typeof TAG];

/** A logged request with its (assigned) request id, as the wire carries it. */
export type LoggedEntry = PredictionLogEntry & { readonly requestId: string };

class Writer {
  tags: Uint8Array;
  nums: Float64Array;
  nt = 0;
  nn = 0;
  readonly strings: string[] = [];
  private readonly stringIndex = new Map<string, number>();
  readonly shapes: (readonly string[])[] = [];
  private readonly shapeIndex = new Map<string, Shape>();
  private readonly recent: Shape[] = [];

  /** Sized for `entries` one-row requests of a dozen fields, so a typical batch never grows. */
  constructor(entries: number) {
    this.tags = new Uint8Array(Math.max(64, entries * 24));
    this.nums = new Float64Array(Math.max(64, entries * 32));
  }

  /** Empties the writer for the next batch, keeping its (grown) buffers. */
  reset(): void {
    this.nt = 0;
    this.nn = 0;
    this.strings.length = 0;
    this.stringIndex.clear();
    this.shapes.length = 0;
    this.shapeIndex.clear();
    this.recent.length = 0;
  }

  tag(t: Tag): void {
    if (this.nt === this.tags.length) {
      const grown = new Uint8Array(this.tags.length * 2);
      grown.set(this.tags);
      this.tags = grown;
    }
    this.tags[this.nt++] = t;
  }

  num(v: number): void {
    if (this.nn === this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[this.nn++] = v;
  }

  str(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.tag(Tag.Number);
        this.num(v);
        return;
      case 'string':
        this.tag(Tag.String);
        this.num(this.str(v));
        return;
      case 'boolean':
        this.tag(v ? Tag.True : Tag.False);
        return;
      case 'object':
        if (v === null) break;
        if (Array.isArray(v)) {
          this.tag(Tag.Array);
          this.num(v.length);
          for (const x of v) this.value(x);
          return;
        }
        this.object(v as Record<string, unknown>);
        return;
      default:
        break;
    }
    this.tag(Tag.Null);
  }

  /** A list of records or outputs: its length (−1 for none), then its values. */
  list(list: readonly unknown[] | null): void {
    if (!list) {
      this.num(-1);
      return;
    }
    this.num(list.length);
    for (let i = 0; i < list.length; i++) this.value(list[i]);
  }

  private object(o: Record<string, unknown>): void {
    this.tag(Tag.Object);
    const slot = this.nn;
    this.num(-1);
    // Objects whose maker declared their keys (class probabilities, keyed by labels such as '0'
    // and '1', which V8 enumerates slowly) are read by those keys.
    const declared = declaredKeys(o);
    if (declared === undefined) {
      // Walk the keys with for-in, checking them against the recent shape that starts with the
      // same key: V8 loads `o[k]` in a for-in straight from the object's enum cache, where a keyed
      // load per field costs ten times more. A mismatch starts over with Object.keys.
      const nt = this.nt;
      let shape: Shape | undefined;
      let i = 0;
      for (const k in o) {
        if (i === 0) shape = this.recentStartingWith(k);
        if (shape === undefined || shape.keys[i] !== k) {
          shape = undefined;
          break;
        }
        this.value(o[k]);
        i++;
      }
      if (shape !== undefined && i === shape.keys.length) {
        this.nums[slot] = shape.index;
        return;
      }
      this.nt = nt;
      this.nn = slot + 1;
    }
    const shape = this.shapeOf(declared ?? Object.keys(o));
    this.nums[slot] = shape.index;
    const keys = shape.keys;
    for (let i = 0; i < keys.length; i++) this.value(o[keys[i]!]);
  }

  /** The most recent shape whose first key is `key`, if any. */
  private recentStartingWith(key: string): Shape | undefined {
    const recent = this.recent;
    for (let r = 0; r < recent.length; r++) if (recent[r]!.keys[0] === key) return recent[r];
    return undefined;
  }

  /** The shape of an object with keys `own`: one of the few most recently used ones, or a new one. */
  private shapeOf(own: readonly string[]): Shape {
    const recent = this.recent;
    for (let r = 0; r < recent.length; r++) {
      const s = recent[r]!;
      if (s.keys === own || sameKeys(s.keys, own)) {
        if (r > 0) {
          recent[r] = recent[0]!;
          recent[0] = s;
        }
        return s;
      }
    }
    const keys = own;
    const key = keys.join('\u0000');
    let s = this.shapeIndex.get(key);
    if (!s) {
      s = { index: this.shapes.length, keys };
      this.shapes.push(keys);
      this.shapeIndex.set(key, s);
    }
    recent.unshift(s);
    if (recent.length > 4) recent.pop();
    return s;
  }
}

interface Shape {
  readonly index: number;
  readonly keys: readonly string[];
}

/** True when two key lists are equal, in order. */
function sameKeys(keys: readonly string[], own: readonly string[]): boolean {
  if (keys.length !== own.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== own[i]) return false;
  return true;
}

const pad8 = (n: number): number => (n + 7) & ~7;
const utf8 = new TextEncoder();

/**
 * Builds prediction-log messages entry by entry: the logger encodes each request as it is
 * recorded, so the request's objects die young instead of being held (and promoted by the garbage
 * collector) until the batch is published. After `finish`, `reset` starts the next message in the
 * same buffers: fresh ones per message would stream a few hundred kilobytes a second through the
 * serving thread's caches (and the collector).
 */
export class LogBatchEncoder {
  private readonly w: Writer;
  private ids: string[] = [];

  /** `expected`: entries the batch is sized for (it grows past them). */
  constructor(expected = 64) {
    this.w = new Writer(expected);
  }

  /** Entries added. */
  get count(): number {
    return this.ids.length;
  }

  /**
   * Adds one entry under `requestId`. If its values cannot be encoded (a cyclic object, say) it
   * throws and the batch is left as it was.
   */
  add(e: PredictionLogEntry, requestId: string): void {
    const w = this.w;
    const nt = w.nt;
    const nn = w.nn;
    try {
      w.num(e.at);
      w.num(e.version);
      w.num(e.rows);
      w.num(e.latencyUs);
      w.num(e.cached ? 1 : 0);
      w.num(e.deployment === null ? -1 : w.str(e.deployment));
      w.num(w.str(e.model));
      w.num(e.variant === null ? -1 : w.str(e.variant));
      w.list(e.records);
      w.list(e.outputs);
    } catch (error) {
      w.nt = nt;
      w.nn = nn;
      throw error;
    }
    this.ids.push(requestId);
  }

  /**
   * The message (see the module doc), in shared memory: the in-process stream keeps it as it is
   * and the log sink's worker thread reads it without a copy (`MemoryStreamStore.publish`).
   */
  finish(): Uint8Array {
    const w = this.w;
    const header = JSON.stringify({
      v: 2,
      n: this.ids.length,
      ids: this.ids,
      strings: w.strings,
      shapes: w.shapes,
      tags: w.nt,
      nums: w.nn,
    });
    const headerBytes = Buffer.byteLength(header);
    const tagsAt = pad8(8 + headerBytes);
    const numsAt = pad8(tagsAt + w.nt);
    const out = new Uint8Array(new SharedArrayBuffer(numsAt + w.nn * 8));
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, headerBytes, true);
    utf8.encodeInto(header, out.subarray(8, 8 + headerBytes));
    out.set(w.tags.subarray(0, w.nt), tagsAt);
    new Float64Array(out.buffer, numsAt, w.nn).set(w.nums.subarray(0, w.nn));
    return out;
  }

  /** Empties the encoder for the next message (call after `finish`). */
  reset(): void {
    this.w.reset();
    this.ids = [];
  }
}

/** Encodes entries as one prediction-log message (see the module doc). */
export function encodeLogBatch(entries: readonly LoggedEntry[]): Uint8Array {
  const encoder = new LogBatchEncoder(entries.length);
  for (const e of entries) encoder.add(e, e.requestId);
  return encoder.finish();
}

/** The JSON header of a batch. */
export interface BatchHeader {
  readonly v: number;
  readonly n: number;
  readonly ids: string[];
  readonly strings: string[];
  readonly shapes: string[][];
  readonly tags: number;
  readonly nums: number;
}

/** A batch's header and sections, validated. */
export interface BatchSections {
  readonly header: BatchHeader;
  readonly tags: Uint8Array;
  readonly nums: Float64Array;
}

/** Reads and validates a batch's header and sections; `KEEL_INVALID_ARGUMENT` for anything else. */
export function readBatch(data: Uint8Array): BatchSections {
  const bad = (why: string): KeelError =>
    new KeelError('KEEL_INVALID_ARGUMENT', `A prediction-log message is unreadable: ${why}.`);
  if (data.byteLength < 8) throw bad('too short');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw bad('not a Keel prediction-log batch');
  const headerBytes = view.getUint32(4, true);
  let header: BatchHeader;
  try {
    header = JSON.parse(
      Buffer.from(data.buffer, data.byteOffset + 8, headerBytes).toString('utf8'),
    ) as BatchHeader;
  } catch (error) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', 'A prediction-log message has a broken header.', {
      cause: error,
    });
  }
  const tagsAt = pad8(8 + headerBytes);
  const numsAt = pad8(tagsAt + header.tags);
  if (header.v !== 2 || data.byteLength < numsAt + header.nums * 8)
    throw bad('truncated or of an unknown version');
  const tags = data.subarray(tagsAt, tagsAt + header.tags);
  // Copy the numbers when the payload is not 8-byte aligned in its buffer.
  const offset = data.byteOffset + numsAt;
  const nums =
    offset % 8 === 0
      ? new Float64Array(data.buffer, offset, header.nums)
      : new Float64Array(Uint8Array.from(data.subarray(numsAt, numsAt + header.nums * 8)).buffer);
  return { header, tags, nums };
}

/** The header prefix `finish` writes (`JSON.stringify` keeps key order), up to the request count. */
const COUNT_PREFIX = Buffer.from('{"v":2,"n":');

/**
 * The number of requests in a batch, read from the start of its header without parsing the rest
 * (the request ids): what the log sink needs on the serving thread when a worker decodes. Falls
 * back to reading the whole header when the prefix is not the usual one; `KEEL_INVALID_ARGUMENT`
 * for anything that is not a batch.
 */
export function batchRequestCount(data: Uint8Array): number {
  if (data.byteLength >= 8 + COUNT_PREFIX.length + 2) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (view.getUint32(0, true) === MAGIC) {
      let at = 8;
      while (at - 8 < COUNT_PREFIX.length && data[at] === COUNT_PREFIX[at - 8]) at++;
      if (at - 8 === COUNT_PREFIX.length) {
        let n = 0;
        const first = at;
        while (at < data.byteLength && data[at]! >= 0x30 && data[at]! <= 0x39 && at - first < 9)
          n = n * 10 + data[at++]! - 0x30;
        if (at > first && data[at] === 0x2c) return n;
      }
    }
  }
  return readBatch(data).header.n;
}

/** A cursor over a batch's sections. */
export class BatchCursor {
  t = 0;
  n = 0;
  constructor(readonly batch: BatchSections) {}

  /** The next float64. */
  num(): number {
    return this.batch.nums[this.n++]!;
  }

  /** The next value, rebuilt as a plain JSON-like value. */
  value(): unknown {
    const { tags, nums, header } = this.batch;
    switch (tags[this.t++]) {
      case Tag.Number:
        return nums[this.n++];
      case Tag.String:
        return header.strings[nums[this.n++]!];
      case Tag.True:
        return true;
      case Tag.False:
        return false;
      case Tag.Array: {
        const len = nums[this.n++]!;
        const out = new Array<unknown>(len);
        for (let i = 0; i < len; i++) out[i] = this.value();
        return out;
      }
      case Tag.Object: {
        const keys = header.shapes[nums[this.n++]!]!;
        const o: Record<string, unknown> = {};
        for (const k of keys) o[k] = this.value();
        return o;
      }
      default:
        return null;
    }
  }
}

/** Decodes a message written by `encodeLogBatch` into entries; anything else fails with `KEEL_INVALID_ARGUMENT`. */
export function decodeLogBatch(data: Uint8Array): LoggedEntry[] {
  const batch = readBatch(data);
  const { header: h } = batch;
  const c = new BatchCursor(batch);
  const str = (i: number): string | null => (i < 0 ? null : h.strings[i]!);
  const list = (): Record<string, unknown>[] | null => {
    const count = c.num();
    if (count < 0) return null;
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) out.push(c.value() as Record<string, unknown>);
    return out;
  };
  const out: LoggedEntry[] = [];
  for (let i = 0; i < h.n; i++) {
    const at = c.num();
    const version = c.num();
    const rows = c.num();
    const latencyUs = c.num();
    const cached = c.num() === 1;
    const deployment = str(c.num());
    const model = h.strings[c.num()]!;
    const variant = str(c.num());
    const records = list();
    const outputs = list();
    out.push({
      requestId: h.ids[i]!,
      at,
      deployment,
      model,
      version,
      variant,
      records,
      outputs,
      rows,
      cached,
      latencyUs,
    });
  }
  return out;
}

import { createHash, type Hash } from 'node:crypto';
import type { Column, Frame } from '../core/index.js';

/** Bumped if the encoding below ever changes, so old and new fingerprints never collide. */
const FORMAT = 'keel-frame-fingerprint-v1';
const BUFFER_BYTES = 1 << 16;
const MISSING = 0;
const PRESENT = 1;

/** Accumulates bytes into a fixed buffer and feeds the hash a block at a time. */
class BlockWriter {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;
  constructor(private readonly hash: Hash) {}

  byte(value: number): void {
    if (this.used === BUFFER_BYTES) this.flush();
    this.buffer[this.used++] = value;
  }

  /** A length-prefixed byte string. */
  bytes(data: Uint8Array): void {
    if (this.used + 4 > BUFFER_BYTES) this.flush();
    this.buffer.writeUInt32LE(data.length, this.used);
    this.used += 4;
    if (data.length > BUFFER_BYTES - this.used) {
      this.flush();
      this.hash.update(data);
      return;
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
  }

  /** A length-prefixed UTF-8 string, encoded straight into the block (no intermediate buffer). */
  string(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    if (length + 4 > BUFFER_BYTES - this.used) {
      this.bytes(Buffer.from(value, 'utf8'));
      return;
    }
    this.buffer.writeUInt32LE(length, this.used);
    this.buffer.write(value, this.used + 4, length, 'utf8');
    this.used += 4 + length;
  }

  flush(): void {
    if (this.used > 0) this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function hashNumbers(hash: Hash, values: Float64Array): void {
  // Canonical bits: every NaN (missing) the same, -0 as 0.
  const copy = new Float64Array(Math.min(values.length, BUFFER_BYTES / 8));
  for (let start = 0; start < values.length; start += copy.length) {
    const end = Math.min(values.length, start + copy.length);
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      copy[i - start] = Number.isNaN(v) ? Number.NaN : v === 0 ? 0 : v;
    }
    hash.update(new Uint8Array(copy.buffer, 0, (end - start) * 8));
  }
}

function hashStrings(writer: BlockWriter, column: Column): void {
  if (column.type === 'categorical') {
    const encoded = column.levels.map((l) => Buffer.from(l, 'utf8'));
    for (const code of column.codes) {
      if (code < 0) writer.byte(MISSING);
      else {
        writer.byte(PRESENT);
        writer.bytes(encoded[code]!);
      }
    }
  } else if (column.type === 'text') {
    for (const v of column.values) {
      if (v === null) writer.byte(MISSING);
      else {
        writer.byte(PRESENT);
        writer.string(v);
      }
    }
  }
  writer.flush();
}

/**
 * A sha256 fingerprint (64 hex characters) of a frame's schema and content, for lineage.
 *
 * It covers the row count, each column's name and type in order, and every value: numbers as
 * float64 (missing as one canonical NaN, -0 as 0), strings as UTF-8 (missing marked apart from
 * the empty string). Categorical levels are hashed by value, not by code, so the same data gives
 * the same fingerprint however it was read (CSV, Parquet, batches concatenated) and on any run.
 */
export function fingerprint(frame: Frame): string {
  const hash = createHash('sha256');
  const writer = new BlockWriter(hash);
  writer.bytes(Buffer.from(FORMAT));
  writer.bytes(Buffer.from(`${frame.rowCount}:${frame.columns.length}`));
  for (const column of frame.columns) {
    writer.bytes(Buffer.from(column.name, 'utf8'));
    writer.bytes(Buffer.from(column.type));
    writer.flush();
    if (column.type === 'categorical' || column.type === 'text') hashStrings(writer, column);
    else hashNumbers(hash, column.values);
  }
  writer.flush();
  return hash.digest('hex');
}

/** The short form of a fingerprint shown to users: its first 12 hex characters. */
export function shortFingerprint(digest: string): string {
  return digest.slice(0, 12);
}

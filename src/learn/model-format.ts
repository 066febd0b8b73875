import { KeelError } from '../core/index.js';

/**
 * The envelope every serialized Keel model uses (see docs/model-format.md):
 *
 *   bytes 0..7   magic "KEELMDL\0"
 *   bytes 8..11  header length H, uint32 little-endian
 *   bytes 12..   H bytes of UTF-8 JSON header: { "format": "keel-gbdt" | "keel-linear", "version": n, ... }
 *   then         zero padding to a multiple of 8, then the learner's binary payload (typed arrays, LE)
 *
 * The header is human-readable (`head -c 4096 model.bin` shows it); the payload keeps the file compact.
 */
const MAGIC = Buffer.from('KEELMDL\0', 'latin1');

/** A decoded envelope: the JSON header and the payload bytes (8-byte aligned in a fresh buffer). */
export interface ModelEnvelope {
  readonly header: { readonly format: string; readonly version: number } & Record<string, unknown>;
  readonly payload: Uint8Array;
}

/** Writes an envelope. */
export function writeModelEnvelope(header: ModelEnvelope['header'], payload: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerEnd = 12 + json.length;
  const payloadStart = Math.ceil(headerEnd / 8) * 8;
  const out = new Uint8Array(payloadStart + payload.byteLength);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(payload, payloadStart);
  return out;
}

/** Reads an envelope; `KEEL_LEARN_MODEL_FORMAT` when the bytes are not a Keel model. */
export function readModelEnvelope(bytes: Uint8Array): ModelEnvelope {
  if (bytes.byteLength < 12 || !Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(MAGIC)) {
    throw new KeelError('KEEL_LEARN_MODEL_FORMAT', 'Not a Keel model file (bad magic bytes).');
  }
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + len > bytes.byteLength)
    throw new KeelError('KEEL_LEARN_MODEL_FORMAT', 'Truncated Keel model file.');
  let header: ModelEnvelope['header'];
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 12, len).toString('utf8'));
  } catch (error) {
    throw new KeelError('KEEL_LEARN_MODEL_FORMAT', 'Keel model header is not valid JSON.', { cause: error });
  }
  if (typeof header?.format !== 'string' || typeof header.version !== 'number') {
    throw new KeelError('KEEL_LEARN_MODEL_FORMAT', 'Keel model header lacks "format" and "version".');
  }
  const start = Math.ceil((12 + len) / 8) * 8;
  // Copy so typed-array views over the payload are aligned whatever the source buffer's offset.
  const payload = new Uint8Array(bytes.byteLength - start);
  payload.set(bytes.subarray(start));
  return { header, payload };
}

import { createHash } from 'node:crypto';
import { KeelError } from '../../core/index.js';
import type { JsonValue } from '../../storage/index.js';

/**
 * JSON with object keys sorted at every level, so equal values always give equal text (and equal
 * digests), whatever order their keys were built in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
}

/** sha256 (lower-case hex) of a string's UTF-8 bytes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Checks that `value` is plain JSON (null, booleans, finite numbers, strings, arrays, plain
 * objects) and returns it as a `JsonValue`; `undefined` becomes null. Anything else fails with
 * `KEEL_PIPELINE_INVALID`, naming `what` and the path of the offending value (`$.model.weights`).
 */
export function asJsonValue(value: unknown, what: string, path = '$'): JsonValue {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw notJson(what, path, String(value));
    case 'object': {
      if (Array.isArray(value)) return value.map((v, i) => asJsonValue(v, what, `${path}[${i}]`));
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw notJson(what, path, `a ${(value as object).constructor?.name ?? 'non-plain'} object`);
      }
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) out[k] = asJsonValue(v, what, `${path}.${k}`);
      }
      return out;
    }
    default:
      throw notJson(what, path, `a ${typeof value}`);
  }
}

function notJson(what: string, path: string, found: string): KeelError {
  return new KeelError(
    'KEEL_PIPELINE_INVALID',
    `${what} must be plain JSON, but ${path} is ${found}. Store large or binary data with ctx.artifacts.save(name, bytes) and pass the reference it returns.`,
    { details: { path, found } },
  );
}

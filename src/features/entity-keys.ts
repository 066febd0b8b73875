import { KeelError } from '../core/index.js';
import type { FieldSpec } from './specs.js';
import { describe } from './value-types.js';

/** A join-key value after type checks: a string, or a whole number for integer keys. */
export type KeyValue = string | number;

/**
 * Checks one join-key value against its declared type: strings must be strings; integer keys take
 * whole numbers or strings of digits (as JSON and command lines often carry them). Missing or
 * wrong values fail with `KEEL_FEATURE_MISSING_JOIN_KEY` / `KEEL_FEATURE_BAD_VALUE` naming `where`.
 */
export function coerceKey(value: unknown, key: FieldSpec, where: string): KeyValue {
  if (value === null || value === undefined) {
    throw new KeelError('KEEL_FEATURE_MISSING_JOIN_KEY', `${where}: join key "${key.name}" is missing.`, {
      details: { where, joinKey: key.name },
    });
  }
  if (key.type === 'string') {
    if (typeof value === 'string') return value;
  } else {
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  }
  throw new KeelError(
    'KEEL_FEATURE_BAD_VALUE',
    `${where}: join key "${key.name}" must be ${key.type === 'string' ? 'a string' : 'a whole number'}, got ${describe(value)}.`,
    { details: { where, joinKey: key.name, type: key.type } },
  );
}

/** The online-store key of an entity: its join-key values, in the view's key order, as JSON (`["Seattle"]`). */
export function entityKeyOf(values: readonly KeyValue[]): string {
  return JSON.stringify(values);
}

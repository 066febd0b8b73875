import { type DataType, KeelError } from '../core/index.js';
import type { OfflineValueType } from '../storage/index.js';

/**
 * Feature value types, Feast's primitives in lower case: `int32`, `int64`, `float32`, `float64`,
 * `string`, `bool` and `timestamp` (Feast's `UnixTimestamp`: an instant, epoch ms UTC in Keel).
 * Numbers are JS numbers: `int64` is exact up to 2^53 and `float32` is kept at double precision.
 */
export type ValueType = 'int32' | 'int64' | 'float32' | 'float64' | 'string' | 'bool' | 'timestamp';

/** Every value type, in a stable order (for help texts and validation). */
export const VALUE_TYPES: readonly ValueType[] = [
  'int32',
  'int64',
  'float32',
  'float64',
  'string',
  'bool',
  'timestamp',
];

/** Feast's type names (and a few common spellings) that YAML definitions may use, mapped to Keel's. */
const ALIASES: Readonly<Record<string, ValueType>> = {
  int32: 'int32',
  int64: 'int64',
  float32: 'float32',
  float64: 'float64',
  float: 'float64',
  double: 'float64',
  string: 'string',
  str: 'string',
  bool: 'bool',
  boolean: 'bool',
  timestamp: 'timestamp',
  unixtimestamp: 'timestamp',
  unix_timestamp: 'timestamp',
};

/** The value type named `name` (case-insensitive; Feast spellings such as `Float32`, `UnixTimestamp` accepted), or undefined. */
export function parseValueType(name: unknown): ValueType | undefined {
  return typeof name === 'string' ? ALIASES[name.trim().toLowerCase()] : undefined;
}

/** The offline-store type a value type is read and joined as. */
export function offlineTypeOf(type: ValueType): OfflineValueType {
  switch (type) {
    case 'int32':
    case 'int64':
      return 'int64';
    case 'float32':
    case 'float64':
      return 'float64';
    default:
      return type;
  }
}

/** The frame column type a value type becomes in training sets: ints → integer, floats → numeric, strings → categorical. */
export function frameTypeOf(type: ValueType): DataType {
  switch (type) {
    case 'int32':
    case 'int64':
      return 'integer';
    case 'float32':
    case 'float64':
      return 'numeric';
    case 'bool':
      return 'boolean';
    case 'timestamp':
      return 'timestamp';
    default:
      return 'categorical';
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Why `value` does not fit `type`, or null when it does (null always fits: features are nullable). */
export function valueProblem(value: unknown, type: ValueType): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
      return typeof value === 'string' ? null : `expected a string, got ${describe(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `expected true or false, got ${describe(value)}`;
    case 'float32':
    case 'float64':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `expected a finite number, got ${describe(value)}`;
    case 'int32':
    case 'int64': {
      if (typeof value !== 'number' || !Number.isInteger(value))
        return `expected a whole number, got ${describe(value)}`;
      if (!Number.isSafeInteger(value)) return `${value} is beyond the exactly representable range (2^53)`;
      if (type === 'int32' && (value < INT32_MIN || value > INT32_MAX)) return `${value} does not fit int32`;
      return null;
    }
    default:
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `expected a timestamp (epoch ms or an ISO 8601 string with a time zone), got ${describe(value)}`;
  }
}

/** A short, safe rendering of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Throws `KEEL_FEATURE_BAD_VALUE` naming `where` when `value` does not fit `type`. */
export function assertValue(value: unknown, type: ValueType, where: string): void {
  const problem = valueProblem(value, type);
  if (problem) {
    throw new KeelError('KEEL_FEATURE_BAD_VALUE', `${where}: ${problem} (declared ${type}).`, {
      details: { where, type },
    });
  }
}

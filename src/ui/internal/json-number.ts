/** A number as JSON can carry it: finite numbers as they are, the others as their names. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** Encodes a number for the wire; `JSON.stringify` would turn NaN and ±Infinity into null. */
export function jsonNumber(value: number): JsonNumber {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Encodes every value of a record with `jsonNumber`. */
export function jsonNumbers(values: Readonly<Record<string, number>>): Record<string, JsonNumber> {
  const out: Record<string, JsonNumber> = {};
  for (const [k, v] of Object.entries(values)) out[k] = jsonNumber(v);
  return out;
}

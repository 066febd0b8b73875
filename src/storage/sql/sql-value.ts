/** A value bound to a `?` placeholder. Booleans are bound as 0/1, `undefined` as NULL. */
export type SqlValue = string | number | bigint | boolean | null | undefined | Uint8Array;

/** A result row: column name → value (numbers for integer and float columns on every backend). */
export type SqlRow = Record<string, unknown>;

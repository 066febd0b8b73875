import { createRequire } from 'node:module';
import type * as duckdbBindings from '@duckdb/node-bindings';

/** The raw DuckDB C-API bindings, typed. */
export type Bindings = typeof duckdbBindings;

/**
 * The native bindings instance `@duckdb/node-api` itself uses. Raw handles (data chunks,
 * vectors) are only valid with the same native module, so the bindings are resolved from
 * node-api's own location rather than from ours: two copies could otherwise be loaded.
 */
export const bindings: Bindings = (() => {
  const require = createRequire(import.meta.url);
  const nodeApiEntry = require.resolve('@duckdb/node-api');
  return createRequire(nodeApiEntry)('@duckdb/node-bindings') as Bindings;
})();

/** True when the validity mask says row `i` holds a value (a null mask means every row is valid). */
export function isValid(validity: Uint8Array | null, i: number): boolean {
  return validity === null || ((validity[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** The validity mask of a vector with `rows` rows, or null when every row is valid. */
export function validityOf(vector: duckdbBindings.Vector, rows: number): Uint8Array | null {
  return bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
}

/** The data buffer of a vector: `rows` items of `width` bytes each. */
export function dataOf(vector: duckdbBindings.Vector, rows: number, width: number): Uint8Array {
  return bindings.vector_get_data(vector, rows * width);
}

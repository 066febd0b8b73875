/**
 * Logical column types Keel understands.
 *
 * - `numeric`: 64-bit float. `integer`: whole numbers (stored as float64, exact up to 2^53).
 * - `boolean`: 0/1. `timestamp`: UTC instant, epoch milliseconds.
 * - `categorical`: a small set of string levels, dictionary-encoded.
 * - `text`: free strings (ids, descriptions): never used as a model input directly.
 */
export type DataType = 'numeric' | 'integer' | 'boolean' | 'timestamp' | 'categorical' | 'text';

/** Every data type, in a stable order (for help texts and validation). */
export const DATA_TYPES: readonly DataType[] = [
  'numeric',
  'integer',
  'boolean',
  'timestamp',
  'categorical',
  'text',
];

/** One column of a schema. */
export interface Field {
  readonly name: string;
  readonly type: DataType;
  /** True when the column may hold missing values. */
  readonly nullable: boolean;
}

/** An ordered list of fields. Names are unique. */
export interface Schema {
  readonly fields: readonly Field[];
}

/** True for the types stored as `Float64Array` (missing = NaN). */
export function isNumberType(type: DataType): type is 'numeric' | 'integer' | 'boolean' | 'timestamp' {
  return type === 'numeric' || type === 'integer' || type === 'boolean' || type === 'timestamp';
}

/** The field named `name`, or undefined. */
export function findField(schema: Schema, name: string): Field | undefined {
  return schema.fields.find((f) => f.name === name);
}

import type { DataType } from '../core/index.js';
import type { StringColumnStats } from '../storage/index.js';

/** A string column with at most this many distinct values is always small enough to be categorical. */
export const CATEGORICAL_MIN_LIMIT = 50;
/** …and it is never categorical with more than this many. */
export const CATEGORICAL_MAX_LIMIT = 1000;
/** Between the two, the limit is this share of the column's non-missing values. */
export const CATEGORICAL_SHARE = 0.05;

const ID_WORD = /(^|[_\-\s.])(id|uuid|guid)$/i;
const ID_CAMEL = /[a-z0-9](Id|ID|Uuid|UUID|Guid|GUID)$/;

/** True for names that look like identifiers: `id`, `user_id`, `USER_ID`, `userId`, `order-id`, `uuid` (not `paid`). */
export function isIdentifierName(name: string): boolean {
  return ID_WORD.test(name) || ID_CAMEL.test(name);
}

/**
 * The inference rule for string columns without a declared type.
 *
 * A column is **categorical** when its distinct count is at most
 * `max(50, min(1000, floor(5% of its non-missing values)))` and its name does not look like an
 * identifier (`id`, `*_id`, `*Id`, `uuid`...); otherwise it is **text** (ids, free text), which
 * learners never use as a feature. Examples: 3 species in 344 rows → categorical; 220 airports
 * in 20,000 flights → categorical (limit 1,000); 224 unique airport codes in 224 rows → text;
 * `user_id` → text whatever its cardinality.
 */
export function stringColumnType(stats: StringColumnStats): 'categorical' | 'text' {
  if (isIdentifierName(stats.name)) return 'text';
  const limit = Math.max(
    CATEGORICAL_MIN_LIMIT,
    Math.min(CATEGORICAL_MAX_LIMIT, Math.floor(CATEGORICAL_SHARE * stats.nonMissing)),
  );
  return stats.distinct <= limit ? 'categorical' : 'text';
}

/**
 * The DuckDB type a declared Keel type is parsed as. Integers are parsed as DOUBLE and checked to
 * be whole afterwards, because DuckDB's text-to-BIGINT cast rounds (`'1.5'` becomes 2) instead of
 * failing. Timestamps accept a zone; naive ones are UTC.
 */
export function duckdbTypeFor(type: DataType): string {
  switch (type) {
    case 'numeric':
    case 'integer':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    default:
      return 'VARCHAR';
  }
}

/** The Keel type a DuckDB type name reads as (strings: `categorical` until the rule decides). */
export function keelTypeOf(duckdbType: string): DataType {
  const t = duckdbType.toUpperCase();
  if (t === 'BOOLEAN') return 'boolean';
  if (/^(U?TINYINT|U?SMALLINT|U?INTEGER|U?BIGINT|U?HUGEINT)$/.test(t)) return 'integer';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*)$/.test(t)) return 'numeric';
  if (/^(DATE|TIMESTAMP.*)$/.test(t)) return 'timestamp';
  if (t === 'VARCHAR' || t.startsWith('ENUM')) return 'categorical';
  return 'text';
}

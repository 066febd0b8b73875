import type { SqlValue } from './sql-value.js';

/** What a native database error means, independent of the database that raised it. */
export type SqlErrorKind =
  | 'unique'
  | 'foreign_key'
  | 'not_null'
  | 'check'
  | 'busy'
  | 'serialization'
  | 'unavailable';

/** Column types used in migrations, spelled for one database. */
export interface SqlTypes {
  /** Text compared byte by byte (binary collation), so ordering is the same on every backend. */
  readonly text: string;
  /** A JSON document stored verbatim (key order kept) and read back as a string. */
  readonly json: string;
  /** A 64-bit integer (epoch ms, steps) read back as a JS number. */
  readonly bigint: string;
  /** A 32-bit integer. */
  readonly int: string;
  /** A 64-bit float. */
  readonly float: string;
  /** An auto-incrementing integer primary key (insertion order). */
  readonly serialPk: string;
}

/** A SQL fragment with the values for its placeholders, in order. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/**
 * Everything that differs between SQLite and PostgreSQL for the metadata repositories:
 * placeholders, types, upserts, LIKE semantics and native error codes. The repositories
 * build SQL only through this, so they are written once.
 */
export interface SqlDialect {
  /** `sqlite` or `postgres`. */
  readonly name: string;
  readonly types: SqlTypes;
  /** Rewrites `?` placeholders (outside quotes) into this database's form. */
  placeholders(sql: string): string;
  /**
   * The conflict clause of an upsert: `ON CONFLICT (keys) DO NOTHING` when `update` is empty,
   * else `DO UPDATE SET` each entry (a column, set from the proposed row, or a verbatim
   * `col = expr` assignment), optionally only `where` a condition holds.
   */
  onConflict(keys: readonly string[], update: readonly string[], where?: string): string;
  /**
   * `column LIKE pattern` with SQL wildcards (`%`, `_`, `\` escapes): case-sensitive unless
   * `caseInsensitive` (ILIKE), with the same results on every backend for ASCII text.
   */
  like(column: string, pattern: string, caseInsensitive: boolean): SqlFragment;
  /** What a native error means, or null when it is none of the known kinds. */
  classifyError(error: unknown): SqlErrorKind | null;
  /** A statement run first in every migration transaction to keep concurrent migrators apart, or null. */
  readonly migrationLock: string | null;
}

/** Rewrites `?` placeholders outside quoted strings and identifiers with `mark(n)` (n from 1). */
export function rewritePlaceholders(sql: string, mark: (n: number) => string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += mark(++n);
    } else {
      out += ch;
    }
  }
  return out;
}

/** The `ON CONFLICT` clause both SQLite (3.24+) and PostgreSQL understand. */
export function standardOnConflict(
  keys: readonly string[],
  update: readonly string[],
  where?: string,
): string {
  const target = `ON CONFLICT (${keys.join(', ')})`;
  if (update.length === 0) return `${target} DO NOTHING`;
  const set = update.map((c) => (c.includes('=') ? c : `${c} = excluded.${c}`)).join(', ');
  return `${target} DO UPDATE SET ${set}${where ? ` WHERE ${where}` : ''}`;
}

/** A LIKE pattern whose dangling final escape (`\` at the end) is made a literal backslash, so every backend reads it alike. */
export function closeLikePattern(pattern: string): string {
  let trailing = 0;
  for (let i = pattern.length - 1; i >= 0 && pattern[i] === '\\'; i--) trailing++;
  return trailing % 2 === 1 ? `${pattern}\\` : pattern;
}

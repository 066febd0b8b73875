import type { SqlDialect } from './sql-dialect.js';
import type { SqlRow, SqlValue } from './sql-value.js';

/**
 * A SQL connection the repositories are written against, once for every backend (Kysely-style:
 * one core, one dialect per database). SQL text uses `?` placeholders; the driver rewrites them
 * for its database. Native errors are rethrown as `KeelError`s (see `mapSqlError`).
 */
export interface SqlDriver {
  /** How this database spells types, placeholders, upserts and LIKE, and how its errors look. */
  readonly dialect: SqlDialect;
  /** Runs a statement that returns rows (SELECT, or a write with RETURNING). */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs `fn` in one transaction: committed when `fn` resolves, rolled back when it throws.
   * Calls made while a transaction of this driver is active in the same async context (through
   * `tx` or through the driver itself) join it; other callers wait until it ends.
   */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>;
  /** Closes the connection(s). Later calls fail with `KEEL_STORE_UNAVAILABLE`. */
  close(): Promise<void>;
}

import type { SqlDriver } from '../sql-driver.js';
import type { SqlValue } from '../sql-value.js';

/** `(?, ?, ?)` for `n` values (n ≥ 1). */
export function placeholderList(n: number): string {
  return `(${Array.from({ length: n }, () => '?').join(', ')})`;
}

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts rows with multi-row VALUES statements (chunked under every backend's placeholder limit),
 * each followed by `suffix` (a conflict clause). Returns the number of rows changed.
 */
export async function insertMany(
  db: SqlDriver,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly SqlValue[])[],
  suffix = '',
): Promise<number> {
  let changed = 0;
  const perChunk = Math.max(1, Math.floor(900 / columns.length));
  const row = placeholderList(columns.length);
  for (const part of chunks(rows, perChunk)) {
    const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => row).join(', ')} ${suffix}`;
    changed += await db.execute(sql, part.flat());
  }
  return changed;
}

/** Runs `SELECT ... WHERE col IN (...)` over many keys in chunks and concatenates the rows. */
export async function selectIn<R extends Record<string, unknown>>(
  db: SqlDriver,
  sqlBefore: string,
  keys: readonly SqlValue[],
  sqlAfter = '',
): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(keys, 500)) {
    out.push(...(await db.query<R>(`${sqlBefore} IN ${placeholderList(part.length)} ${sqlAfter}`, part)));
  }
  return out;
}

/** Groups `key`/`value` rows by an owner column into records: owner → { key: value }. */
export function groupTags(
  rows: readonly Record<string, unknown>[],
  owner: string,
): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const id = String(r[owner]);
    let tags = out.get(id);
    if (!tags) out.set(id, (tags = {}));
    tags[String(r.key)] = String(r.value);
  }
  return out;
}

/** A JSON column's value (stored as text on every backend) parsed back. */
export function parseJson<T>(value: unknown): T {
  return JSON.parse(String(value)) as T;
}

/** A nullable integer/float column as a number or null. */
export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

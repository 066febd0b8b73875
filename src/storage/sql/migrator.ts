import { isKeelError, KeelError } from '../../core/index.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlDriver } from './sql-driver.js';

/**
 * One forward-only schema change. Versions are positive integers, strictly increasing in the
 * list; a released migration is never edited, only followed by new ones.
 */
export interface SqlMigration {
  readonly version: number;
  /** Short kebab-case name, recorded in `keel_schema_migrations`. */
  readonly name: string;
  /** The DDL/DML statements, spelled for `dialect` (use `dialect.types`). */
  up(dialect: SqlDialect): readonly string[];
}

/** What `migrate` did. */
export interface MigrationResult {
  /** Versions applied by this call, in order. */
  readonly applied: readonly number[];
  /** Schema version after the call. */
  readonly version: number;
}

/** The table that records applied migrations. */
export const MIGRATIONS_TABLE = 'keel_schema_migrations';

/**
 * Brings a database up to the last migration of `migrations`, each in its own transaction
 * (recorded in `keel_schema_migrations` in the same transaction). Safe to run from several
 * processes at once. Fails with `KEEL_STORE_SCHEMA_TOO_NEW` when the database records a version
 * this list does not know, and `KEEL_STORE_MIGRATION_FAILED` naming the migration that failed.
 */
export async function migrate(
  driver: SqlDriver,
  migrations: readonly SqlMigration[],
  options: { readonly now: number; readonly url: string },
): Promise<MigrationResult> {
  checkOrder(migrations);
  const d = driver.dialect;
  await driver.transaction(async (tx) => {
    await lock(tx);
    await tx.execute(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version ${d.types.int} PRIMARY KEY, name ${d.types.text} NOT NULL, applied_at ${d.types.bigint} NOT NULL)`,
    );
  });
  const known = migrations.at(-1)?.version ?? 0;
  const current = await schemaVersion(driver);
  if (current > known) {
    throw new KeelError(
      'KEEL_STORE_SCHEMA_TOO_NEW',
      `The metadata store at ${options.url} is at schema version ${current}, but this Keel knows versions up to ${known}. Upgrade Keel to use it.`,
      { details: { url: options.url, version: current, known } },
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    const done = await driver.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it while we waited for the lock.
      if ((await schemaVersion(tx)) >= m.version) return false;
      try {
        for (const statement of m.up(d)) await tx.execute(statement);
      } catch (error) {
        throw new KeelError(
          'KEEL_STORE_MIGRATION_FAILED',
          `Migration ${m.version} (${m.name}) failed on ${options.url}: ${(error as Error).message}`,
          {
            cause: isKeelError(error) && error.cause !== undefined ? error.cause : error,
            details: { version: m.version, name: m.name },
          },
        );
      }
      await tx.execute(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`, [
        m.version,
        m.name,
        options.now,
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return { applied, version: Math.max(current, known) };
}

/** The highest applied migration version, 0 for an empty database. */
export async function schemaVersion(driver: SqlDriver): Promise<number> {
  const rows = await driver.query<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${MIGRATIONS_TABLE}`);
  return Number(rows[0]?.v ?? 0);
}

async function lock(tx: SqlDriver): Promise<void> {
  if (tx.dialect.migrationLock) await tx.query(tx.dialect.migrationLock);
}

function checkOrder(migrations: readonly SqlMigration[]): void {
  let last = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new KeelError(
        'KEEL_INTERNAL',
        `Migration list out of order at ${m.version} (${m.name}): versions must be increasing integers.`,
      );
    }
    last = m.version;
  }
}

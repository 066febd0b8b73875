import { afterAll, describe, expect, it } from 'vitest';
import { randomHex, silentLogger } from '../../src/core/index.js';
import { parseStoreUrl } from '../../src/storage/index.js';
import { parsePostgresUrl } from '../../src/storage/postgres/index.js';
import { PostgresDriver } from '../../src/storage/postgres/postgres-driver.js';
import { migrate, type SqlDriver, type SqlMigration, schemaVersion } from '../../src/storage/sql/index.js';
import { SqliteDriver } from '../../src/storage/sqlite/sqlite-driver.js';
import { dropSchemas, withSchema } from '../helpers/pg-schemas.js';
import { serviceUrl } from '../helpers/services.js';

const m1: SqlMigration = {
  version: 1,
  name: 'one',
  up: ({ types: t }) => [`CREATE TABLE t1 (id ${t.text} PRIMARY KEY)`],
};
const m2: SqlMigration = {
  version: 2,
  name: 'two',
  up: ({ types: t }) => [`CREATE TABLE t2 (n ${t.bigint} NOT NULL)`],
};
const broken: SqlMigration = {
  version: 3,
  name: 'broken',
  up: ({ types: t }) => [`CREATE TABLE t3 (n ${t.int})`, 'CREATE TABLE t3 (n INTEGER)'],
};
const opts = { now: 1, url: 'test://db' };

async function tables(db: SqlDriver): Promise<string[]> {
  const sql =
    db.dialect.name === 'sqlite'
      ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't_'"
      : "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 't_'";
  return (await db.query<{ name: string }>(sql)).map((r) => String(r.name)).sort();
}

function migrationSuite(name: string, fresh: () => Promise<SqlDriver>): void {
  describe(`migrations: ${name}`, () => {
    it('applies pending migrations in order, once, each recorded', async () => {
      const db = await fresh();
      expect(await migrate(db, [m1], opts)).toEqual({ applied: [1], version: 1 });
      expect(await migrate(db, [m1], opts)).toEqual({ applied: [], version: 1 });
      expect(await migrate(db, [m1, m2], opts)).toEqual({ applied: [2], version: 2 });
      expect(await tables(db)).toEqual(['t1', 't2']);
      const log = await db.query(
        'SELECT version, name, applied_at FROM keel_schema_migrations ORDER BY version',
      );
      expect(log.map((r) => [Number(r.version), r.name, Number(r.applied_at)])).toEqual([
        [1, 'one', 1],
        [2, 'two', 1],
      ]);
      await db.close();
    });

    it('refuses a database migrated by a newer version', async () => {
      const db = await fresh();
      await migrate(db, [m1, m2], opts);
      const err = await migrate(db, [m1], opts).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'KEEL_STORE_SCHEMA_TOO_NEW', details: { version: 2, known: 1 } });
      await db.close();
    });

    it('rolls a failing migration back entirely and names it', async () => {
      const db = await fresh();
      const err = await migrate(db, [m1, m2, broken], opts).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'KEEL_STORE_MIGRATION_FAILED',
        details: { version: 3, name: 'broken' },
      });
      expect((err as Error).message).toContain('Migration 3 (broken)');
      expect(await tables(db)).toEqual(['t1', 't2']);
      expect(await schemaVersion(db)).toBe(2);
      await db.close();
    });

    it('rejects a migration list out of order', async () => {
      const db = await fresh();
      await expect(migrate(db, [m2, m1], opts)).rejects.toMatchObject({ code: 'KEEL_INTERNAL' });
      await db.close();
    });
  });
}

migrationSuite('sqlite', async () => SqliteDriver.open(':memory:', { redactedUrl: 'sqlite::memory:' }));

const pgUrl = serviceUrl('postgres');
if (pgUrl) {
  const prefix = `keel_m_${randomHex(4)}`;
  let n = 0;
  const open = () => {
    const url = withSchema(pgUrl, `${prefix}_${n++}`);
    return PostgresDriver.open(parsePostgresUrl(parseStoreUrl(url, '.')), url, silentLogger());
  };
  afterAll(() => dropSchemas(pgUrl, prefix));
  migrationSuite('postgres', open);

  it('migrations: postgres: concurrent migrators apply each version once', async () => {
    const url = withSchema(pgUrl, `${prefix}_race`);
    const target = parsePostgresUrl(parseStoreUrl(url, '.'));
    const dbs = await Promise.all([1, 2, 3].map(() => PostgresDriver.open(target, url, silentLogger())));
    const results = await Promise.all(dbs.map((db) => migrate(db, [m1, m2], opts)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
    expect(await dbs[0]!.query('SELECT version FROM keel_schema_migrations')).toHaveLength(2);
    await Promise.all(dbs.map((db) => db.close()));
  });
} else describe.skip('migrations: postgres (KEEL_TEST_POSTGRES_URL unset)', () => {});

import { describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { postgresDialect } from '../../src/storage/postgres/index.js';
import { closeLikePattern, rewritePlaceholders } from '../../src/storage/sql/index.js';
import { likeToGlob } from '../../src/storage/sqlite/index.js';
import { SqliteDriver } from '../../src/storage/sqlite/sqlite-driver.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir();
const options = { root, log: silentLogger(), clock: systemClock };

describe('sql dialect helpers', () => {
  it('rewrites placeholders outside quotes only', () => {
    expect(
      rewritePlaceholders(`SELECT '?' AS "a?", x FROM t WHERE a = ? AND b IN (?, ?)`, (n) => `$${n}`),
    ).toBe(`SELECT '?' AS "a?", x FROM t WHERE a = $1 AND b IN ($2, $3)`);
    expect(postgresDialect.placeholders('a = ? AND b = ?')).toBe('a = $1 AND b = $2');
  });

  it('translates LIKE patterns to GLOB and closes dangling escapes', () => {
    expect(likeToGlob('gbdt%')).toBe('gbdt*');
    expect(likeToGlob('a_b')).toBe('a?b');
    expect(likeToGlob('a\\%b\\_c')).toBe('a%b_c');
    expect(likeToGlob('x*y?z[w]')).toBe('x[*]y[?]z[[]w]');
    expect(closeLikePattern('ab\\')).toBe('ab\\\\');
    expect(closeLikePattern('ab\\\\')).toBe('ab\\\\');
  });
});

describe('sqlite driver', () => {
  it('opens files with WAL, foreign keys and a busy timeout', async () => {
    const db = SqliteDriver.open(`${root}/sub/dir/a.db`, { redactedUrl: 'sqlite:a.db', busyTimeoutMs: 1234 });
    expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
    expect(await db.query('PRAGMA busy_timeout')).toEqual([{ timeout: 1234 }]);
    await db.close();
  });

  it('makes other callers wait while a transaction is open, and lets the transaction join itself', async () => {
    const db = SqliteDriver.open(':memory:', { redactedUrl: 'sqlite::memory:' });
    await db.execute('CREATE TABLE t (n INTEGER)');
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = db.transaction(async (inner) => {
      await inner.execute('INSERT INTO t VALUES (1)');
      await db.transaction(async (nested) => nested.execute('INSERT INTO t VALUES (2)'));
      await gate;
      await db.execute('INSERT INTO t VALUES (3)');
    });
    let seen: number | null = null;
    const outside = db.query<{ c: number }>('SELECT COUNT(*) AS c FROM t').then((rows) => {
      seen = rows[0]!.c;
    });
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(seen).toBeNull();
    release();
    await Promise.all([tx, outside]);
    expect(seen).toBe(3);
    await db.close();
  });

  it('maps constraint errors with the native error as cause', async () => {
    const db = SqliteDriver.open(':memory:', { redactedUrl: 'sqlite::memory:' });
    await db.execute('CREATE TABLE t (n INTEGER PRIMARY KEY)');
    await db.execute('INSERT INTO t VALUES (1)');
    const err = await db.execute('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEEL_STORE_CONFLICT', details: { sqlError: 'unique' } });
    expect((err as Error).cause).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'KEEL_STORE_UNAVAILABLE' });
  });
});

describe('metadata driver specs', () => {
  it('opens sqlite::memory: as an ephemeral store and files as durable ones', async () => {
    const mem = await openStore('metadata', 'sqlite::memory:', options);
    expect([mem.backend, mem.capabilities]).toEqual([
      'sqlite',
      { concurrentWriters: false, ephemeral: true },
    ]);
    await mem.close();
    const file = await openStore('metadata', 'sqlite:.keel/metadata.db?busy_timeout=100', options);
    expect(file.capabilities.ephemeral).toBe(false);
    await file.close();
  });

  it('rejects bad URLs and reports unreachable servers with the password redacted', async () => {
    await expect(openStore('metadata', 'sqlite:x.db?cache=shared', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('metadata', 'sqlite:x.db?busy_timeout=soon', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('metadata', 'postgres://u@h/db?schema=bad-name', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('metadata', 'postgres://u@h/db?pool_max=0', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('metadata', 'mysql://h/db', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNKNOWN_SCHEME',
    });
    const err = await openStore('metadata', 'postgresql://keel:s3cret@127.0.0.1:1/db', options).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'KEEL_STORE_UNAVAILABLE' });
    expect((err as Error).message).toContain('postgresql://keel:***@127.0.0.1:1/db');
    expect((err as Error).message).not.toContain('s3cret');
    expect((err as Error).cause).toBeDefined();
    const sqliteErr = await openStore('metadata', 'sqlite:/dev/null/x.db', options).catch((e: unknown) => e);
    expect(sqliteErr).toMatchObject({ code: 'KEEL_STORE_UNAVAILABLE' });
  });
});

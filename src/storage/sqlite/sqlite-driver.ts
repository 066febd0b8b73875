import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { KeelError } from '../../core/index.js';
import {
  AsyncMutex,
  mapSqlError,
  type SqlDriver,
  type SqlRow,
  type SqlValue,
  storeUnavailable,
  TransactionScope,
} from '../sql/index.js';
import { sqliteDialect } from './sqlite-dialect.js';

/** Options for `SqliteDriver.open`. */
export interface SqliteDriverOptions {
  /** How long a writer waits for another process's write lock, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  /** URL with credentials removed, used in error messages. */
  readonly redactedUrl: string;
}

const MAX_CACHED_STATEMENTS = 256;

/**
 * A `SqlDriver` over better-sqlite3 (synchronous), made async and serialised: one async lock per
 * database, held for a single statement or for a whole transaction (BEGIN IMMEDIATE), so other
 * callers wait while a transaction is open. Calls from inside a transaction join it.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = sqliteDialect;
  private readonly db: Database.Database;
  private readonly url: string;
  private readonly lock = new AsyncMutex();
  private readonly scope = new TransactionScope<true>();
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;

  private constructor(db: Database.Database, url: string) {
    this.db = db;
    this.url = url;
  }

  /** Opens (creating folders and file as needed) a database file, or `:memory:`; WAL, busy timeout, foreign keys on. */
  static open(path: string, options: SqliteDriverOptions): SqliteDriver {
    let db: Database.Database;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      if (path !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = NORMAL');
    } catch (error) {
      throw storeUnavailable('sqlite', options.redactedUrl, error);
    }
    return new SqliteDriver(db, options.redactedUrl);
  }

  query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return this.run(() => {
      const stmt = this.prepare(sql);
      if (!stmt.reader) {
        stmt.run(...bind(params));
        return [];
      }
      return stmt.all(...bind(params)) as R[];
    });
  }

  execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.run(() => {
      const stmt = this.prepare(sql);
      return stmt.reader ? stmt.all(...bind(params)).length : stmt.run(...bind(params)).changes;
    });
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    if (this.scope.current()) return fn(this);
    return this.lock.withLock(async () => {
      this.guard(() => this.db.exec('BEGIN IMMEDIATE'));
      try {
        const result = await this.scope.run(true, () => fn(this));
        this.guard(() => this.db.exec('COMMIT'));
        return result;
      } catch (error) {
        if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.lock.withLock(() => {
      this.closed = true;
      this.statements.clear();
      this.db.close();
    });
  }

  private run<T>(fn: () => T): Promise<T> {
    if (this.scope.current()) return Promise.resolve().then(() => this.guard(fn));
    return this.lock.withLock(() => this.guard(fn));
  }

  private guard<T>(fn: () => T): T {
    if (this.closed) {
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `The metadata store at ${this.url} is closed.`, {
        details: { url: this.url },
      });
    }
    try {
      return fn();
    } catch (error) {
      throw mapSqlError(error, this.dialect, this.url);
    }
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

function bind(params: readonly SqlValue[]): unknown[] {
  return params.map((v) => {
    if (v === undefined) return null;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Uint8Array && !Buffer.isBuffer(v))
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return v;
  });
}

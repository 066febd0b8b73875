import type { Pool, PoolClient } from 'pg';
import { KeelError, type Logger } from '../../core/index.js';
import {
  isSqlError,
  mapSqlError,
  type SqlDriver,
  type SqlRow,
  type SqlValue,
  storeUnavailable,
  TransactionScope,
} from '../sql/index.js';
import { postgresDialect } from './postgres-dialect.js';
import type { PostgresTarget } from './postgres-url.js';

const OID = { int8: 20, numeric: 1700, json: 114, jsonb: 3802 } as const;

/**
 * A `SqlDriver` over a `pg` Pool. Every connection uses the target schema (`search_path`); int8 and
 * numeric come back as JS numbers and JSON as its stored text, matching the SQLite driver.
 * A transaction holds one pooled client; calls from inside it join it.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = postgresDialect;
  private readonly pool: Pool;
  private readonly url: string;
  private readonly scope = new TransactionScope<PoolClient>();
  private closed = false;

  private constructor(pool: Pool, url: string) {
    this.pool = pool;
    this.url = url;
  }

  /** Loads `pg`, connects, and creates the schema when absent; `KEEL_STORE_UNAVAILABLE` naming the redacted URL on failure. */
  static async open(target: PostgresTarget, redactedUrl: string, log: Logger): Promise<PostgresDriver> {
    const pg = await import('pg');
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: target.poolMax,
      connectionTimeoutMillis: 10_000,
      options: `-c search_path=${target.schema}`,
      types: {
        getTypeParser: ((oid: number, format?: string) => {
          if (oid === OID.int8 || oid === OID.numeric) return (v: string) => Number(v);
          if (oid === OID.json || oid === OID.jsonb) return (v: string) => v;
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client dropped by the server must not crash the process; the next query reconnects.
    pool.on('error', (error) =>
      log.warn({ err: error, url: redactedUrl }, 'postgres metadata connection lost'),
    );
    const driver = new PostgresDriver(pool, redactedUrl);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw storeUnavailable('postgres', redactedUrl, error);
    }
    try {
      await driver.execute(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
    } catch (error) {
      // Two processes creating the schema at once: the loser sees a unique violation; the schema exists.
      if (!isSqlError(error, 'unique')) {
        await driver.close();
        throw error;
      }
    }
    return driver;
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    const res = await this.send(sql, params);
    return res.rows as R[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const res = await this.send(sql, params);
    return res.rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    if (this.scope.current()) return fn(this);
    this.assertOpen();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw mapSqlError(error, this.dialect, this.url);
    }
    let broken: Error | undefined;
    try {
      await this.control(client, 'BEGIN');
      const result = await this.scope.run(client, () => fn(this));
      await this.control(client, 'COMMIT');
      return result;
    } catch (error) {
      // The caller's own error passes through unchanged; statements inside were mapped by send().
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async send(
    sql: string,
    params: readonly SqlValue[],
  ): Promise<{ rows: unknown[]; rowCount: number | null }> {
    this.assertOpen();
    const conn = this.scope.current() ?? this.pool;
    try {
      return await conn.query(this.dialect.placeholders(sql), params.map(bind));
    } catch (error) {
      throw mapSqlError(error, this.dialect, this.url);
    }
  }

  private async control(client: PoolClient, statement: 'BEGIN' | 'COMMIT'): Promise<void> {
    try {
      await client.query(statement);
    } catch (error) {
      throw mapSqlError(error, this.dialect, this.url);
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `The metadata store at ${this.url} is closed.`, {
        details: { url: this.url },
      });
    }
  }
}

function bind(v: SqlValue): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array && !Buffer.isBuffer(v))
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

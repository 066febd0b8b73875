import { DuckDBInstance } from '@duckdb/node-api';
import { type Frame, KeelError } from '../../core/index.js';
import { DuckDBSession, type QueryFrameOptions, type RowValue } from './duckdb-session.js';
import type { StreamFrameOptions } from './frame-options.js';

/** Options for `DuckDBEngine.open`. */
export interface DuckDBEngineOptions {
  /** Database file, or `:memory:` (the default) for a private in-memory database. */
  readonly path?: string;
  /** Worker threads DuckDB may use (default: DuckDB's choice, the number of cores). */
  readonly threads?: number;
  /** Memory DuckDB may use before spilling, e.g. `2GB` (default: DuckDB's, 80% of RAM). */
  readonly memoryLimit?: string;
  /** Folder for spill files of larger-than-memory operations (default: DuckDB's). */
  readonly tempDirectory?: string;
  /** Connections kept in the pool; `acquire` waits when all are in use (default 4). */
  readonly maxConnections?: number;
}

/**
 * One DuckDB database (in memory or in a file) with a small pool of connections.
 *
 * Every connection runs in UTC and never downloads extensions: what is built in (parquet, json,
 * icu) is what Keel uses. Sessions are borrowed with `withSession` (or `acquire`/`release`);
 * the convenience methods borrow one for a single statement.
 */
export class DuckDBEngine {
  private readonly idle: DuckDBSession[] = [];
  private readonly waiters: ((session: DuckDBSession) => void)[] = [];
  private open = 0;
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The database path (`:memory:` for in-memory). */
    readonly path: string,
    private readonly maxConnections: number,
  ) {}

  /** Opens (or creates) the database; fails with `KEEL_STORE_UNAVAILABLE` when the file cannot be opened. */
  static async open(options: DuckDBEngineOptions = {}): Promise<DuckDBEngine> {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory !== undefined) config.temp_directory = options.tempDirectory;
    const path = options.path ?? ':memory:';
    try {
      const instance = await DuckDBInstance.create(path, config);
      return new DuckDBEngine(instance, path, Math.max(1, options.maxConnections ?? 4));
    } catch (error) {
      throw new KeelError(
        'KEEL_STORE_UNAVAILABLE',
        `Cannot open the DuckDB database ${path}: ${(error as Error).message}`,
        {
          cause: error,
          details: { path },
        },
      );
    }
  }

  /** Borrows a session; wait for one when `maxConnections` are in use. Give it back with `release`. */
  async acquire(): Promise<DuckDBSession> {
    if (this.closed) throw new KeelError('KEEL_STORE_UNAVAILABLE', 'The DuckDB engine is closed.');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.open < this.maxConnections) {
      this.open++;
      try {
        const connection = await this.instance.connect();
        await connection.run("SET TimeZone = 'UTC'");
        return new DuckDBSession(connection);
      } catch (error) {
        this.open--;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Returns a session to the pool after dropping its temporary names. */
  async release(session: DuckDBSession): Promise<void> {
    await session.cleanUp();
    const waiter = this.waiters.shift();
    if (waiter) return waiter(session);
    if (this.closed) {
      session.connection.closeSync();
      this.open--;
      if (this.open === 0) this.instance.closeSync();
      return;
    }
    this.idle.push(session);
  }

  /** Runs `fn` with a borrowed session and always gives it back. */
  async withSession<T>(fn: (session: DuckDBSession) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await fn(session);
    } finally {
      await this.release(session);
    }
  }

  /** Runs statements that return nothing of interest. */
  exec(sql: string): Promise<void> {
    return this.withSession((s) => s.exec(sql));
  }

  /** Runs a small query and returns plain row objects. */
  queryRows(sql: string): Promise<Record<string, RowValue>[]> {
    return this.withSession((s) => s.queryRows(sql));
  }

  /** Runs a query and converts its result to a `Frame`. */
  queryFrame(sql: string, options?: QueryFrameOptions): Promise<Frame> {
    return this.withSession((s) => s.queryFrame(sql, options));
  }

  /** Streams a query as frames; the session is held until the iteration ends or is abandoned. */
  async *streamFrames(sql: string, options?: StreamFrameOptions): AsyncGenerator<Frame> {
    const session = await this.acquire();
    try {
      yield* session.streamFrames(sql, options);
    } finally {
      await this.release(session);
    }
  }

  /** Closes idle connections and the database; sessions still out are closed when released. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.idle.splice(0)) {
      s.connection.closeSync();
      this.open--;
    }
    if (this.open === 0) this.instance.closeSync();
  }
}

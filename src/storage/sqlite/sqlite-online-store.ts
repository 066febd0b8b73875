import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { KeelError } from '../../core/index.js';
import type {
  OnlineCapabilities,
  OnlineRecord,
  OnlineStore,
  OnlineValue,
  OnlineWriteResult,
  OnlineWriteRow,
} from '../contracts/index.js';
import { assertEntityKeys, assertOnlineRows, assertOnlineView } from '../online-validation.js';

/** Keys per `IN (...)` read statement; larger batches are read in chunks of this size. */
const READ_CHUNK = 256;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS keel_online (
     view TEXT NOT NULL,
     entity_key TEXT NOT NULL,
     event_ts REAL NOT NULL,
     created_ts REAL,
     record TEXT NOT NULL,
     PRIMARY KEY (view, entity_key)) WITHOUT ROWID`,
  'CREATE TABLE IF NOT EXISTS keel_online_views (view TEXT PRIMARY KEY, newest_event REAL NOT NULL)',
];

// The conflict rule of the contract, in the upsert itself: replace only when (event, created) >= stored.
const UPSERT = `INSERT INTO keel_online (view, entity_key, event_ts, created_ts, record) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (view, entity_key) DO UPDATE SET
    event_ts = excluded.event_ts, created_ts = excluded.created_ts, record = excluded.record
  WHERE excluded.event_ts > keel_online.event_ts
     OR (excluded.event_ts = keel_online.event_ts
         AND coalesce(excluded.created_ts, -1e308) >= coalesce(keel_online.created_ts, -1e308))`;

interface StoredRow {
  entity_key: string;
  event_ts: number;
  created_ts: number | null;
  record: string;
}

/**
 * The embedded online store in its own SQLite file (not the metadata store's): one row per
 * (view, entity) holding the record as JSON, the conflict rule enforced by the upsert's `WHERE`,
 * each `writeBatch` in one transaction. Reads are prepared `IN (...)` lookups on the primary key.
 * better-sqlite3 is synchronous, so calls in one process never interleave; other processes share
 * the file through WAL.
 */
export class SqliteOnlineStore implements OnlineStore {
  readonly backend = 'sqlite';
  readonly capabilities: OnlineCapabilities;
  private readonly db: Database.Database;
  private readonly url: string;
  private readonly upsert: Database.Statement;
  private readonly bumpNewest: Database.Statement;
  private readonly readOne: Database.Statement;
  private readonly readMany = new Map<number, Database.Statement>();
  private readonly writeTx: (view: string, rows: readonly OnlineWriteRow[]) => number;
  private closed = false;

  private constructor(db: Database.Database, url: string, shared: boolean) {
    this.db = db;
    this.url = url;
    this.capabilities = { shared, atomicBatch: true };
    for (const ddl of SCHEMA) db.exec(ddl);
    this.upsert = db.prepare(UPSERT);
    this.bumpNewest = db.prepare(
      `INSERT INTO keel_online_views (view, newest_event) VALUES (?, ?)
       ON CONFLICT (view) DO UPDATE SET newest_event = max(newest_event, excluded.newest_event)`,
    );
    this.readOne = db.prepare(
      'SELECT entity_key, event_ts, created_ts, record FROM keel_online WHERE view = ? AND entity_key = ?',
    );
    this.writeTx = db.transaction((view: string, rows: readonly OnlineWriteRow[]) => {
      let written = 0;
      let newest = Number.NEGATIVE_INFINITY;
      // Key order makes B-tree inserts local; the sort is stable, so rows of one entity keep their order.
      const ordered = rows.length > 64 ? [...rows].sort(byEntityKey) : rows;
      for (const r of ordered) {
        written += this.upsert.run(
          view,
          r.entityKey,
          r.eventTimestampMs,
          r.createdTimestampMs ?? null,
          JSON.stringify(r.values),
        ).changes;
        if (r.eventTimestampMs > newest) newest = r.eventTimestampMs;
      }
      if (rows.length > 0) this.bumpNewest.run(view, newest);
      return written;
    });
  }

  /** Opens (creating folders, file and tables as needed) the store at `path` or `:memory:`; WAL, busy timeout. */
  static open(
    path: string,
    options: { readonly url: string; readonly busyTimeoutMs: number },
  ): SqliteOnlineStore {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path);
      if (path !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
      db.pragma('synchronous = NORMAL');
      // Entities arrive in hash order (materialization): a larger page cache keeps B-tree writes fast.
      db.pragma('cache_size = -65536');
      return new SqliteOnlineStore(db, options.url, path !== ':memory:');
    } catch (error) {
      throw new KeelError(
        'KEEL_STORE_UNAVAILABLE',
        `Cannot open the SQLite online store at ${options.url}: ${(error as Error).message}`,
        { cause: error, details: { url: options.url } },
      );
    }
  }

  async writeBatch(view: string, rows: readonly OnlineWriteRow[]): Promise<OnlineWriteResult> {
    assertOnlineView(view);
    assertOnlineRows(rows);
    const written = this.guard(() => this.writeTx(view, rows));
    return { written, skipped: rows.length - written };
  }

  async readLatest(
    view: string,
    entityKeys: readonly string[],
    features: readonly string[],
  ): Promise<(OnlineRecord | null)[]> {
    assertOnlineView(view);
    assertEntityKeys(entityKeys);
    if (entityKeys.length === 1) {
      const row = this.guard(() => this.readOne.get(view, entityKeys[0]) as StoredRow | undefined);
      return [row ? toRecord(row, features) : null];
    }
    const found = new Map<string, StoredRow>();
    const unique = [...new Set(entityKeys)];
    for (let i = 0; i < unique.length; i += READ_CHUNK) {
      const part = unique.slice(i, i + READ_CHUNK);
      const rows = this.guard(() => this.inStatement(part.length).all(view, ...part) as StoredRow[]);
      for (const r of rows) found.set(r.entity_key, r);
    }
    return entityKeys.map((k) => {
      const row = found.get(k);
      return row ? toRecord(row, features) : null;
    });
  }

  async deleteEntities(view: string, entityKeys: readonly string[]): Promise<number> {
    assertOnlineView(view);
    assertEntityKeys(entityKeys);
    const unique = [...new Set(entityKeys)];
    return this.guard(() =>
      this.db.transaction(() => {
        let removed = 0;
        for (let i = 0; i < unique.length; i += READ_CHUNK) {
          const part = unique.slice(i, i + READ_CHUNK);
          removed += this.db
            .prepare(`DELETE FROM keel_online WHERE view = ? AND entity_key IN (${marks(part.length)})`)
            .run(view, ...part).changes;
        }
        return removed;
      })(),
    );
  }

  async clearView(view: string): Promise<number> {
    assertOnlineView(view);
    return this.guard(() =>
      this.db.transaction(() => {
        const removed = this.db.prepare('DELETE FROM keel_online WHERE view = ?').run(view).changes;
        this.db.prepare('DELETE FROM keel_online_views WHERE view = ?').run(view);
        return removed;
      })(),
    );
  }

  async newestEventTimestamp(view: string): Promise<number | null> {
    assertOnlineView(view);
    const row = this.guard(
      () =>
        this.db.prepare('SELECT newest_event FROM keel_online_views WHERE view = ?').get(view) as
          | { newest_event: number }
          | undefined,
    );
    return row ? row.newest_event : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.readMany.clear();
    this.db.close();
  }

  private inStatement(n: number): Database.Statement {
    let stmt = this.readMany.get(n);
    if (!stmt) {
      stmt = this.db.prepare(
        `SELECT entity_key, event_ts, created_ts, record FROM keel_online WHERE view = ? AND entity_key IN (${marks(n)})`,
      );
      this.readMany.set(n, stmt);
    }
    return stmt;
  }

  private guard<T>(fn: () => T): T {
    if (this.closed) {
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `The online store at ${this.url} is closed.`, {
        details: { url: this.url },
      });
    }
    try {
      return fn();
    } catch (error) {
      if (error instanceof KeelError) throw error;
      const code = (error as { code?: string }).code ?? '';
      const busy = code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
      throw new KeelError(
        busy ? 'KEEL_STORE_CONFLICT' : 'KEEL_STORE_UNAVAILABLE',
        `The SQLite online store at ${this.url} failed: ${(error as Error).message}`,
        { cause: error, details: { url: this.url } },
      );
    }
  }
}

function byEntityKey(a: OnlineWriteRow, b: OnlineWriteRow): number {
  return a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : 0;
}

function marks(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

function toRecord(row: StoredRow, features: readonly string[]): OnlineRecord {
  const record = JSON.parse(row.record) as Record<string, OnlineValue>;
  const values = new Array<OnlineValue | undefined>(features.length);
  for (let i = 0; i < features.length; i++) {
    const f = features[i]!;
    values[i] = Object.hasOwn(record, f) ? record[f] : undefined;
  }
  return { values, eventTimestampMs: row.event_ts, createdTimestampMs: row.created_ts };
}

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  columnFromValues,
  type DataType,
  Frame,
  isValidName,
  KeelError,
  numberColumn,
} from '../../core/index.js';
import type {
  LatestRowsBatch,
  LatestRowsRequest,
  OfflineCapabilities,
  OfflineSource,
  OfflineStore,
  OfflineTable,
  OfflineValueType,
  PointInTimeRequest,
} from '../contracts/index.js';
import type { DuckDBEngine } from './duckdb-engine.js';
import { frameType, offlineError } from './internal/offline-errors.js';
import {
  countSql,
  duckType,
  ENTITY_TS,
  fileRelation,
  latestSql,
  pointInTimeSql,
  ROW,
  type TableResolver,
} from './internal/offline-sql.js';
import { quoteIdent, quoteLiteral } from './sql.js';

const DEFAULT_PARTITION_ROWS = 1_000_000;
const DEFAULT_BATCH_ROWS = 65_536;

/**
 * The embedded offline store: DuckDB computes point-in-time joins (ASOF) and latest-row pulls over
 * Parquet files it reads itself, tables staged by the caller, and append-only logs kept as Parquet
 * files under `<folder>/logs/<name>/` (each append one file, renamed into place so readers never
 * see half of it). Spill files go to `<folder>/tmp`.
 */
export class DuckDBOfflineStore implements OfflineStore {
  readonly backend = 'duckdb';
  readonly capabilities: OfflineCapabilities;
  private readonly staged = new Set<string>();
  private closed = false;

  constructor(
    private readonly engine: DuckDBEngine,
    private readonly folder: string,
    private readonly ownsFolder: boolean,
  ) {
    this.capabilities = { nativeFormats: ['parquet'], durableLog: !ownsFolder };
  }

  /** Opens a store keeping its logs in `folder`, or in a private temporary folder when `folder` is `:memory:`. */
  static async open(
    folder: string,
    options: { readonly threads?: number; readonly memoryLimit?: string },
  ): Promise<DuckDBOfflineStore> {
    const memory = folder === ':memory:';
    const dir = memory ? mkdtempSync(join(tmpdir(), 'keel-offline-')) : folder;
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const { openDuckDBEngine } = await import('./index.js');
    const engine = await openDuckDBEngine({
      tempDirectory: join(dir, 'tmp'),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
    });
    return new DuckDBOfflineStore(engine, dir, memory);
  }

  private readonly resolve: TableResolver = (table) => {
    switch (table.kind) {
      case 'file':
        if (!this.capabilities.nativeFormats.includes(table.format)) {
          throw new KeelError(
            'KEEL_INTERNAL',
            `The DuckDB offline store does not read ${table.format} files natively; stage them.`,
          );
        }
        return fileRelation(table.format, table.path);
      case 'staged':
        if (!this.staged.has(table.id)) {
          throw new KeelError(
            'KEEL_INTERNAL',
            `Staged table ${table.id} is unknown (unstaged or from another store).`,
          );
        }
        return quoteIdent(table.id);
      default: {
        const dir = this.logDir(table.name);
        const files = listParquet(dir);
        return files.length === 0
          ? null
          : `read_parquet(${quoteLiteral(join(dir, '*.parquet'))}, union_by_name = true)`;
      }
    }
  };

  async getHistoricalFeatures(request: PointInTimeRequest): Promise<Frame> {
    this.assertOpen();
    const { entities, timestampColumn, views } = request;
    const ts = entities.numberColumn(timestampColumn).values;
    let minMs = Number.POSITIVE_INFINITY;
    let maxMs = Number.NEGATIVE_INFINITY;
    for (const t of ts) {
      if (t < minMs) minMs = t;
      if (t > maxMs) maxMs = t;
    }
    const keyNames = [...new Set(views.flatMap((v) => v.joinKeys.map((k) => k.name)))];
    const types: Record<string, DataType> = {};
    for (const v of views) for (const f of v.features) types[f.name] = frameType(f.type);
    const table = Frame.fromColumns([
      numberColumn(
        ROW,
        Float64Array.from({ length: entities.rowCount }, (_, i) => i),
        'integer',
      ),
      ...keyNames.map((k) => entities.column(k)),
      { ...entities.numberColumn(timestampColumn), name: ENTITY_TS, type: 'timestamp' as const },
    ]);
    if (entities.rowCount === 0) {
      return Frame.fromColumns(
        Object.entries(types).map(([n, t]) => columnFromValues({ name: n, type: t, nullable: true }, [])),
      );
    }
    return this.engine.withSession(async (session) => {
      const name = session.tempName('keel_entities');
      await session.writeTable(name, table, { temporary: true });
      const sql = pointInTimeSql(name, views, { minMs, maxMs }, this.resolve);
      try {
        const frame = await session.queryFrame(sql, { types });
        if (Object.keys(types).length === 0) return Frame.fromColumns([]);
        return inInputOrder(frame);
      } catch (error) {
        throw offlineError(error, `Point-in-time join over ${views.map((v) => `"${v.name}"`).join(', ')}`);
      }
    });
  }

  async *pullLatest(request: LatestRowsRequest): AsyncGenerator<LatestRowsBatch> {
    this.assertOpen();
    const sourceRows = await this.countRows(request.source, request.startMs, request.endMs);
    if (sourceRows === 0) return;
    const perPartition = request.partitionRows ?? DEFAULT_PARTITION_ROWS;
    const partitions = request.joinKeys.length === 0 ? 1 : Math.max(1, Math.ceil(sourceRows / perPartition));
    const types: Record<string, DataType> = { event_timestamp: 'timestamp', created_timestamp: 'timestamp' };
    for (const c of [...request.joinKeys, ...request.features]) types[c.name] = frameType(c.type);
    const session = await this.engine.acquire();
    try {
      for (let p = 0; p < partitions; p++) {
        const sql = latestSql(request, p, partitions, this.resolve);
        const frames = session.streamFrames(sql, {
          types,
          batchRows: request.batchRows ?? DEFAULT_BATCH_ROWS,
        });
        try {
          for await (const frame of frames) yield { frame, partition: p, partitions, sourceRows };
        } catch (error) {
          throw offlineError(error, 'Reading the latest rows');
        }
      }
    } finally {
      await this.engine.release(session);
    }
  }

  async countRows(source: OfflineSource, startMs: number, endMs: number): Promise<number> {
    this.assertOpen();
    try {
      const rows = await this.engine.queryRows(countSql(source, startMs, endMs, this.resolve));
      return Number(rows[0]?.n ?? 0);
    } catch (error) {
      throw offlineError(error, 'Counting source rows');
    }
  }

  async appendLog(name: string, rows: Frame): Promise<void> {
    this.assertOpen();
    assertLogName(name);
    if (rows.rowCount === 0) return;
    const dir = this.logDir(name);
    mkdirSync(dir, { recursive: true });
    const id = `${Date.now().toString().padStart(15, '0')}-${randomBytes(6).toString('hex')}`;
    const temp = join(dir, `.${id}.tmp`);
    try {
      await this.engine.withSession(async (session) => {
        const table = session.tempName('keel_log');
        await session.writeTable(table, rows, { temporary: true });
        await session.exec(
          `COPY (SELECT * FROM ${quoteIdent(table)}) TO ${quoteLiteral(temp)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      });
      renameSync(temp, join(dir, `${id}.parquet`));
    } catch (error) {
      rmSync(temp, { force: true });
      throw new KeelError(
        'KEEL_STORE_UNAVAILABLE',
        `Cannot append to the offline log "${name}": ${(error as Error).message}`,
        {
          cause: error,
          details: { log: name },
        },
      );
    }
  }

  async stage(
    batches: AsyncIterable<Frame>,
    columns: Readonly<Record<string, OfflineValueType>>,
  ): Promise<OfflineTable> {
    this.assertOpen();
    const id = `keel_staged_${randomBytes(8).toString('hex')}`;
    const names = Object.keys(columns);
    const ddl = names.map((n) => `${quoteIdent(n)} ${duckType(columns[n]!)}`).join(', ');
    await this.engine.withSession(async (session) => {
      await session.exec(`CREATE TABLE ${quoteIdent(id)} (${ddl})`);
      this.staged.add(id);
      try {
        for await (const frame of batches) {
          if (frame.rowCount > 0) await session.writeTable(id, frame.select(names), { mode: 'append' });
        }
      } catch (error) {
        await this.unstage({ kind: 'staged', id });
        throw offlineError(error, 'Staging source rows');
      }
    });
    return { kind: 'staged', id };
  }

  async unstage(table: OfflineTable): Promise<void> {
    if (table.kind !== 'staged' || !this.staged.delete(table.id) || this.closed) return;
    await this.engine.exec(`DROP TABLE IF EXISTS ${quoteIdent(table.id)}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.staged.clear();
    await this.engine.close();
    if (this.ownsFolder) rmSync(this.folder, { recursive: true, force: true });
  }

  private logDir(name: string): string {
    return join(this.folder, 'logs', name);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new KeelError('KEEL_STORE_UNAVAILABLE', `The offline store at ${this.folder} is closed.`);
  }
}

/** The rows put back in entity-row order (`__keel_row` is 0..n-1, each once), without that column. */
function inInputOrder(frame: Frame): Frame {
  const rows = frame.numberColumn(ROW).values;
  const order = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) order[rows[i]!] = i;
  return frame.drop([ROW]).take(order);
}

function assertLogName(name: string): void {
  if (!isValidName(name)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Offline log name ${JSON.stringify(name)} is not allowed: start with a letter, then use letters, digits, _ . -.`,
      { details: { log: name } },
    );
  }
}

function listParquet(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.parquet'));
  } catch {
    return [];
  }
}

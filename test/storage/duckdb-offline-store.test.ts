import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  categoricalColumn,
  Frame,
  numberColumn,
  silentLogger,
  systemClock,
  textColumn,
} from '../../src/core/index.js';
import { writeFrame } from '../../src/data/index.js';
import { type LatestRowsRequest, type OfflineStore, openStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('keel-offline-');
const options = { root, log: silentLogger(), clock: systemClock };
const T = (h: number): number => Date.UTC(2024, 0, 1, h);

describe('duckdb offline store', () => {
  const opened: OfflineStore[] = [];
  const open = async (url = 'duckdb::memory:'): Promise<OfflineStore> => {
    const s = await openStore('offline', url, options);
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  it('pulls the latest row per entity, the same whatever the number of partitions, in key order', async () => {
    const store = await open();
    const n = 3000;
    const path = join(root, 'latest.parquet');
    await writeFrame(
      Frame.fromColumns([
        numberColumn(
          'k',
          Array.from({ length: n }, (_, i) => i % 500),
          'integer',
        ),
        numberColumn(
          'ts',
          Array.from({ length: n }, (_, i) => T(i % 7)),
          'timestamp',
        ),
        numberColumn(
          'v',
          Array.from({ length: n }, (_, i) => i),
        ),
      ]),
      path,
    );
    const request = (partitionRows: number): LatestRowsRequest => ({
      source: { tables: [{ kind: 'file', format: 'parquet', path }], timestampColumn: 'ts' },
      joinKeys: [{ name: 'k', column: 'k', type: 'int64' }],
      features: [{ name: 'v', column: 'v', type: 'float64' }],
      startMs: T(0),
      endMs: T(5),
      partitionRows,
      batchRows: 100,
    });
    const collect = async (partitionRows: number) => {
      const rows: Record<string, unknown>[] = [];
      let partitions = 0;
      for await (const batch of store.pullLatest(request(partitionRows))) {
        partitions = batch.partitions;
        const keys = Array.from(batch.frame.numberColumn('k').values);
        expect(keys).toEqual([...keys].sort((a, b) => a - b));
        rows.push(...batch.frame.toRecords());
      }
      return { rows: rows.sort((a, b) => (a.k as number) - (b.k as number)), partitions };
    };
    const one = await collect(1_000_000);
    const many = await collect(200);
    expect(one.partitions).toBe(1);
    expect(many.partitions).toBeGreaterThan(5);
    expect(many.rows).toEqual(one.rows);
    expect(one.rows).toHaveLength(500);
    // Entity 3 has rows i = 3, 503, ..., 2503 at hours i % 7 = 3, 6, 2, 5, 1, 4: hour 6 is outside, hour 5 (i = 1503) wins.
    expect(one.rows[3]).toEqual({ k: 3, v: 1503, event_timestamp: T(5), created_timestamp: null });
    // Rows with i % 7 <= 5: 428 full cycles of 6, plus i = 2996..2999 (hours 0-3).
    expect(await store.countRows(request(1).source, T(0), T(5))).toBe(2572);
  });

  it('appends logs atomically and reads them with their batch source, columns united by name', async () => {
    const store = await open(`duckdb:offline-${Date.now()}`);
    const first = Frame.fromColumns([
      numberColumn('k', [1], 'integer'),
      numberColumn('ts', [T(1)], 'timestamp'),
      numberColumn('a', [1]),
    ]);
    const second = Frame.fromColumns([
      numberColumn('k', [2], 'integer'),
      numberColumn('ts', [T(2)], 'timestamp'),
      numberColumn('a', [2]),
      textColumn('b', ['x']),
    ]);
    await store.appendLog('events', first);
    await store.appendLog('events', second);
    await store.appendLog('events', Frame.fromColumns([numberColumn('k', [], 'integer')]));
    const dir = readdirSync(root).find((d) => d.startsWith('offline-'))!;
    expect(readdirSync(join(root, dir, 'logs', 'events')).filter((f) => f.endsWith('.parquet'))).toHaveLength(
      2,
    );
    const source = {
      tables: [
        { kind: 'log' as const, name: 'events' },
        { kind: 'log' as const, name: 'empty' },
      ],
      timestampColumn: 'ts',
    };
    expect(await store.countRows(source, T(0), T(10))).toBe(2);
    const joined = await store.getHistoricalFeatures({
      entities: Frame.fromColumns([
        numberColumn('k', [2, 1], 'integer'),
        numberColumn('t', [T(3), T(3)], 'timestamp'),
      ]),
      timestampColumn: 't',
      views: [
        {
          name: 'v',
          source,
          joinKeys: [{ name: 'k', column: 'k', type: 'int64' }],
          features: [{ name: 'b', column: 'b', type: 'string' }],
          ttlMs: null,
        },
      ],
    });
    expect(joined.toRecords()).toEqual([{ b: 'x' }, { b: null }]);
    await expect(store.appendLog('../evil', first)).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
  });

  it('stages rows it cannot read natively and drops them on unstage', async () => {
    const store = await open();
    async function* batches() {
      yield Frame.fromColumns([
        categoricalColumn('k', ['a', 'b']),
        numberColumn('ts', [T(1), T(2)], 'timestamp'),
        numberColumn('v', [1, 2]),
        numberColumn('extra', [0, 0]),
      ]);
      yield Frame.fromColumns([
        categoricalColumn('k', ['c']),
        numberColumn('ts', [T(3)], 'timestamp'),
        numberColumn('v', [3]),
        numberColumn('extra', [0]),
      ]);
    }
    const table = await store.stage(batches(), { k: 'string', ts: 'timestamp', v: 'float64' });
    const source = { tables: [table], timestampColumn: 'ts' };
    expect(await store.countRows(source, T(0), T(9))).toBe(3);
    await store.unstage(table);
    await store.unstage(table);
    await expect(store.countRows(source, T(0), T(9))).rejects.toMatchObject({ code: 'KEEL_INTERNAL' });
  });

  it('maps DuckDB failures to codes: bad values, missing columns, missing files', async () => {
    const store = await open();
    const path = join(root, 'bad.parquet');
    await writeFrame(
      Frame.fromColumns([
        textColumn('k', ['a']),
        numberColumn('ts', [T(1)], 'timestamp'),
        textColumn('v', ['not a number']),
      ]),
      path,
    );
    const entities = Frame.fromColumns([textColumn('k', ['a']), numberColumn('t', [T(2)], 'timestamp')]);
    const view = (column: string, file = path) => ({
      name: 'v',
      source: {
        tables: [{ kind: 'file' as const, format: 'parquet' as const, path: file }],
        timestampColumn: 'ts',
      },
      joinKeys: [{ name: 'k', column: 'k', type: 'string' as const }],
      features: [{ name: 'v', column, type: 'float64' as const }],
      ttlMs: null,
    });
    await expect(
      store.getHistoricalFeatures({ entities, timestampColumn: 't', views: [view('v')] }),
    ).rejects.toMatchObject({ code: 'KEEL_FEATURE_BAD_VALUE' });
    await expect(
      store.getHistoricalFeatures({ entities, timestampColumn: 't', views: [view('nope')] }),
    ).rejects.toMatchObject({ code: 'KEEL_FEATURE_DEFINITION_INVALID' });
    await expect(
      store.getHistoricalFeatures({
        entities,
        timestampColumn: 't',
        views: [view('v', join(root, 'missing.parquet'))],
      }),
    ).rejects.toMatchObject({ code: 'KEEL_DATA_FILE_NOT_FOUND' });
    await expect(openStore('offline', 'duckdb::memory:?memory_limit=lots', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('offline', 'duckdb::memory:?pool=3', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    expect(existsSync(root)).toBe(true);
  });
});

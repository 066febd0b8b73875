import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { type DuckDBEngine, openDuckDBEngine } from '../../src/storage/index.js';

let engine: DuckDBEngine;
beforeAll(async () => {
  engine = await openDuckDBEngine({ maxConnections: 2 });
});
afterAll(async () => {
  await engine.close();
});

describe('DuckDB engine: query → Frame', () => {
  it('maps every common DuckDB type to the Keel type and value', async () => {
    const frame = await engine.queryFrame(`
      SELECT * FROM (VALUES
        (1.5::DOUBLE, 2.25::FLOAT, 12.34::DECIMAL(6,2), 123456789012.345::DECIMAL(18,3), -7::TINYINT, 300::SMALLINT,
         -70000::INTEGER, 9007199254740991::BIGINT, -9007199254740991::BIGINT, 250::UTINYINT, 4000000000::UINTEGER,
         true, DATE '2024-02-29', TIMESTAMP '2024-01-01 00:14:42.123', TIMESTAMPTZ '2024-01-01 02:00:00+02',
         'short', 'a string longer than twelve bytes', 'ünï', 170141183460469231731687303715884105727::HUGEINT, TIME '12:30:00'),
        (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
      ) t(d, f, dec, dec64, ti, si, i, bi, nbi, ut, ui, b, dt, ts, tstz, s, l, u, h, tm)`);
    expect(frame.rowCount).toBe(2);
    const types = Object.fromEntries(frame.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({
      d: 'numeric',
      f: 'numeric',
      dec: 'numeric',
      dec64: 'numeric',
      ti: 'integer',
      si: 'integer',
      i: 'integer',
      bi: 'integer',
      nbi: 'integer',
      ut: 'integer',
      ui: 'integer',
      b: 'boolean',
      dt: 'timestamp',
      ts: 'timestamp',
      tstz: 'timestamp',
      s: 'categorical',
      l: 'categorical',
      u: 'categorical',
      h: 'integer',
      tm: 'text',
    });
    expect(frame.row(0)).toEqual({
      d: 1.5,
      f: 2.25,
      dec: 12.34,
      dec64: 123456789012.345,
      ti: -7,
      si: 300,
      i: -70000,
      bi: 9007199254740991,
      nbi: -9007199254740991,
      ut: 250,
      ui: 4000000000,
      b: true,
      dt: Date.UTC(2024, 1, 29),
      ts: Date.UTC(2024, 0, 1, 0, 14, 42, 123),
      tstz: Date.UTC(2024, 0, 1, 0, 0, 0),
      s: 'short',
      l: 'a string longer than twelve bytes',
      u: 'ünï',
      h: 1.7014118346046923e38,
      tm: '12:30:00',
    });
    for (const v of Object.values(frame.row(1))) expect(v).toBeNull();
  });

  it('dictionary-encodes strings in order of first appearance and types them with the callback', async () => {
    const seen: unknown[] = [];
    const frame = await engine.queryFrame(
      `SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE 'level_' || (i % 5)::VARCHAR END AS cat,
              'id-' || i::VARCHAR || '-with-a-long-suffix' AS id, ('x' || (i % 2)::VARCHAR)::ENUM('x0', 'x1', 'unused') AS e
       FROM range(5000) r(i)`,
      {
        stringType: (s) => {
          seen.push(s);
          return s.distinct > 100 ? 'text' : 'categorical';
        },
      },
    );
    expect(seen).toEqual([
      { name: 'cat', rows: 5000, nonMissing: 3333, distinct: 5 },
      { name: 'id', rows: 5000, nonMissing: 5000, distinct: 5000 },
      { name: 'e', rows: 5000, nonMissing: 5000, distinct: 2 },
    ]);
    const cat = frame.column('cat');
    expect(cat.type).toBe('categorical');
    if (cat.type !== 'categorical') throw new Error('unreachable');
    expect(cat.levels).toEqual(['level_1', 'level_2', 'level_4', 'level_0', 'level_3']);
    expect(frame.row(0)).toEqual({ cat: null, id: 'id-0-with-a-long-suffix', e: 'x0' });
    expect(frame.row(4999)).toEqual({ cat: 'level_4', id: 'id-4999-with-a-long-suffix', e: 'x1' });
    expect(frame.column('id').type).toBe('text');
  });

  it('applies declared types and refuses impossible ones', async () => {
    const frame = await engine.queryFrame(`SELECT 1 AS flag, 'a' AS s`, {
      types: { flag: 'boolean', s: 'text' },
    });
    expect(frame.schema.fields.map((f) => f.type)).toEqual(['boolean', 'text']);
    await expect(engine.queryFrame(`SELECT 'a' AS s`, { types: { s: 'numeric' } })).rejects.toMatchObject({
      code: 'KEEL_FRAME_TYPE_MISMATCH',
    });
  });

  it('streams exact batches with flat per-batch buffers', async () => {
    const sizes: number[] = [];
    let sum = 0;
    for await (const batch of engine.streamFrames('SELECT i::DOUBLE AS x FROM range(10000) r(i)', {
      batchRows: 3000,
    })) {
      sizes.push(batch.rowCount);
      const x = batch.numberColumn('x').values;
      for (const v of x) sum += v;
    }
    expect(sizes).toEqual([3000, 3000, 3000, 1000]);
    expect(sum).toBe((9999 * 10000) / 2);
  });
});

describe('DuckDB engine: Frame → table', () => {
  const frame = Frame.fromColumns([
    numberColumn('x', [1.5, null, -3, 4e300]),
    numberColumn('n', [1, 2, null, -9007199254740991], 'integer'),
    numberColumn('b', [1, 0, null, 1], 'boolean'),
    numberColumn('t', [Date.UTC(2024, 0, 1, 12), null, 0, -86_400_000], 'timestamp'),
    categoricalColumn('c', ['a', null, "it's", 'a']),
    textColumn('s', ['free text longer than twelve', null, 'x', 'ü']),
  ]);

  it('round-trips every column type through a table', async () => {
    const back = await engine.withSession(async (s) => {
      const name = s.tempName();
      await s.writeTable(name, frame, { temporary: true });
      return s.queryFrame(`SELECT * FROM ${name}`, {
        stringType: (st) => (st.name === 's' ? 'text' : 'categorical'),
      });
    });
    expect(back.schema).toEqual(frame.schema);
    expect(back.toRecords()).toEqual(frame.toRecords());
  });

  it('writes more than one vector of rows and appends through the target types', async () => {
    const n = 5000;
    const big = Frame.fromColumns([
      numberColumn(
        'v',
        Float64Array.from({ length: n }, (_, i) => i),
      ),
    ]);
    const rows = await engine.withSession(async (s) => {
      await s.exec('CREATE TEMP TABLE target (v INTEGER)');
      await s.writeTable('target', big, { mode: 'append' });
      await s.writeTable('target', big.slice(0, 10), { mode: 'append' });
      return s.queryRows('SELECT count(*) AS n, sum(v) AS total, typeof(any_value(v)) AS type FROM target');
    });
    expect(rows).toEqual([{ n: n + 10, total: (n * (n - 1)) / 2 + 45, type: 'INTEGER' }]);
  });

  it('reads a frame in place (withFrame) as writeTable would store it, over several vectors', async () => {
    const viaScan = await engine.withSession((s) =>
      s.withFrame(frame, (table) =>
        s.queryFrame(`SELECT * FROM ${table}`, {
          stringType: (st) => (st.name === 's' ? 'text' : 'categorical'),
        }),
      ),
    );
    expect(viaScan.schema).toEqual(frame.schema);
    expect(viaScan.toRecords()).toEqual(frame.toRecords());
    const n = 5000;
    const big = Frame.fromColumns([
      numberColumn(
        'v',
        Float64Array.from({ length: n }, (_, i) => i),
      ),
    ]);
    const rows = await engine.withSession((s) =>
      s.withFrame(big, (table) =>
        s.queryRows(`SELECT count(*) AS n, sum(v) AS total, min(v) AS lo, max(v) AS hi FROM ${table}`),
      ),
    );
    expect(rows).toEqual([{ n, total: (n * (n - 1)) / 2, lo: 0, hi: n - 1 }]);
    // Rows come in frame order, and the table is gone once the callback settled.
    await engine.withSession(async (s) => {
      let name = '';
      const order = await s.withFrame(big, async (table) => {
        name = table;
        return s.queryRows(
          `SELECT bool_and(v = rn - 1) AS ordered FROM (SELECT v, row_number() OVER () AS rn FROM ${table})`,
        );
      });
      expect(order).toEqual([{ ordered: true }]);
      await expect(s.queryRows(`SELECT count(*) FROM ${name}`)).rejects.toThrow(/no frame is registered/);
    });
  });

  it('drops temporary names when a session is released', async () => {
    let name = '';
    await engine.withSession(async (s) => {
      name = s.tempName();
      await s.exec(`CREATE TEMP TABLE ${name} AS SELECT 1 AS x`);
    });
    // Both pooled connections are checked: neither may still see the table.
    await Promise.all(
      [0, 1].map(() =>
        engine.withSession(async (s) => {
          const rows = await s.queryRows(
            `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = '${name}'`,
          );
          expect(rows[0]!.n).toBe(0);
        }),
      ),
    );
  });

  it('queues sessions beyond the pool size', async () => {
    const order: number[] = [];
    const a = await engine.acquire();
    const b = await engine.acquire();
    const third = engine.withSession(async () => order.push(3));
    order.push(1);
    await engine.release(a);
    await third;
    order.push(2);
    await engine.release(b);
    expect(order).toEqual([1, 3, 2]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomHex } from '../../src/core/index.js';
import { type BadRowReport, readBatches, readFrame, readTable } from '../../src/data/index.js';
import { serviceUrl } from '../helpers/services.js';

const url = serviceUrl('postgres');
const schema = `keel_data_${randomHex(6)}`;

async function sql(text: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe.skipIf(!url)('PostgreSQL sources', () => {
  beforeAll(async () => {
    await sql(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.tx (
        id bigint, amount double precision, price numeric(10, 2), ok boolean,
        at timestamptz, day date, naive timestamp, country text, note varchar(20), code text
      );
      INSERT INTO ${schema}.tx
      SELECT i, i * 1.5, i / 4.0, i % 2 = 0, TIMESTAMPTZ '2024-01-01 02:00:00+02' + i * INTERVAL '1 hour',
             DATE '2024-01-01' + i, TIMESTAMP '2024-01-01 00:00:00.123456' + i * INTERVAL '1 minute',
             (ARRAY['US','GB','FR'])[1 + i % 3], CASE WHEN i % 5 = 0 THEN NULL ELSE 'n' || i END,
             CASE WHEN i = 7 THEN 'x7' ELSE i::text END
      FROM generate_series(0, 99) AS s(i);`);
  });
  afterAll(async () => {
    await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('reads a table with PostgreSQL types mapped to Keel types', async () => {
    const frame = await readFrame(`${url}?table=${schema}.tx`);
    expect(frame.rowCount).toBe(100);
    expect(frame.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['amount', 'numeric'],
      ['price', 'numeric'],
      ['ok', 'boolean'],
      ['at', 'timestamp'],
      ['day', 'timestamp'],
      ['naive', 'timestamp'],
      ['country', 'categorical'],
      ['note', 'text'],
      ['code', 'text'],
    ]);
    expect(frame.row(1)).toEqual({
      id: 1,
      amount: 1.5,
      price: 0.25,
      ok: false,
      at: Date.UTC(2024, 0, 1, 1),
      day: Date.UTC(2024, 0, 2),
      naive: Date.UTC(2024, 0, 1, 0, 1, 0, 123),
      country: 'GB',
      note: 'n1',
      code: '1',
    });
    expect(frame.row(0).note).toBeNull();
  });

  it('reads a query with a column subset and a limit', async () => {
    const frame = await readFrame(url!, {
      query: `SELECT id, country FROM ${schema}.tx WHERE id >= 90`,
      columns: ['country'],
      limit: 3,
    });
    expect(frame.toRecords()).toEqual([{ country: 'US' }, { country: 'GB' }, { country: 'FR' }]);
  });

  it('reports values that do not fit a declared type by row', async () => {
    await expect(
      readFrame(url!, { table: `${schema}.tx`, types: { code: 'integer' } }),
    ).rejects.toMatchObject({
      code: 'KEEL_DATA_TYPE_ERROR',
      details: { row: 8, column: 'code' },
    });
    const result = await readTable(url!, {
      table: `${schema}.tx`,
      types: { code: 'integer' },
      badRows: 'skip',
    });
    expect(result.frame.rowCount).toBe(99);
    expect(result.rowNumbers![7]).toBe(9);
  });

  it('streams batches through a cursor', async () => {
    const sizes: number[] = [];
    let report: BadRowReport | undefined;
    for await (const b of readBatches(url!, {
      table: `${schema}.tx`,
      batchRows: 30,
      types: { code: 'integer' },
      badRows: 'skip',
      onBadRows: (r) => (report = r),
    })) {
      sizes.push(b.rowCount);
      expect(b.column('country').type).toBe('categorical');
    }
    expect(sizes).toEqual([29, 30, 30, 10]); // row 8 (code "x7") is left out of the first batch
    expect(report?.count).toBe(1);
  });

  it('fails with KEEL_STORE_UNAVAILABLE when the server cannot be reached', async () => {
    await expect(readFrame('postgres://nobody@127.0.0.1:1/db?table=t')).rejects.toMatchObject({
      code: 'KEEL_STORE_UNAVAILABLE',
    });
  });
});

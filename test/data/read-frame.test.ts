import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readFrame, readTable } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';
import references from './dataset-references.json' with { type: 'json' };

const repo = resolve(import.meta.dirname, '../..');
const dir = tempDir('keel-read-');
const file = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

type Reference = { file: string; rows: number; columns: { name: string; type: string }[] };
const datasets = Object.entries(references).filter(([k]) => !k.startsWith('_')) as [string, Reference][];

describe('readFrame: the fixture datasets', () => {
  it.each(datasets)('%s: rows and inferred types match the independent reference', async (_, ref) => {
    const frame = await readFrame(join(repo, ref.file));
    expect(frame.rowCount).toBe(ref.rows);
    expect(frame.columns.map((c) => [c.name, c.type])).toEqual(ref.columns.map((c) => [c.name, c.type]));
  });

  it('reads timestamps as epoch ms UTC (naive ones as UTC, zoned ones converted)', async () => {
    const flights = await readFrame(join(repo, 'test/fixtures/datasets/flights/flights.csv'), { limit: 1 });
    expect(flights.row(0).date).toBe(Date.UTC(2001, 0, 1, 0, 47));
    const path = file('zones.csv', 't\n2024-01-02T10:00:00+02:00\n2024-01-01\n');
    const frame = await readFrame(path);
    expect(frame.numberColumn('t').values).toEqual(
      Float64Array.from([Date.UTC(2024, 0, 2, 8), Date.UTC(2024, 0, 1)]),
    );
  });
});

describe('readFrame: options', () => {
  const csv = 'a;b;c\n1;x;2.5\n2;y;\n3;x;4\n';

  it('honours the delimiter, a column subset and a row limit', async () => {
    const frame = await readFrame(file('semi.csv', csv), { delimiter: ';', columns: ['c', 'a'], limit: 2 });
    expect(frame.names).toEqual(['c', 'a']);
    expect(frame.toRecords()).toEqual([
      { c: 2.5, a: 1 },
      { c: null, a: 2 },
    ]);
  });

  it('reads files without a header as column0, column1...', async () => {
    const frame = await readFrame(file('nohead.csv', '1,x\n2,y\n'), { header: false });
    expect(frame.toRecords()).toEqual([
      { column0: 1, column1: 'x' },
      { column0: 2, column1: 'y' },
    ]);
  });

  it('applies declared types over inference', async () => {
    const frame = await readFrame(file('declared.csv', 'sex,flag,code\n1,1,007\n2,0,010\n'), {
      types: { sex: 'categorical', flag: 'boolean', code: 'text' },
    });
    expect(frame.schema.fields.map((f) => f.type)).toEqual(['categorical', 'boolean', 'text']);
    expect(frame.toRecords()).toEqual([
      { sex: '1', flag: true, code: '007' },
      { sex: '2', flag: false, code: '010' },
    ]);
  });

  it('treats the configured strings as missing', async () => {
    const frame = await readFrame(file('nulls.csv', 'x\n1\nNA\n3\n'), { nullValues: ['', 'NA'] });
    expect(frame.column('x').type).toBe('integer');
    expect(frame.toRecords().map((r) => r.x)).toEqual([1, null, 3]);
  });

  it('widens a sniffed type when a value far down the file does not fit it', async () => {
    const ints = Array.from({ length: 30_000 }, (_, i) => `${i},${i}`).join('\n');
    const frame = await readFrame(file('late.csv', `n,m\n${ints}\n1.5,oops\n`));
    expect(frame.column('n').type).toBe('numeric');
    expect(frame.column('m').type).toBe('text');
    expect(frame.rowCount).toBe(30_001);
    expect(frame.row(30_000)).toEqual({ n: 1.5, m: 'oops' });
  });

  it('reads gzipped CSV and tab-separated files', async () => {
    const gz = await readFrame(file('t.csv.gz', gzipSync('a,b\n1,x\n')));
    expect(gz.toRecords()).toEqual([{ a: 1, b: 'x' }]);
    const tsv = await readFrame(file('t.tsv', 'a\tb\n1\tx y\n'));
    expect(tsv.toRecords()).toEqual([{ a: 1, b: 'x y' }]);
  });

  it('reads a header-only CSV as an empty frame with its columns', async () => {
    const frame = await readFrame(file('empty.csv', 'a,b\n'));
    expect(frame.rowCount).toBe(0);
    expect(frame.names).toEqual(['a', 'b']);
  });
});

describe('readFrame: JSON Lines and Parquet', () => {
  it('reads JSON Lines: numbers, strings, ISO timestamps, nulls, nested values as text', async () => {
    const path = file(
      'rows.jsonl',
      '{"id":"a1","x":1,"t":"2024-01-01T00:00:00Z","ok":true,"n":{"k":1}}\n\n{"id":"a2","x":2.5,"t":"2024-01-02","ok":false,"n":null}\n',
    );
    const frame = await readFrame(path);
    expect(frame.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'text'],
      ['x', 'numeric'],
      ['t', 'timestamp'],
      ['ok', 'boolean'],
      ['n', 'text'],
    ]);
    expect(frame.row(1)).toEqual({ id: 'a2', x: 2.5, t: Date.UTC(2024, 0, 2), ok: false, n: null });
  });

  it('gives mixed-type JSON values back as plain strings', async () => {
    const frame = await readFrame(file('mixed.ndjson', '{"v":1}\n{"v":"one"}\n'));
    expect(frame.toRecords().map((r) => r.v)).toEqual(['1', 'one']);
  });

  it('reads Parquet written by DuckDB with its own types', async () => {
    const { openDuckDBEngine } = await import('../../src/storage/index.js');
    const engine = await openDuckDBEngine();
    const path = join(dir, 'other.parquet');
    await engine.exec(
      `COPY (SELECT i::INTEGER AS i, (i * 0.5)::DECIMAL(8,2) AS d, 'v' || (i % 3)::VARCHAR AS s FROM range(5) r(i)) TO '${path}' (FORMAT parquet)`,
    );
    await engine.close();
    const frame = await readFrame(path);
    expect(frame.schema.fields.map((f) => f.type)).toEqual(['integer', 'numeric', 'categorical']);
    expect(frame.row(3)).toEqual({ i: 3, d: 1.5, s: 'v0' });
  });

  it('reads every source through a shared engine when given one', async () => {
    const { openDuckDBEngine } = await import('../../src/storage/index.js');
    const engine = await openDuckDBEngine();
    const result = await readTable(file('shared.csv', 'a\n1\n'), { engine });
    expect(result.frame.rowCount).toBe(1);
    expect(await engine.queryRows('SELECT 41 + 1 AS x')).toEqual([{ x: 42 }]);
    await engine.close();
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Frame, type KeelError, numberColumn } from '../../src/core/index.js';
import { readFrame, readTable, writeFrame } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('keel-bad-');
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

async function failure(promise: Promise<unknown>): Promise<KeelError> {
  try {
    await promise;
  } catch (error) {
    return error as KeelError;
  }
  throw new Error('expected the read to fail');
}

describe('malformed CSV', () => {
  const tooMany = file('too-many.csv', 'a,b,c\n1,x,2\n2,y,3\n3,z,4,extra\n4,w,5\n');
  const tooFew = file('too-few.csv', 'a,b\n1,x\n2,y\n3\n4,z\n');
  const quote = file('quote.csv', 'a,b\n1,"fine, quoted"\n2,"never closed\n3,x\n');

  it('names file, line and field counts for a line with too many fields', async () => {
    const error = await failure(readFrame(tooMany));
    expect(error.code).toBe('KEEL_DATA_PARSE_ERROR');
    expect(error.message).toContain(`${tooMany} line 4: expected 3 fields, found 4`);
    expect(error.message).toContain('3,z,4,extra');
    expect(error.details).toMatchObject({ file: tooMany, line: 4, count: 1, kind: 'TOO MANY COLUMNS' });
  });

  it('names the first missing column of a short line', async () => {
    const error = await failure(readFrame(tooFew));
    expect(error.code).toBe('KEEL_DATA_PARSE_ERROR');
    expect(error.message).toContain(`${tooFew} line 4, column "b": expected 2 fields, found 1`);
    expect(error.details).toMatchObject({ line: 4, column: 'b' });
  });

  it('reports an unterminated quote with its line', async () => {
    const error = await failure(readFrame(quote));
    expect(error.code).toBe('KEEL_DATA_PARSE_ERROR');
    expect(error.message).toContain(`${quote} line 3, column "b": a quoted value is not terminated`);
  });

  it('skips bad rows on request, counting them and keeping source row numbers', async () => {
    const result = await readTable(tooMany, { badRows: 'skip' });
    expect(result.frame.toRecords()).toEqual([
      { a: 1, b: 'x', c: 2 },
      { a: 2, b: 'y', c: 3 },
      { a: 4, b: 'w', c: 5 },
    ]);
    expect(result.badRows.count).toBe(1);
    expect(result.badRows.rows[0]).toMatchObject({ line: 4, kind: 'TOO MANY COLUMNS', text: '3,z,4,extra' });
    expect([...result.rowNumbers!]).toEqual([1, 2, 4]);
  });

  it('counts every bad row, in file order, in the error', async () => {
    const many = file(
      'many.csv',
      `a,b\n${Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? `${i}` : `${i},v`)).join('\n')}\n`,
    );
    const error = await failure(readFrame(many));
    expect(error.details).toMatchObject({ count: 5, line: 5 });
    expect(error.message).toContain('5 bad rows in all (lines 5, 9, 13, 17, 21)');
  });
});

describe('values of the wrong type for a declared column', () => {
  const path = file('types.csv', 'id,amount,when\n1,10.5,2024-01-01\n2,abc,2024-01-02\n3,1.5,not a date\n');

  it('fails with KEEL_DATA_TYPE_ERROR naming file, line, column and value', async () => {
    const error = await failure(readFrame(path, { types: { amount: 'numeric' } }));
    expect(error.code).toBe('KEEL_DATA_TYPE_ERROR');
    expect(error.message).toContain(`${path} line 3, column "amount": "abc" is not a valid numeric`);
  });

  it('refuses fractions in a declared integer column instead of rounding them', async () => {
    const error = await failure(
      readFrame(path, { types: { amount: 'integer' }, columns: ['id', 'amount'], limit: 1 }),
    );
    expect(error.message).toContain('column "amount": 10.5 is not a valid integer');
    const skipped = await readTable(file('ints.csv', 'n\n1\n2.5\n3\n'), {
      types: { n: 'integer' },
      badRows: 'skip',
    });
    expect(skipped.frame.toRecords()).toEqual([{ n: 1 }, { n: 3 }]);
    expect(skipped.badRows.rows[0]).toMatchObject({
      line: 3,
      column: 'n',
      message: '2.5 is not a valid integer',
    });
    expect([...skipped.rowNumbers!]).toEqual([1, 3]);
  });

  it('lists every bad value with badRows: skip', async () => {
    const result = await readTable(path, {
      types: { amount: 'numeric', when: 'timestamp' },
      badRows: 'skip',
    });
    expect(result.frame.rowCount).toBe(1);
    expect(result.badRows.rows.map((r) => [r.line, r.column, r.kind])).toEqual([
      [3, 'amount', 'CAST'],
      [4, 'when', 'CAST'],
    ]);
  });

  it('reports JSON Lines bad lines and type errors with their line', async () => {
    const jsonl = file('bad.jsonl', '{"a":1}\n{"a":2\n\n{"a":"x"}\n');
    const parse = await failure(readFrame(jsonl));
    expect(parse.code).toBe('KEEL_DATA_PARSE_ERROR');
    expect(parse.message).toContain(`${jsonl} line 2: not valid JSON`);
    const typed = await failure(
      readFrame(file('typed.jsonl', '{"a":1}\n{"a":"x"}\n'), { types: { a: 'numeric' } }),
    );
    expect(typed.code).toBe('KEEL_DATA_TYPE_ERROR');
    expect(typed.message).toContain('line 2, column "a": "x" is not a valid numeric');
    const skipped = await readTable(jsonl, { badRows: 'skip', types: { a: 'integer' } });
    expect(skipped.frame.toRecords()).toEqual([{ a: 1 }]);
    expect(skipped.badRows.rows.map((r) => r.line)).toEqual([2, 4]);
  });

  it('reports Parquet rows a declared type refuses, by row', async () => {
    const parquet = join(dir, 'codes.parquet');
    await writeFrame(Frame.fromRecords([{ code: '7' }, { code: 'x7' }]), parquet);
    const error = await failure(readFrame(parquet, { types: { code: 'numeric' } }));
    expect(error.code).toBe('KEEL_DATA_TYPE_ERROR');
    expect(error.message).toContain(`${parquet} row 2, column "code": "x7" is not a valid numeric`);
    const skipped = await readTable(parquet, { types: { code: 'numeric' }, badRows: 'skip' });
    expect(skipped.frame.toRecords()).toEqual([{ code: 7 }]);
  });
});

describe('sources that cannot be read', () => {
  it('fails with KEEL_DATA_FILE_NOT_FOUND for a missing file, naming it', async () => {
    const error = await failure(readFrame(join(dir, 'nope.csv')));
    expect(error.code).toBe('KEEL_DATA_FILE_NOT_FOUND');
    expect(error.message).toContain(join(dir, 'nope.csv'));
  });

  it('fails with KEEL_DATA_UNSUPPORTED_FORMAT for an unknown extension', async () => {
    const error = await failure(readFrame(file('sheet.xlsx', 'x')));
    expect(error.code).toBe('KEEL_DATA_UNSUPPORTED_FORMAT');
    expect(error.message).toContain('sheet.xlsx');
  });

  it('fails with KEEL_DATA_PARSE_ERROR for a file that is not Parquet', async () => {
    const error = await failure(readFrame(file('fake.parquet', 'a,b\n1,2\n')));
    expect(error.code).toBe('KEEL_DATA_PARSE_ERROR');
  });

  it('names unknown declared or selected columns and lists the real ones', async () => {
    const path = file('cols.csv', 'a,b\n1,2\n');
    const error = await failure(readFrame(path, { columns: ['a', 'c'] }));
    expect(error.code).toBe('KEEL_FRAME_COLUMN_NOT_FOUND');
    expect(error.message).toBe(`${path} has no column "c". Its columns are: a, b.`);
  });

  it('fails with KEEL_DATA_EMPTY for an empty file', async () => {
    const error = await failure(readFrame(file('void.csv', '')));
    expect(error.code).toBe('KEEL_DATA_EMPTY');
  });

  it('refuses a PostgreSQL URL without a table or query', async () => {
    const error = await failure(readFrame('postgres://user:secret@localhost/db'));
    expect(error.code).toBe('KEEL_DATA_UNSUPPORTED_FORMAT');
    expect(error.message).not.toContain('secret');
  });

  it('refuses to write a frame without columns or to an unknown format', async () => {
    await expect(writeFrame(Frame.empty(), join(dir, 'x.csv'))).rejects.toMatchObject({
      code: 'KEEL_DATA_EMPTY',
    });
    const frame = Frame.fromColumns([numberColumn('x', [1])]);
    await expect(writeFrame(frame, join(dir, 'x.xlsx'))).rejects.toMatchObject({
      code: 'KEEL_DATA_UNSUPPORTED_FORMAT',
    });
  });
});

describe('values DuckDB would silently change', () => {
  it('never rounds a fraction into a column sniffed as integer', async () => {
    const ints = Array.from({ length: 25_000 }, (_, i) => String(i)).join('\n');
    const frame = await readFrame(file('late-fraction.csv', `n\n${ints}\n2.5\n`));
    expect(frame.column('n').type).toBe('numeric');
    expect(frame.row(25_000)).toEqual({ n: 2.5 });
  });

  it('never turns an unparseable date/time into a missing value', async () => {
    const dates = Array.from(
      { length: 25_000 },
      (_, i) => `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
    );
    const late = await readFrame(file('late-date.csv', `t\n${dates.join('\n')}\nsoon\n`));
    expect(late.column('t').type).toBe('categorical');
    expect(late.row(25_000)).toEqual({ t: 'soon' });
    const error = await failure(
      readFrame(file('declared-date.csv', 't\n2024-01-01\nsoon\n'), { types: { t: 'timestamp' } }),
    );
    expect(error.code).toBe('KEEL_DATA_TYPE_ERROR');
    expect(error.message).toContain('line 3, column "t": "soon" is not a valid timestamp');
  });

  it('applies time zone offsets of zoned timestamps in CSV', async () => {
    const frame = await readFrame(file('offsets.csv', 't\n2024-01-01T10:00:00+05:00\n2024-01-01T10:00:00\n'));
    expect([...frame.numberColumn('t').values]).toEqual([Date.UTC(2024, 0, 1, 5), Date.UTC(2024, 0, 1, 10)]);
  });
});

import { describe, expect, it } from 'vitest';
import { isIdentifierName, parseSource, stringColumnType } from '../../src/data/index.js';

describe('string column inference', () => {
  const stats = (name: string, distinct: number, nonMissing: number) => ({
    name,
    rows: nonMissing,
    nonMissing,
    distinct,
  });

  it('keeps up to 50 distinct values categorical whatever the size', () => {
    expect(stringColumnType(stats('species', 50, 60))).toBe('categorical');
    expect(stringColumnType(stats('species', 51, 60))).toBe('text');
  });

  it('allows 5% of the values as levels, up to 1000', () => {
    expect(stringColumnType(stats('origin', 220, 20_000))).toBe('categorical');
    expect(stringColumnType(stats('origin', 1000, 20_000))).toBe('categorical');
    expect(stringColumnType(stats('origin', 1001, 20_000))).toBe('text');
    expect(stringColumnType(stats('origin', 1001, 1_000_000))).toBe('text');
    expect(stringColumnType(stats('city', 101, 2000))).toBe('text');
  });

  it('reads identifier-like names as text whatever their cardinality', () => {
    for (const name of ['id', 'user_id', 'USER_ID', 'userId', 'order-id', 'uuid', 'customerUUID']) {
      expect(isIdentifierName(name)).toBe(true);
      expect(stringColumnType(stats(name, 3, 1000))).toBe('text');
    }
    for (const name of ['paid', 'valid', 'idle', 'PAID', 'width']) expect(isIdentifierName(name)).toBe(false);
  });
});

describe('parseSource', () => {
  it('picks the format by extension and resolves paths against cwd', () => {
    expect(parseSource('a/b.parquet', { cwd: '/data' })).toEqual({
      kind: 'parquet',
      path: '/data/a/b.parquet',
    });
    expect(parseSource('x.NDJSON', { cwd: '/d' })).toMatchObject({ kind: 'jsonl' });
    expect(parseSource('x.csv.gz', { cwd: '/d' })).toMatchObject({ kind: 'csv' });
  });

  it('reads the table or query of a PostgreSQL URL from options or URL parameters', () => {
    expect(parseSource('postgres://u@h:5432/db?table=public.tx&sslmode=disable')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db?sslmode=disable',
      table: 'public.tx',
    });
    expect(parseSource('postgresql://h/db', { query: 'select 1' })).toMatchObject({ query: 'select 1' });
    expect(() => parseSource('postgres://h/db', { table: 't', query: 'q' })).toThrow(
      /exactly one of a table or a query/,
    );
  });
});

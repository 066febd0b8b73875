import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { loadExpectations, parseExpectations, readTable, validateFrame } from '../../src/data/index.js';
import { tempDir } from '../helpers/tmp.js';
import { PLANTED_FAILURES } from './planted.js';

const repo = resolve(import.meta.dirname, '../..');
const fixtures = join(repo, 'test/fixtures/data-validation');
const dir = tempDir('keel-validate-');

describe('validateFrame on a file with planted errors', () => {
  it('reports every failing rule with counts and the source row numbers', async () => {
    const expectations = await loadExpectations(join(fixtures, 'planted.expect.yaml'));
    const read = await readTable(join(fixtures, 'planted.csv'), { badRows: 'skip' });
    const report = validateFrame(read.frame, expectations, {
      badRows: read.badRows,
      ...(read.rowNumbers ? { rowNumbers: read.rowNumbers } : {}),
    });
    expect(report.passed).toBe(false);
    expect(report.rows).toBe(11);
    expect(report.checked).toBe(19);
    expect(
      report.failures.map((f) => [
        f.column,
        f.rule,
        f.failing,
        f.examples.flatMap((e) => (e.row === undefined ? [] : [e.row])),
      ]),
    ).toEqual(PLANTED_FAILURES);
    expect(report.failures[0]!.examples).toEqual([{ line: 9, value: 'expected 7 fields, found 8' }]);
    expect(report.failures.find((f) => f.rule === 'type')!.examples).toEqual([{ row: 5, value: 'abc' }]);
    expect(report.failures.find((f) => f.column === 'ts')!.examples).toEqual([
      { row: 10, value: '2023-12-31T00:00:00.000Z' },
    ]);
  });

  it('passes a file that meets its expectations', async () => {
    const expectations = await loadExpectations(join(fixtures, 'fraud.expect.json'));
    const read = await readTable(join(repo, 'test/fixtures/fraud/tx_2000_seed42.csv'));
    const report = validateFrame(read.frame, expectations);
    expect(report).toEqual({ rows: 2000, passed: true, checked: 20, failures: [] });
  });
});

describe('validateFrame rules', () => {
  const frame = Frame.fromColumns([
    numberColumn('n', [1, 2.5, null, 2, 2, 7]),
    categoricalColumn('s', ['1', 'x', '3', null, 'true', '0']),
    textColumn('when', ['2024-01-01', 'yesterday', null, '2024-03-01T10:00:00Z', '2023-06-01', '2024-01-02']),
  ]);

  it('checks that values can be read as the expected type', () => {
    const report = validateFrame(
      frame,
      parseExpectations({
        columns: { n: { type: 'integer' }, s: { type: 'numeric' }, when: { type: 'timestamp' } },
      }),
    );
    expect(report.failures.map((f) => [f.column, f.failing, f.examples.map((e) => e.row)])).toEqual([
      ['n', 1, [2]],
      ['s', 2, [2, 5]],
      ['when', 1, [2]],
    ]);
  });

  it('reports the first five examples, counting all failures, and compares times to ISO bounds', () => {
    const many = Frame.fromColumns([
      numberColumn(
        'v',
        Array.from({ length: 20 }, (_, i) => i),
      ),
    ]);
    const [failure] = validateFrame(many, parseExpectations({ columns: { v: { max: 9 } } })).failures;
    expect(failure).toMatchObject({ failing: 10, expected: '<= 9' });
    expect(failure!.examples.map((e) => e.row)).toEqual([11, 12, 13, 14, 15]);
    const times = validateFrame(
      frame,
      parseExpectations({ columns: { when: { min: '2024-01-01T00:00:00Z' } } }),
    );
    expect(times.failures[0]).toMatchObject({ failing: 1, examples: [{ row: 5, value: '2023-06-01' }] });
  });

  it('lets optional columns be absent and uses given row numbers', () => {
    const report = validateFrame(
      frame,
      parseExpectations({ columns: { gone: { required: false }, n: { unique: true } } }),
      {
        rowNumbers: [10, 20, 30, 40, 50, 60],
      },
    );
    expect(report.checked).toBe(1);
    expect(report.failures).toEqual([
      {
        column: 'n',
        rule: 'unique',
        expected: 'no repeated values',
        failing: 1,
        examples: [{ row: 50, value: 2 }],
      },
    ]);
  });
});

describe('expectations files', () => {
  it('names an unknown key and lists the known ones', async () => {
    const error = await loadExpectations(join(fixtures, 'unknown-key.expect.yaml')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'KEEL_DATA_EXPECTATIONS_INVALID',
      details: { key: 'columns.amount.minimum' },
    });
    expect((error as Error).message).toContain('key "columns.amount.minimum" is not a known key');
    expect(() => parseExpectations({ tables: {} })).toThrow(
      /key "tables" is not a known key. Known keys here: table, columns/,
    );
    expect(() => parseExpectations({ table: { rows: 3 } })).toThrow(/key "table.rows" is not a known key/);
  });

  it('refuses wrong value types, impossible bounds and broken regexes, naming the key', () => {
    const cases: [unknown, string][] = [
      [{ columns: { a: { nullable: 'no' } } }, 'columns.a.nullable'],
      [{ columns: { a: { type: 'float' } } }, 'columns.a.type'],
      [{ columns: { a: { min: 5, max: 1 } } }, 'columns.a.min'],
      [{ columns: { a: { min: 'last week' } } }, 'columns.a.min'],
      [{ columns: { a: { regex: '(' } } }, 'columns.a.regex'],
      [{ table: { minRows: 10, maxRows: 1 } }, 'table.minRows'],
      [{ columns: { a: { maxMissingShare: 1.5 } } }, 'columns.a.maxMissingShare'],
    ];
    for (const [doc, key] of cases) {
      expect(() => parseExpectations(doc), key).toThrow(
        expect.objectContaining({
          code: 'KEEL_DATA_EXPECTATIONS_INVALID',
          details: expect.objectContaining({ key }),
        }),
      );
    }
  });

  it('reports YAML syntax errors and missing files', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'columns:\n  a: [1, 2\n');
    await expect(loadExpectations(broken)).rejects.toMatchObject({ code: 'KEEL_DATA_EXPECTATIONS_INVALID' });
    await expect(loadExpectations(join(dir, 'none.yaml'))).rejects.toMatchObject({
      code: 'KEEL_DATA_FILE_NOT_FOUND',
    });
  });
});

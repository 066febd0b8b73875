import { describe, expect, it } from 'vitest';
import {
  categoricalColumn,
  Frame,
  isMissingAt,
  missingCount,
  numberColumn,
  textColumn,
  valueAt,
} from '../../src/core/index.js';

const frame = (): Frame =>
  Frame.fromColumns([
    numberColumn('amount', [1.5, null, 3]),
    categoricalColumn('country', ['US', null, 'FR']),
    textColumn('id', ['a', 'b', null]),
    numberColumn('flag', [1, 0, null], 'boolean'),
  ]);

describe('Frame', () => {
  it('stores numbers as Float64Array with NaN for missing and categoricals as codes', () => {
    const f = frame();
    expect(f.rowCount).toBe(3);
    const amount = f.numberColumn('amount');
    expect(amount.values).toBeInstanceOf(Float64Array);
    expect(Number.isNaN(amount.values[1]!)).toBe(true);
    const country = f.column('country');
    expect(country.type).toBe('categorical');
    if (country.type === 'categorical') {
      expect([...country.codes]).toEqual([0, -1, 1]);
      expect(country.levels).toEqual(['US', 'FR']);
    }
    expect(missingCount(f.column('id'))).toBe(1);
    expect(isMissingAt(f.column('flag'), 2)).toBe(true);
    expect(valueAt(f.column('flag'), 0)).toBe(true);
  });

  it('reports the schema with nullability from the data', () => {
    expect(frame().schema.fields).toEqual([
      { name: 'amount', type: 'numeric', nullable: true },
      { name: 'country', type: 'categorical', nullable: true },
      { name: 'id', type: 'text', nullable: true },
      { name: 'flag', type: 'boolean', nullable: true },
    ]);
  });

  it('names the known columns when one is missing', () => {
    expect(() => frame().column('amt')).toThrowError(
      /No column "amt". Columns are: amount, country, id, flag/,
    );
    expect(() => frame().numberColumn('country')).toThrowError(/categorical, not a number column/);
  });

  it('refuses columns of different lengths and duplicate names', () => {
    expect(() => Frame.fromColumns([numberColumn('a', [1, 2]), numberColumn('b', [1])])).toThrowError(
      expect.objectContaining({ code: 'KEEL_FRAME_SHAPE_MISMATCH' }),
    );
    expect(() => Frame.fromColumns([numberColumn('a', [1]), numberColumn('a', [1])])).toThrowError(
      /appears twice/,
    );
  });

  it('takes, slices, filters and selects rows and columns', () => {
    const f = frame();
    expect(f.take([2, 0]).toRecords()).toEqual([
      { amount: 3, country: 'FR', id: null, flag: null },
      { amount: 1.5, country: 'US', id: 'a', flag: true },
    ]);
    expect(f.slice(1, 2).row(0)).toEqual({ amount: null, country: null, id: 'b', flag: false });
    expect(f.filter([1, 0, 1]).rowCount).toBe(2);
    expect(f.select(['id', 'amount']).names).toEqual(['id', 'amount']);
    expect(f.drop(['id']).names).toEqual(['amount', 'country', 'flag']);
    expect(f.rename('amount', 'value').has('value')).toBe(true);
  });

  it('builds from records with inferred or declared types and names bad values', () => {
    const f = Frame.fromRecords([
      { a: 1, b: 'x', c: true },
      { a: null, b: 'y', c: false },
    ]);
    expect(f.schema.fields.map((x) => x.type)).toEqual(['numeric', 'categorical', 'boolean']);
    expect(() =>
      Frame.fromRecords([{ a: 'oops' }], { fields: [{ name: 'a', type: 'numeric', nullable: false }] }),
    ).toThrowError(/Row 0, column "a": "oops" is not a valid numeric/);
    const t = Frame.fromRecords([{ ts: '2024-01-02T00:00:00Z' }], {
      fields: [{ name: 'ts', type: 'timestamp', nullable: false }],
    });
    expect(t.numberColumn('ts').values[0]).toBe(Date.UTC(2024, 0, 2));
  });

  it('concatenates frames, merging categorical levels', () => {
    const a = Frame.fromColumns([categoricalColumn('c', ['x', 'y']), numberColumn('n', [1, 2])]);
    const b = Frame.fromColumns([categoricalColumn('c', ['z', 'x']), numberColumn('n', [3, 4])]);
    const c = Frame.concat([a, b]);
    expect(c.toRecords().map((r) => r.c)).toEqual(['x', 'y', 'z', 'x']);
    expect([...c.numberColumn('n').values]).toEqual([1, 2, 3, 4]);
  });
});

import { describe, expect, it } from 'vitest';
import { plainJson } from '../../src/server/plain-json.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('plainJson', () => {
  it('writes exactly what JSON.stringify writes', () => {
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: [2] });
    const values: unknown[] = [
      [{ label: '0', probability: 0.0040658733438891466, probabilities: { 0: 0.99593, 1: 0.0040658 } }],
      [
        { value: -0 },
        { value: Number.NaN },
        { value: Number.POSITIVE_INFINITY },
        { value: 1e21 },
        { value: 5e-7 },
      ],
      {
        b: 1,
        2: 'two',
        a: undefined,
        1: null,
        f: () => 1,
        s: Symbol('s'),
        nested: { '': true, 'x"y': false },
      },
      ['é"\\\n\u0001\ud800', undefined, () => 1, [[]], {}],
      {
        when: new Date(Date.UTC(2024, 0, 1)),
        at: new Point(1, 2),
        list: Object.assign([1, 2], { extra: 3 }),
      },
      { toJSON: () => 'custom' },
      nullProto,
      'plain',
      42,
      true,
      null,
    ];
    for (const v of values) expect(plainJson(v)).toBe(JSON.stringify(v));
  });
});

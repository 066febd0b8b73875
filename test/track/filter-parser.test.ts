import { describe, expect, it } from 'vitest';
import { parseRunFilter, parseRunOrder } from '../../src/track/index.js';

describe('parseRunFilter', () => {
  it('parses MLflow clauses joined by AND (case-insensitive)', () => {
    expect(parseRunFilter("metrics.auc > 0.9 and params.learner = 'gbdt'")).toEqual([
      { kind: 'metric', key: 'auc', op: '>', value: 0.9 },
      { kind: 'param', key: 'learner', op: '=', value: 'gbdt' },
    ]);
    expect(parseRunFilter("attributes.status = 'FINISHED' AND tags.team ILIKE '%risk%'")).toEqual([
      { kind: 'attribute', key: 'status', op: '=', value: 'FINISHED' },
      { kind: 'tag', key: 'team', op: 'ILIKE', value: '%risk%' },
    ]);
    expect(parseRunFilter('')).toEqual([]);
    expect(parseRunFilter('   ')).toEqual([]);
  });

  it('reads backticked, double-quoted and dotted keys, singular prefixes and bare attributes', () => {
    expect(parseRunFilter('metrics.`f1-score` >= -1.5e-2')).toEqual([
      { kind: 'metric', key: 'f1-score', op: '>=', value: -0.015 },
    ]);
    expect(parseRunFilter('metric."val loss" < .5')).toEqual([
      { kind: 'metric', key: 'val loss', op: '<', value: 0.5 },
    ]);
    expect(parseRunFilter('metrics.val.loss <= 2')).toEqual([
      { kind: 'metric', key: 'val.loss', op: '<=', value: 2 },
    ]);
    expect(parseRunFilter("status != 'FAILED' and run_name LIKE 'a%'")).toEqual([
      { kind: 'attribute', key: 'status', op: '!=', value: 'FAILED' },
      { kind: 'attribute', key: 'name', op: 'LIKE', value: 'a%' },
    ]);
    expect(parseRunFilter('attributes.start_time > 1700000000000')).toEqual([
      { kind: 'attribute', key: 'start_time', op: '>', value: 1700000000000 },
    ]);
    expect(parseRunFilter('attributes.run_id IN (\'a\', "b")')).toEqual([
      { kind: 'attribute', key: 'id', op: 'IN', value: ['a', 'b'] },
    ]);
  });

  it('parses IN / NOT IN lists, <> and quotes inside strings', () => {
    expect(parseRunFilter("params.learner NOT IN ('gbdt', 'linear')")).toEqual([
      { kind: 'param', key: 'learner', op: 'NOT IN', value: ['gbdt', 'linear'] },
    ]);
    expect(parseRunFilter("tags.note <> 'it''s'")).toEqual([
      { kind: 'tag', key: 'note', op: '!=', value: "it's" },
    ]);
    expect(parseRunFilter('params.depth = 6')).toEqual([
      { kind: 'param', key: 'depth', op: '=', value: '6' },
    ]);
  });

  it.each([
    ['metrics.auc foo 0.9', 13, 'expected an operator'],
    ["metrics.auc > 'high'", 15, 'needs a number'],
    ["metrics.auc LIKE '0.9%'", 13, 'compares numbers'],
    ['params.learner = gbdt', 18, 'needs a quoted string'],
    ["params.learner > 'a'", 16, 'compares strings'],
    ["params.a = 'x' or params.b = 'y'", 16, 'OR is not supported'],
    ["params.a = 'x' params.b = 'y'", 16, 'expected AND'],
    ["params.a = 'x", 12, 'never closed'],
    ['metrics.f1-score > 1', 11, 'unexpected character'],
    ["color = 'red'", 1, 'not a run attribute'],
    ["widgets.x = 'y'", 1, 'unknown prefix'],
    ["datasets.name = 'x'", 1, 'not supported'],
    ["attributes.color = 'x'", 12, 'unknown run attribute'],
    ["params.learner IN 'gbdt'", 19, 'parenthesised list'],
    ["params.learner IN ('a' 'b')", 24, 'expected "," or ")"'],
    ['metrics.auc >', 14, 'needs a number'],
    ["params. = 'x'", 9, 'expected a key'],
  ])('rejects %j at character %i', (expr, position, message) => {
    let error: unknown;
    try {
      parseRunFilter(expr);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'KEEL_TRACK_BAD_FILTER',
      details: { position: position - 1, expression: expr },
    });
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toContain(`at character ${position}`);
  });
});

describe('parseRunOrder', () => {
  it('parses comma-separated or listed terms, ASC by default', () => {
    expect(parseRunOrder('metrics.auc DESC, attributes.start_time')).toEqual([
      { kind: 'metric', key: 'auc', descending: true },
      { kind: 'attribute', key: 'start_time', descending: false },
    ]);
    expect(parseRunOrder(['params.lr asc', 'tags.`a b` desc'])).toEqual([
      { kind: 'param', key: 'lr', descending: false },
      { kind: 'tag', key: 'a b', descending: true },
    ]);
    expect(parseRunOrder('')).toEqual([]);
  });

  it('rejects junk after a term with its position', () => {
    expect(() => parseRunOrder('metrics.auc DOWN')).toThrow(/at character 13/);
    expect(() => parseRunOrder('metrics.auc DESC DESC')).toThrow(/KEEL|expected ASC, DESC/);
  });
});

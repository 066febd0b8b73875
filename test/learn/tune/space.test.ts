import { describe, expect, it } from 'vitest';
import { isKeelError } from '../../../src/core/index.js';
import { defineSpace, type SpaceSpec } from '../../../src/learn/index.js';

/** Expects defineSpace(spec) to fail with KEEL_TUNE_BAD_SPACE naming `param` (in details and message). */
function expectBadSpace(spec: unknown, param: string, message: RegExp): void {
  let error: unknown;
  try {
    defineSpace(spec as SpaceSpec);
  } catch (e) {
    error = e;
  }
  expect(isKeelError(error, 'KEEL_TUNE_BAD_SPACE'), String(error)).toBe(true);
  const e = error as { details: { param: string }; message: string };
  expect(e.details.param).toBe(param);
  expect(e.message).toMatch(message);
  if (param) expect(e.message).toContain(`"${param}"`);
}

describe('defineSpace rejects empty and contradictory spaces, naming the parameter', () => {
  it('an empty space', () => expectBadSpace({}, '', /no parameters/));
  it('low ≥ high', () => {
    expectBadSpace({ lr: { type: 'float', low: 1, high: 1 } }, 'lr', /low < high/);
    expectBadSpace({ depth: { type: 'int', low: 5, high: 2 } }, 'depth', /low < high/);
  });
  it('a log range with low ≤ 0', () => {
    expectBadSpace(
      { lr: { type: 'float', low: 0, high: 1, log: true } },
      'lr',
      /log scale and needs low > 0/,
    );
    expectBadSpace({ n: { type: 'int', low: 0, high: 10, log: true } }, 'n', /log scale and needs low > 0/);
  });
  it('log together with step, bad steps and ranges that are not a multiple of the step', () => {
    expectBadSpace({ a: { type: 'float', low: 1, high: 2, log: true, step: 0.1 } }, 'a', /both log and step/);
    expectBadSpace({ a: { type: 'float', low: 0, high: 1, step: 0 } }, 'a', /positive step/);
    expectBadSpace(
      { a: { type: 'float', low: 0, high: 1, step: 0.3 } },
      'a',
      /multiple of step 0.3; use high=0.9/,
    );
    expectBadSpace({ k: { type: 'int', low: 0, high: 9, step: 2 } }, 'k', /use high=8/);
    expectBadSpace(
      { k: { type: 'int', low: 1, high: 16, step: 3, log: true } },
      'k',
      /log scale needs step 1/,
    );
    expectBadSpace({ k: { type: 'int', low: 0.5, high: 3 } }, 'k', /integer low and high/);
    expectBadSpace({ k: { type: 'float', low: 0, high: Number.POSITIVE_INFINITY } }, 'k', /finite numbers/);
  });
  it('no choices, duplicate or unsupported choices', () => {
    expectBadSpace({ b: { type: 'categorical', choices: [] } }, 'b', /no choices/);
    expectBadSpace({ b: { type: 'categorical', choices: ['x', 'x'] } }, 'b', /twice/);
    expectBadSpace(
      { b: { type: 'categorical', choices: [{}] } },
      'b',
      /string, finite number, boolean or null/,
    );
  });
  it('unknown types and options', () => {
    expectBadSpace({ a: { type: 'uniform', low: 0, high: 1 } }, 'a', /type "float", "int" or "categorical"/);
    expectBadSpace({ a: { type: 'float', low: 0, high: 1, lgo: true } }, 'a', /unknown option "lgo"/);
  });
  it('a condition on an unknown parameter or on a value the parent cannot take', () => {
    expectBadSpace(
      { a: { type: 'float', low: 0, high: 1, when: { booster: ['linear'] } } },
      'a',
      /"booster", which is not in the search space/,
    );
    expectBadSpace(
      {
        b: { type: 'categorical', choices: ['gbdt'] },
        a: { type: 'float', low: 0, high: 1, when: { b: ['linear'] } },
      },
      'a',
      /"linear" is not a value "b" can take/,
    );
    expectBadSpace(
      { d: { type: 'int', low: 1, high: 5 }, a: { type: 'float', low: 0, high: 1, when: { d: [7] } } },
      'a',
      /7 is not a value "d" can take/,
    );
    expectBadSpace(
      { b: { type: 'categorical', choices: [1] }, a: { type: 'float', low: 0, high: 1, when: { b: [] } } },
      'a',
      /lists no values/,
    );
  });
  it('cycles of conditions', () => {
    expectBadSpace(
      { a: { type: 'categorical', choices: [1], when: { a: [1] } } },
      'a',
      /conditional on itself/,
    );
    expectBadSpace(
      {
        a: { type: 'categorical', choices: [1, 2], when: { c: [1] } },
        b: { type: 'categorical', choices: [1, 2], when: { a: [1] } },
        c: { type: 'categorical', choices: [1, 2], when: { b: [2] } },
      },
      'a',
      /cycle of conditions: a → c → b → a/,
    );
  });
  it('a parameter that can never be active (its chain of conditions excludes itself)', () => {
    expectBadSpace(
      {
        kind: { type: 'categorical', choices: ['x', 'y'] },
        sub: { type: 'categorical', choices: ['p', 'q'], when: { kind: ['x'] } },
        leaf: { type: 'float', low: 0, high: 1, when: { kind: ['y'], sub: ['p'] } },
      },
      'leaf',
      /can never be active/,
    );
  });
});

describe('conditional activity and sampling order', () => {
  const space = defineSpace({
    l2: { type: 'float', low: 0, high: 1, when: { booster: ['linear'] } },
    booster: { type: 'categorical', choices: ['gbdt', 'linear'] },
    depth: { type: 'int', low: 2, high: 8, step: 2, when: { booster: ['gbdt'] } },
    leafReg: { type: 'float', low: 1e-3, high: 1, log: true, when: { depth: [6, 8] } },
  });

  it('orders parents before children, otherwise keeping declaration order', () => {
    expect(space.params.map((p) => p.name)).toEqual(['booster', 'l2', 'depth', 'leafReg']);
  });

  it('a parameter is active only when every parent is active with a listed value', () => {
    const p = (name: string) => space.get(name)!;
    expect(space.isActive(p('l2'), { booster: 'linear' })).toBe(true);
    expect(space.isActive(p('l2'), { booster: 'gbdt' })).toBe(false);
    expect(space.isActive(p('leafReg'), { booster: 'gbdt', depth: 6 })).toBe(true);
    expect(space.isActive(p('leafReg'), { booster: 'gbdt', depth: 4 })).toBe(false);
    expect(space.isActive(p('leafReg'), { booster: 'linear' })).toBe(false);
  });

  it('checkParams accepts complete assignments and rejects missing, inactive, unknown and out-of-range values', () => {
    space.checkParams({ booster: 'gbdt', depth: 6, leafReg: 0.01 });
    space.checkParams({ booster: 'linear', l2: 0.5 });
    expect(() => space.checkParams({ booster: 'gbdt', depth: 6 })).toThrow(
      /"leafReg" is active but has no value/,
    );
    expect(() => space.checkParams({ booster: 'linear', l2: 0.5, depth: 4 })).toThrow(/"depth" is inactive/);
    expect(() => space.checkParams({ booster: 'linear', l2: 0.5, lr: 1 })).toThrow(
      /"lr" is not in the search space/,
    );
    expect(() => space.checkParams({ booster: 'gbdt', depth: 5 })).toThrow(
      /outside its int range \[2, 8\] \(step 2\)/,
    );
  });
});

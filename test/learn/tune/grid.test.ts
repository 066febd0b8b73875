import { describe, expect, it } from 'vitest';
import { isKeelError } from '../../../src/core/index.js';
import { createStudy, type Params, type SpaceSpec } from '../../../src/learn/index.js';

const key = (p: Params) => JSON.stringify(Object.entries(p).sort(([a], [b]) => a.localeCompare(b)));

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('grid sampler', () => {
  it('visits every point of categorical × int × stepped float × log-int exactly once, then is exhausted', () => {
    const space: SpaceSpec = {
      booster: { type: 'categorical', choices: ['gbdt', 'linear', 'dart'] },
      depth: { type: 'int', low: 2, high: 8, step: 2 },
      frac: { type: 'float', low: 0, high: 1, step: 0.25 },
      bins: { type: 'int', low: 1, high: 3, log: true },
    };
    const study = createStudy({ space, sampler: { type: 'grid' }, seed: 1 });
    const seen = new Set<string>();
    for (let i = 0; i < 3 * 4 * 5 * 3; i++) {
      expect(study.exhausted).toBe(false);
      const t = study.ask();
      seen.add(key(t.params));
      study.tell(t.number, i);
    }
    const expected = new Set<string>();
    for (const booster of ['gbdt', 'linear', 'dart'])
      for (const depth of [2, 4, 6, 8])
        for (const frac of [0, 0.25, 0.5, 0.75, 1])
          for (const bins of [1, 2, 3]) expected.add(key({ booster, depth, frac, bins }));
    expect(seen).toEqual(expected);
    expect(study.exhausted).toBe(true);
    const error = caught(() => study.ask());
    expect(isKeelError(error, 'KEEL_TUNE_GRID_EXHAUSTED')).toBe(true);
    expect(study.trials).toHaveLength(180);
  });

  it('spans conditional parameters only where active, with clean decimal steps', () => {
    const study = createStudy({
      space: {
        booster: { type: 'categorical', choices: ['gbdt', 'linear'] },
        depth: { type: 'int', low: 2, high: 4, when: { booster: ['gbdt'] } },
        l2: { type: 'float', low: 0.1, high: 0.3, step: 0.1, when: { booster: ['linear'] } },
      },
      sampler: { type: 'grid' },
      seed: 3,
    });
    const seen: string[] = [];
    while (!study.exhausted) {
      const t = study.ask();
      seen.push(key(t.params));
      study.tell(t.number, 0);
    }
    expect(seen.sort()).toEqual(
      [
        { booster: 'gbdt', depth: 2 },
        { booster: 'gbdt', depth: 3 },
        { booster: 'gbdt', depth: 4 },
        { booster: 'linear', l2: 0.1 },
        { booster: 'linear', l2: 0.2 },
        { booster: 'linear', l2: 0.3 },
      ]
        .map(key)
        .sort(),
    );
  });

  it('offers a running point again once nothing else is left, and counts failed points as visited', () => {
    const study = createStudy({
      space: { k: { type: 'int', low: 1, high: 3 } },
      sampler: { type: 'grid' },
      seed: 0,
    });
    const first = [study.ask(), study.ask(), study.ask()];
    expect(new Set(first.map((t) => t.params.k))).toEqual(new Set([1, 2, 3]));
    study.tell(first[0]!.number, { state: 'failed' });
    study.tell(first[1]!.number, 1);
    const again = study.ask();
    expect(again.params.k).toBe(first[2]!.params.k);
    study.tell(first[2]!.number, 2);
    study.tell(again.number, 2);
    expect(study.exhausted).toBe(true);
  });

  it('the order is a seeded permutation: same seed, same order; another seed, another order', () => {
    const order = (seed: number) => {
      const s = createStudy({
        space: { k: { type: 'int', low: 0, high: 19 } },
        sampler: { type: 'grid' },
        seed,
      });
      return Array.from({ length: 20 }, () => s.ask().params.k);
    };
    expect(order(5)).toEqual(order(5));
    expect(order(5)).not.toEqual(order(6));
    expect([...order(5)].sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it('rejects a continuous float when the study is created, naming it', () => {
    const error = caught(() =>
      createStudy({
        space: { k: { type: 'int', low: 0, high: 3 }, lr: { type: 'float', low: 0, high: 1 } },
        sampler: { type: 'grid' },
      }),
    );
    expect(isKeelError(error, 'KEEL_TUNE_BAD_SPACE')).toBe(true);
    expect((error as Error).message).toMatch(/"lr" is a continuous float/);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createStudy,
  defineSpace,
  type Params,
  type PrunerSpec,
  type SamplerSpec,
  type Study,
} from '../../../src/learn/index.js';

// Exact decisions of Optuna 3.1.0 (Debian), computed once by
// test/fixtures/oracles/tuning/make_optuna_cases.py; this test replays the same drivers.
const cases = JSON.parse(
  readFileSync(new URL('../../fixtures/oracles/tuning/optuna_cases.json', import.meta.url), 'utf8'),
);

const space = defineSpace({
  lr: { type: 'float', low: 1e-4, high: 1, log: true },
  depth: { type: 'int', low: 1, high: 10 },
  frac: { type: 'float', low: 0, high: 1, step: 0.1 },
  n: { type: 'int', low: 1, high: 1000, log: true },
  width: { type: 'int', low: 2, high: 64, step: 2 },
  booster: { type: 'categorical', choices: ['gbdt', 'linear', 'dart'] },
  l2: { type: 'float', low: 0, high: 10, when: { booster: ['linear'] } },
  leaves: { type: 'int', low: 2, high: 64, when: { booster: ['gbdt', 'dart'] } },
});

function objective(p: Params): number {
  const num = (k: string) => p[k] as number;
  let v = (Math.log10(num('lr')) + 2) ** 2 + 0.1 * (num('depth') - 6) ** 2 + Math.abs(num('frac') - 0.3);
  v += 0.05 * Math.log(num('n')) + 0.001 * (num('width') - 20) ** 2;
  if (p.booster === 'linear') v += 0.5 + 0.05 * (num('l2') - 3) ** 2;
  else if (p.booster === 'gbdt') v += 0.001 * (num('leaves') - 30) ** 2;
  else v += 0.2 + 0.001 * (num('leaves') - 10) ** 2;
  return v;
}

/** The generator's plan for a trial: fail, prune after some reports (one ending in NaN), or complete. */
function finish(study: Study, n: number, v: number): void {
  if (n % 11 === 5) {
    study.tell(n, { state: 'failed' });
    return;
  }
  if (n % 7 === 3) {
    const steps = 1 + (n % 4);
    for (let s = 1; s <= steps; s++) study.report(n, s, v + 1 / s);
    if (n % 14 === 3) study.report(n, steps + 1, Number.NaN);
    study.tell(n, { state: 'pruned' });
    return;
  }
  study.tell(n, v);
}

const SAMPLERS: Record<string, { sampler: SamplerSpec; seed: number }> = {
  'random-mixed': { sampler: { type: 'random' }, seed: 7 },
  'tpe-mixed': { sampler: { type: 'tpe' }, seed: 3 },
  'tpe-mixed-maximize': { sampler: { type: 'tpe' }, seed: 5 },
  'tpe-multivariate-liar': { sampler: { type: 'tpe', multivariate: true, constantLiar: true }, seed: 11 },
  'tpe-liar-hyperopt': {
    sampler: { type: 'tpe', constantLiar: true, gamma: 'hyperopt', nStartupTrials: 5 },
    seed: 2,
  },
};

function expectSameParams(actual: Params, expected: Record<string, unknown>, where: string): void {
  expect(Object.keys(actual).sort(), where).toEqual(Object.keys(expected).sort());
  for (const [k, e] of Object.entries(expected)) {
    const a = actual[k];
    if (typeof e === 'number') expect(a as number, `${where} ${k}`).toBeCloseTo(e, 10);
    else expect(a, `${where} ${k}`).toBe(e);
  }
}

describe('samplers reproduce Optuna 3.1 on a mixed, conditional space', () => {
  for (const c of cases.samplers.filter((x: { name: string }) => x.name !== 'tpe-hyperband')) {
    it(`${c.name}: every trial's parameters match (log/step/int/categorical/conditional, pruned and failed trials)`, () => {
      const setup = SAMPLERS[c.name]!;
      const study = createStudy({ space, direction: c.direction, sampler: setup.sampler, seed: setup.seed });
      const n = c.trials.length;
      for (let start = 0; start < n; start += c.batch) {
        const asked = [];
        for (let k = start; k < Math.min(start + c.batch, n); k++) asked.push(study.ask());
        for (const t of asked) finish(study, t.number, objective(t.params));
      }
      for (const [i, t] of study.trials.entries())
        expectSameParams(t.params, c.trials[i].params, `trial ${i}`);
    });
  }
});

describe('TPE with a Hyperband pruner learns only from its bracket, as Optuna', () => {
  it('tpe-hyperband: same parameters and the same pruning steps for every trial', () => {
    const c = cases.samplers.find((x: { name: string }) => x.name === 'tpe-hyperband');
    const study = createStudy({
      space,
      sampler: { type: 'tpe', nStartupTrials: 5 },
      pruner: { type: 'hyperband', minResource: 1, maxResource: 9, reductionFactor: 3 },
      seed: 4,
      name: c.studyName,
    });
    for (const expected of c.trials) {
      const t = study.ask();
      expectSameParams(t.params, expected.params, `trial ${t.number}`);
      const v = objective(t.params);
      let prunedAt: number | null = null;
      for (let step = 1; step <= 9 && prunedAt === null; step++) {
        study.report(t.number, step, v + 1 / step);
        if (study.shouldPrune(t.number)) prunedAt = step;
      }
      if (prunedAt === null) study.tell(t.number, v + 1 / 9);
      else study.tell(t.number, { state: 'pruned' });
      expect(prunedAt, `trial ${t.number} pruned at`).toBe(expected.pruned_at);
    }
  });
});

const curves: number[][] = cases.pruner_curves.map((c: (number | string)[]) =>
  c.map((v) => (v === 'NaN' ? Number.NaN : (v as number))),
);

describe('pruners reproduce Optuna 3.1 decisions on hand-built learning curves', () => {
  for (const c of cases.pruners) {
    it(`${c.name}: prunes the same trials at the same steps`, () => {
      const sign = c.direction === 'minimize' ? 1 : -1;
      const study = createStudy({
        space: { x: { type: 'float', low: 0, high: 1 } },
        sampler: { type: 'random' },
        pruner: c.spec as PrunerSpec,
        direction: c.direction,
        seed: 0,
        name: c.studyName,
      });
      const prunedAt: (number | null)[] = curves.map(() => null);
      let running: { trial: number; curve: number; k: number }[] = [];
      let next = 0;
      while (next < curves.length || running.length > 0) {
        while (running.length < c.concurrency && next < curves.length)
          running.push({ trial: study.ask().number, curve: next++, k: 0 });
        const still = [];
        for (const item of running) {
          const curve = curves[item.curve]!;
          const step = item.k + 1;
          study.report(item.trial, step, sign * curve[item.k]!);
          if (study.shouldPrune(item.trial)) {
            prunedAt[item.curve] = step;
            study.tell(item.trial, { state: 'pruned' });
          } else if (step === curve.length) {
            study.tell(item.trial, Number.isNaN(curve[item.k]!) ? sign * 1e9 : sign * curve[item.k]!);
          } else still.push({ ...item, k: item.k + 1 });
        }
        running = still;
      }
      expect(prunedAt).toEqual(c.pruned_at);
    });
  }
});

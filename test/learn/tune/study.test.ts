import { describe, expect, it } from 'vitest';
import { type ErrorCode, isKeelError } from '../../../src/core/index.js';
import {
  createStudy,
  type Params,
  type PrunerSpec,
  type SamplerSpec,
  type SpaceSpec,
  Study,
} from '../../../src/learn/index.js';
import { branin } from './objectives.js';

function expectCode(fn: () => unknown, code: ErrorCode, message?: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isKeelError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  if (message) expect((error as Error).message).toMatch(message);
}

const conditional: SpaceSpec = {
  booster: { type: 'categorical', choices: ['gbdt', 'linear'] },
  x: { type: 'float', low: -5, high: 10 },
  y: { type: 'float', low: 0, high: 15, when: { booster: ['gbdt'] } },
  l2: { type: 'float', low: 1e-3, high: 10, log: true, when: { booster: ['linear'] } },
  rounds: { type: 'int', low: 10, high: 200, step: 10 },
};

function score(p: Params): number {
  const base =
    p.booster === 'gbdt' ? branin([p.x as number, p.y as number]) : 5 + Math.abs(Math.log10(p.l2 as number));
  return base + (p.rounds as number) / 1000;
}

/** Runs `n` trials that report a learning curve (prunable) and finish. */
function drive(study: Study, n: number): void {
  for (let i = 0; i < n; i++) {
    const t = study.ask();
    const v = score(t.params);
    let pruned = false;
    for (let step = 1; step <= 16 && !pruned; step++) {
      study.report(t.number, step, v + 4 / step);
      pruned = study.shouldPrune(t.number);
    }
    study.tell(t.number, pruned ? { state: 'pruned' } : v);
  }
}

describe('ask / report / shouldPrune / tell', () => {
  it('samples only active conditional parameters and finds a good region with TPE', () => {
    const study = createStudy({ space: conditional, seed: 1 });
    drive(study, 60);
    for (const t of study.trials) {
      expect('y' in t.params).toBe(t.params.booster === 'gbdt');
      expect('l2' in t.params).toBe(t.params.booster === 'linear');
      expect((t.params.rounds as number) % 10).toBe(0);
    }
    const best = study.best!;
    expect(best.state).toBe('complete');
    expect(best.params.booster).toBe('gbdt');
    expect(best.value).toBeLessThan(2);
    // best is the first complete trial with the lowest value
    const complete = study.trials.filter((t) => t.state === 'complete');
    expect(best.value).toBe(Math.min(...complete.map((t) => t.value!)));
  });

  it('maximises when asked to', () => {
    const study = createStudy({
      space: { x: { type: 'float', low: -5, high: 10 }, y: { type: 'float', low: 0, high: 15 } },
      direction: 'maximize',
      seed: 2,
    });
    for (let i = 0; i < 40; i++) {
      const t = study.ask();
      study.tell(t.number, -branin([t.params.x as number, t.params.y as number]));
    }
    expect(study.best!.value).toBeGreaterThan(-2);
    expect(study.best!.value).toBe(Math.max(...study.trials.map((t) => t.value!)));
  });

  it('records intermediate values by step, keeps the first report of a step, and prunes with the last value', () => {
    const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, seed: 0 });
    const t = study.ask();
    study.report(t.number, 3, 0.5);
    study.report(t.number, 1, 0.9);
    study.report(t.number, 3, 0.1);
    expect(study.trial(t.number).intermediate).toEqual([
      { step: 1, value: 0.9 },
      { step: 3, value: 0.5 },
    ]);
    const told = study.tell(t.number, { state: 'pruned' });
    expect(told).toMatchObject({ state: 'pruned', value: 0.5 });
    expect(study.best).toBeUndefined();
  });

  it('a NaN objective fails the trial; failed trials carry no value', () => {
    const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, seed: 0 });
    expect(study.tell(study.ask().number, Number.NaN)).toMatchObject({ state: 'failed', value: null });
    expect(study.tell(study.ask().number, { state: 'failed' })).toMatchObject({
      state: 'failed',
      value: null,
    });
    expect(study.tell(study.ask().number, Number.POSITIVE_INFINITY)).toMatchObject({
      state: 'complete',
      value: Number.POSITIVE_INFINITY,
    });
  });

  it('rejects calls on unknown or finished trials and bad reports with coded errors', () => {
    const study = createStudy({ space: { x: { type: 'float', low: 0, high: 1 } }, seed: 0 });
    const t = study.ask();
    expectCode(() => study.report(t.number, -1, 0), 'KEEL_INVALID_ARGUMENT', /step must be an integer ≥ 0/);
    expectCode(() => study.report(t.number, 1.5, 0), 'KEEL_INVALID_ARGUMENT');
    expectCode(() => study.tell(t.number, { state: 'done' } as never), 'KEEL_INVALID_ARGUMENT');
    study.tell(t.number, 1);
    expectCode(() => study.tell(t.number, 2), 'KEEL_TUNE_TRIAL_FINISHED', /trial 0 .* it is complete/);
    expectCode(() => study.report(t.number, 1, 2), 'KEEL_TUNE_TRIAL_FINISHED');
    expectCode(() => study.shouldPrune(t.number), 'KEEL_TUNE_TRIAL_FINISHED');
    expectCode(() => study.tell(7, 1), 'KEEL_TUNE_TRIAL_NOT_FOUND', /no trial 7/);
  });

  it('rejects bad options with KEEL_INVALID_ARGUMENT naming the option', () => {
    const space = { x: { type: 'float' as const, low: 0, high: 1 } };
    expectCode(
      () => createStudy({ space, sampler: { type: 'tpe', nEiCandidates: 0 } }),
      'KEEL_INVALID_ARGUMENT',
      /nEiCandidates/,
    );
    expectCode(
      () => createStudy({ space, sampler: { type: 'tpe', multivarate: true } as SamplerSpec }),
      'KEEL_INVALID_ARGUMENT',
      /"multivarate"/,
    );
    expectCode(
      () => createStudy({ space, sampler: { type: 'cmaes' } as unknown as SamplerSpec }),
      'KEEL_INVALID_ARGUMENT',
      /"cmaes"/,
    );
    expectCode(
      () => createStudy({ space, pruner: { type: 'successive-halving', reductionFactor: 1 } }),
      'KEEL_INVALID_ARGUMENT',
      /reductionFactor/,
    );
    expectCode(
      () => createStudy({ space, pruner: { type: 'percentile' } as PrunerSpec }),
      'KEEL_INVALID_ARGUMENT',
      /percentile in \[0, 100\]/,
    );
    expectCode(
      () => createStudy({ space, pruner: { type: 'median', percentile: 30 } }),
      'KEEL_INVALID_ARGUMENT',
      /"percentile"/,
    );
    expectCode(
      () => createStudy({ space, pruner: { type: 'hyperband', bootstrapCount: 2 } }),
      'KEEL_INVALID_ARGUMENT',
      /fixed maxResource/,
    );
    expectCode(() => createStudy({ space, seed: -1 }), 'KEEL_INVALID_ARGUMENT', /seed/);
    expectCode(() => createStudy({ space, direction: 'up' as never }), 'KEEL_INVALID_ARGUMENT', /direction/);
  });

  it('enqueued parameters come first (partially fixed ones are completed by the sampler) and are checked', () => {
    const study = createStudy({ space: conditional, seed: 4 });
    study.enqueue({ booster: 'linear', x: 1, l2: 0.5, rounds: 50 });
    study.enqueue({ booster: 'gbdt', y: 3 });
    expect(study.ask().params).toEqual({ booster: 'linear', x: 1, l2: 0.5, rounds: 50 });
    const second = study.ask().params;
    expect(second).toMatchObject({ booster: 'gbdt', y: 3 });
    expect(Object.keys(second).sort()).toEqual(['booster', 'rounds', 'x', 'y']);
    expectCode(() => study.enqueue({ rounds: 55 }), 'KEEL_TUNE_BAD_SPACE', /"rounds"/);
    expectCode(
      () => study.enqueue({ depth: 3 }),
      'KEEL_TUNE_BAD_SPACE',
      /"depth" is not in the search space/,
    );
  });
});

describe('serialisation and resume', () => {
  const setups: { name: string; sampler: SamplerSpec; pruner: PrunerSpec }[] = [
    { name: 'TPE + median', sampler: { type: 'tpe' }, pruner: { type: 'median' } },
    {
      name: 'multivariate TPE with constant liar + successive halving',
      sampler: { type: 'tpe', multivariate: true, constantLiar: true },
      pruner: { type: 'successive-halving' },
    },
    { name: 'random + hyperband', sampler: { type: 'random' }, pruner: { type: 'hyperband' } },
  ];
  for (const s of setups) {
    it(`${s.name}: a study restored from JSON continues exactly as the original`, () => {
      const original = createStudy({
        space: conditional,
        sampler: s.sampler,
        pruner: s.pruner,
        seed: 9,
        name: 'resume',
      });
      drive(original, 25);
      const saved = JSON.stringify(original.toJSON());
      drive(original, 15);
      const resumed = Study.fromJSON(JSON.parse(saved));
      drive(resumed, 15);
      expect(resumed.trials).toEqual(original.trials);
      expect(resumed.toJSON()).toEqual(original.toJSON());
    });
  }

  it('round-trips non-finite values, queue and pruner state through JSON text', () => {
    const study = createStudy({ space: conditional, pruner: { type: 'successive-halving' }, seed: 5 });
    drive(study, 3);
    const t = study.ask();
    study.report(t.number, 1, Number.NaN);
    study.report(t.number, 2, Number.NEGATIVE_INFINITY);
    study.enqueue({ booster: 'gbdt' });
    const u = study.ask();
    study.tell(u.number, Number.POSITIVE_INFINITY);
    study.enqueue({ x: 2 });
    const data = study.toJSON();
    expect(data.prunerState).toEqual({ minResource: 1 });
    const text = JSON.stringify(data);
    expect(text).toContain('"NaN"');
    expect(text).toContain('"-Infinity"');
    const back = Study.fromJSON(JSON.parse(text));
    expect(back.trials).toEqual(study.trials);
    expect(back.toJSON()).toEqual(data);
    expect(back.ask().params.x).toBe(2);
  });

  it('after a crash, running trials can be failed, or failed and re-asked with the same parameters', () => {
    const study = createStudy({ space: conditional, seed: 6 });
    drive(study, 12);
    const a = study.ask();
    const b = study.ask();
    const saved = JSON.parse(JSON.stringify(study.toJSON()));

    const failed = Study.fromJSON(saved);
    expect(failed.failRunning()).toEqual([a.number, b.number]);
    expect(failed.trial(a.number).state).toBe('failed');

    const retried = Study.fromJSON(saved);
    expect(retried.retryRunning()).toEqual([a.number, b.number]);
    const again = [retried.ask(), retried.ask()];
    expect(again.map((t) => t.number)).toEqual([14, 15]);
    expect(again.map((t) => t.params)).toEqual([a.params, b.params]);
  });

  it('rejects data it did not write with KEEL_TUNE_BAD_STUDY naming the field', () => {
    const good = createStudy({ space: conditional, seed: 1 });
    drive(good, 2);
    const data = JSON.parse(JSON.stringify(good.toJSON()));
    expectCode(() => Study.fromJSON({ ...data, format: 'optuna' }), 'KEEL_TUNE_BAD_STUDY', /format/);
    expectCode(() => Study.fromJSON({ ...data, version: 2 }), 'KEEL_TUNE_BAD_STUDY', /version/);
    expectCode(
      () => Study.fromJSON({ ...data, trials: [{ ...data.trials[0], state: 'done' }] }),
      'KEEL_TUNE_BAD_STUDY',
      /trials\[0\]\.state/,
    );
    expectCode(
      () => Study.fromJSON({ ...data, trials: [data.trials[1]] }),
      'KEEL_TUNE_BAD_STUDY',
      /trials\[0\]\.number/,
    );
    expectCode(
      () => Study.fromJSON({ ...data, trials: [{ ...data.trials[0], value: 'big' }] }),
      'KEEL_TUNE_BAD_STUDY',
      /trials\[0\]\.value/,
    );
    expectCode(
      () => Study.fromJSON({ ...data, samplerState: { random: { key: 'AAAA', pos: 0 } } }),
      'KEEL_TUNE_BAD_STUDY',
      /samplerState/,
    );
    expectCode(
      () => Study.fromJSON({ ...data, trials: [{ ...data.trials[0], params: { x: 1 } }] }),
      'KEEL_TUNE_BAD_SPACE',
    );
  });
});

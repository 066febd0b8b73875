import { describe, expect, it } from 'vitest';
import {
  builtin,
  definePipeline,
  parseParamArgs,
  pipelineFromYaml,
  resolveRetryPolicy,
  resolveRunParams,
  retryDelayMs,
  step,
} from '../../src/pipelines/index.js';

const noop = async () => null;

/** The error a thunk throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected an error');
}

describe('pipeline definition', () => {
  it('orders steps topologically, keeping declaration order among independent steps', () => {
    const a = step({ name: 'a', run: noop });
    const b = step({ name: 'b', inputs: { a }, run: noop });
    const c = step({ name: 'c', run: noop });
    const d = step({ name: 'd', inputs: { b, c: 'c' }, run: noop });
    const p = definePipeline({ name: 'p', steps: [d, c, b, a] });
    expect(p.order).toEqual(['c', 'a', 'b', 'd']);
    expect(p.steps.get('d')!.inputs).toEqual({ b: 'b', c: 'c' });
    expect(p.experiment).toBe('p');
    expect(p.concurrency).toBe(4);
  });

  it('reports a cycle with the steps on it, in data-flow order', () => {
    const e = thrown(() =>
      definePipeline({
        name: 'loop',
        steps: [
          { name: 'start', run: noop },
          { name: 'a', inputs: { x: 'start', y: 'c' }, run: noop },
          { name: 'b', inputs: { x: 'a' }, run: noop },
          { name: 'c', inputs: { x: 'b' }, run: noop },
        ],
      }),
    );
    expect(e.code).toBe('KEEL_PIPELINE_CYCLE');
    expect(e.details.cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(e.message).toContain('a → b → c → a');
    const self = thrown(() =>
      definePipeline({ name: 'self', steps: [{ name: 's', inputs: { me: 's' }, run: noop }] }),
    );
    expect(self).toMatchObject({ code: 'KEEL_PIPELINE_CYCLE', details: { cycle: ['s', 's'] } });
  });

  it('names the step or edge at fault for missing inputs, duplicates and bad declarations', () => {
    const missing = thrown(() =>
      definePipeline({ name: 'p', steps: [{ name: 'train', inputs: { data: 'ingst' }, run: noop }] }),
    );
    expect(missing).toMatchObject({
      code: 'KEEL_PIPELINE_INVALID',
      details: { step: 'train', input: 'data', upstream: 'ingst' },
    });
    expect(missing.message).toContain('refers to step "ingst", which is not in pipeline "p"');
    const orphan = step({ name: 'orphan', run: noop });
    expect(
      thrown(() =>
        definePipeline({ name: 'p', steps: [step({ name: 'x', inputs: { o: orphan }, run: noop })] }),
      ).code,
    ).toBe('KEEL_PIPELINE_INVALID');
    const dup = thrown(() =>
      definePipeline({
        name: 'p',
        steps: [
          { name: 'a', run: noop },
          { name: 'a', run: noop },
        ],
      }),
    );
    expect(dup).toMatchObject({ code: 'KEEL_PIPELINE_INVALID', details: { step: 'a' } });
    expect(thrown(() => definePipeline({ name: 'p', steps: [] })).code).toBe('KEEL_PIPELINE_INVALID');
    expect(thrown(() => definePipeline({ name: '9bad', steps: [{ name: 'a', run: noop }] })).code).toBe(
      'KEEL_PIPELINE_INVALID',
    );
    expect(thrown(() => step({ name: 'bad name', run: noop })).code).toBe('KEEL_PIPELINE_INVALID');
    expect(thrown(() => step({ name: 'a', run: 'x' as never })).code).toBe('KEEL_PIPELINE_INVALID');
    expect(thrown(() => step({ name: 'a', timeoutMs: -1, run: noop })).code).toBe('KEEL_PIPELINE_INVALID');
    expect(thrown(() => step({ name: 'a', retry: { retries: -1 }, run: noop })).message).toContain(
      'retry.retries',
    );
    expect(
      thrown(() => step({ name: 'a', params: { when: new Date() as never }, run: noop })).message,
    ).toContain('$.when');
    expect(
      thrown(() =>
        definePipeline({ name: 'p', steps: [{ name: 'a', run: noop }], schedules: [{ cron: '61 * * * *' }] }),
      ),
    ).toMatchObject({ code: 'KEEL_PIPELINE_BAD_SCHEDULE', details: { cron: '61 * * * *' } });
    expect(
      thrown(() =>
        definePipeline({
          name: 'p',
          steps: [{ name: 'a', run: noop }],
          triggers: [{ type: 'labels', subject: 'x', count: 0 }],
        }),
      ).code,
    ).toBe('KEEL_PIPELINE_INVALID');
  });

  it('changes the digest with code, params defaults and policies, not with declaration order', () => {
    const make = (version: string, n = 1, retries = 0) =>
      definePipeline({
        name: 'p',
        steps: [
          step({ name: 'a', version, params: { n }, retry: { retries }, run: noop }),
          step({ name: 'b', inputs: { a: 'a' }, run: noop }),
        ],
      });
    const base = make('1');
    expect(make('1').digest).toBe(base.digest);
    expect(make('2').digest).not.toBe(base.digest);
    expect(make('1', 2).digest).not.toBe(base.digest);
    expect(make('1', 1, 3).digest).not.toBe(base.digest);
    const swapped = definePipeline({ name: 'p', steps: [...base.steps.values()].reverse() });
    expect(swapped.digest).toBe(base.digest);
    const bySource = (body: () => Promise<number>) => step({ name: 'x', run: body }).codeVersion;
    expect(bySource(async () => 1)).toBe(bySource(async () => 1));
    expect(bySource(async () => 1)).not.toBe(bySource(async () => 2));
  });
});

describe('built-in steps', () => {
  it('checks kind, inputs and params when the pipeline is declared', () => {
    expect(thrown(() => builtin('trian', { name: 'fit' }))).toMatchObject({
      code: 'KEEL_PIPELINE_INVALID',
      details: { step: 'fit', uses: 'trian' },
    });
    expect(thrown(() => builtin('trian', { name: 'fit' })).message).toContain(
      'Built-in steps: ingest, validate, training-set',
    );
    expect(thrown(() => builtin('train', { name: 'fit', params: { target: 'y' } })).message).toContain(
      'needs input "data"',
    );
    expect(
      thrown(() =>
        builtin('train', { name: 'fit', inputs: { data: 'i', extra: 'i' }, params: { target: 'y' } }),
      ).message,
    ).toContain('has no input "extra"');
    expect(thrown(() => builtin('train', { name: 'fit', inputs: { data: 'i' } })).message).toContain(
      'needs parameter "target"',
    );
    expect(
      thrown(() => builtin('train', { name: 'fit', inputs: { data: 'i' }, params: { target: 'y', lr: 1 } }))
        .message,
    ).toContain('has no parameter "lr"');
    expect(
      thrown(() =>
        builtin('train', { name: 'fit', inputs: { data: 'i' }, params: { target: 'y', learner: 3 } }),
      ).message,
    ).toContain('parameter "learner" must be a string, got a number');
    expect(
      thrown(() => builtin('train', { name: 'fit', inputs: { data: 'i' }, params: { target: 3 } })).message,
    ).toContain('target must name the label column');
    expect(
      thrown(() =>
        builtin('train', { name: 'fit', inputs: { data: 'i' }, params: { target: 'y', learner: 'svm' } }),
      ).message,
    ).toContain('learner must be one of gbdt, linear');
    expect(
      thrown(() =>
        builtin('tune', {
          name: 't',
          inputs: { data: 'i' },
          params: { target: 'y', space: { lr: { type: 'float', low: 1, high: 0 } } },
        }),
      ).message,
    ).toContain('space:');
    expect(
      thrown(() =>
        builtin('evaluate', {
          name: 'e',
          inputs: { model: 'm', data: 'd' },
          params: { thresholds: { auc: { minimum: 1 } } },
        }),
      ).message,
    ).toContain('thresholds.auc');
    const ok = builtin('ingest', { name: 'load', params: { source: 'data/x.csv' } });
    expect(ok).toMatchObject({
      builtin: 'ingest',
      cache: false,
      params: { source: 'data/x.csv', badRows: 'fail' },
    });
    expect(ok.codeVersion).toBe('v:builtin:ingest@1');
  });

  it('reads YAML pipelines of built-in steps and names the key or step at fault', () => {
    const p = pipelineFromYaml(
      [
        'name: fraud',
        'schedules: [{ cron: "0 3 * * *" }]',
        'triggers: [{ type: file, path: data/tx.csv }]',
        'steps:',
        '  - { name: load, uses: ingest, params: { source: data/tx.csv } }',
        '  - { name: fit, uses: train, inputs: { data: load }, params: { target: is_fraud }, retry: { retries: 2 } }',
      ].join('\n'),
      '/p/fraud.yaml',
    );
    expect(p).toMatchObject({ name: 'fraud', order: ['load', 'fit'], source: '/p/fraud.yaml' });
    expect(p.steps.get('fit')!.retry.retries).toBe(2);
    expect(p.schedules.map((s) => s.cron)).toEqual(['0 3 * * *']);
    expect(p.triggers.map((t) => t.name)).toEqual(['file-1']);
    const unknownKey = thrown(() =>
      pipelineFromYaml('name: x\nstepz: []\nsteps: [{ name: a, uses: ingest, params: { source: s } }]'),
    );
    expect(unknownKey.message).toContain('unknown key "stepz"');
    const noUses = thrown(() => pipelineFromYaml('name: x\nsteps: [{ name: a }]'));
    expect(noUses.message).toContain('steps.0.uses');
    const dupKey = thrown(() => pipelineFromYaml('name: x\nname: y\nsteps: []'));
    expect(dupKey).toMatchObject({ code: 'KEEL_PIPELINE_INVALID', details: { line: 2 } });
    const badUses = thrown(() => pipelineFromYaml('name: x\nsteps: [{ name: a, uses: sql }]'));
    expect(badUses).toMatchObject({ code: 'KEEL_PIPELINE_INVALID', details: { step: 'a', uses: 'sql' } });
    const cycle = thrown(() =>
      pipelineFromYaml(
        'name: x\nsteps:\n  - { name: a, uses: validate, inputs: { data: b }, params: { expectations: e.yaml } }\n  - { name: b, uses: validate, inputs: { data: a }, params: { expectations: e.yaml } }',
      ),
    );
    expect(cycle.code).toBe('KEEL_PIPELINE_CYCLE');
  });
});

describe('run params', () => {
  const p = definePipeline({
    name: 'p',
    steps: [
      step({ name: 'a', params: { n: 1, on: false, label: 'x', list: [1] }, run: noop }),
      step({ name: 'b', params: { n: 2 }, run: noop }),
    ],
  });

  it('applies step.key and key overrides over defaults and a resumed run', () => {
    expect(resolveRunParams(p)).toEqual({ a: { n: 1, on: false, label: 'x', list: [1] }, b: { n: 2 } });
    expect(resolveRunParams(p, { n: '5', 'a.on': 'true', 'a.list': '[1, 2]', 'a.label': '7' })).toEqual({
      a: { n: 5, on: true, label: '7', list: [1, 2] },
      b: { n: 5 },
    });
    expect(resolveRunParams(p, { 'b.n': 9 }, { a: { n: 3, gone: 1 }, b: { n: 4 } })).toEqual({
      a: { n: 3, on: false, label: 'x', list: [1] },
      b: { n: 9 },
    });
  });

  it('refuses unknown params and values of the wrong type', () => {
    expect(thrown(() => resolveRunParams(p, { m: '1' }))).toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    expect(thrown(() => resolveRunParams(p, { m: '1' })).message).toContain(
      'Known: a.n, a.on, a.label, a.list, b.n',
    );
    expect(thrown(() => resolveRunParams(p, { 'c.n': '1' })).code).toBe('KEEL_INVALID_ARGUMENT');
    expect(thrown(() => resolveRunParams(p, { n: 'ten' })).message).toContain('must be a number');
    expect(thrown(() => resolveRunParams(p, { 'a.on': 'yes' })).message).toContain('true or false');
    expect(thrown(() => resolveRunParams(p, { 'a.list': '[1,' })).message).toContain('JSON');
    expect(parseParamArgs(['a.n=3', 'label=x=y'])).toEqual({ 'a.n': '3', label: 'x=y' });
    expect(thrown(() => parseParamArgs(['novalue']))).toMatchObject({ code: 'KEEL_USAGE' });
  });
});

describe('retry backoff', () => {
  it('grows exponentially up to the cap, with a deterministic jitter in range', () => {
    const none = resolveRetryPolicy(
      { retries: 5, initialDelayMs: 1000, factor: 2, maxDelayMs: 5000, jitter: 'none' },
      'x',
    );
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(none, n, 'run/step'))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
    const full = resolveRetryPolicy({ retries: 5, initialDelayMs: 1000 }, 'x');
    const equal = resolveRetryPolicy({ retries: 5, initialDelayMs: 1000, jitter: 'equal' }, 'x');
    for (const n of [1, 2, 3]) {
      const base = 1000 * 2 ** (n - 1);
      const f = retryDelayMs(full, n, 'run/step');
      expect(f).toBe(retryDelayMs(full, n, 'run/step'));
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(base);
      const e = retryDelayMs(equal, n, 'run/step');
      expect(e).toBeGreaterThanOrEqual(base / 2);
      expect(e).toBeLessThanOrEqual(base);
    }
    const draws = new Set(Array.from({ length: 20 }, (_, i) => retryDelayMs(full, 1, `run-${i}/step`)));
    expect(draws.size).toBeGreaterThan(15);
  });
});

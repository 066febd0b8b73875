import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/built-cli.js';
import { tempDir } from '../helpers/tmp.js';

const project = tempDir('keel-e2e-pipeline-');
const keel = (args: string[], env: Record<string, string> = {}) =>
  runBuiltCli(project, ['--project', project, ...args], {
    KEEL_USER: 'e2e',
    KEEL_LOG_LEVEL: 'error',
    ...env,
  });

/** A TypeScript pipeline file without imports: plain options, steps as functions. */
const SUM_PIPELINE = `
export default {
  name: 'sums',
  steps: [
    { name: 'numbers', params: { n: 3 }, run: async (_i: unknown, p: { n: number }) => Array.from({ length: p.n }, (_, i) => i + 1) },
    { name: 'total', inputs: { xs: 'numbers' }, run: async ({ xs }: { xs: number[] }) => xs.reduce((a, b) => a + b, 0) },
    {
      name: 'publish',
      inputs: { total: 'total' },
      run: async ({ total }: { total: number }) => {
        if (!process.env.KEEL_E2E_FIXED) throw new Error('cannot publish', { cause: new Error('service down') });
        return { published: total };
      },
    },
  ],
  triggers: [{ name: 'new-data', type: 'file', path: 'data/input.csv' }],
};
`;

describe('keel pipeline, worker and scheduler through the built CLI', () => {
  beforeAll(() => {
    mkdirSync(join(project, 'pipelines'), { recursive: true });
    mkdirSync(join(project, 'data'), { recursive: true });
    writeFileSync(join(project, 'pipelines/sums.ts'), SUM_PIPELINE);
    writeFileSync(
      join(project, 'pipelines/loop.yaml'),
      'name: loop\nsteps:\n  - { name: a, uses: validate, inputs: { data: b }, params: { expectations: e.yaml } }\n  - { name: b, uses: validate, inputs: { data: a }, params: { expectations: e.yaml } }\n',
    );
    writeFileSync(join(project, 'data/input.csv'), 'x\n1\n');
  });

  it('runs a pipeline, records a failing step with its cause, resumes it from the failed step', async () => {
    const failed = await keel(['pipeline', 'run', 'pipelines/sums.ts', '--param', 'numbers.n=4']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('✓ numbers');
    expect(failed.stderr).toContain('✗ publish');
    expect(failed.stderr).toContain('KEEL_PIPELINE_STEP_FAILED');
    expect(failed.stderr).toContain('service down');
    const runId = /run (\w+) FAILED/.exec(failed.stdout)?.[1];
    expect(runId).toBeDefined();

    const resumed = await keel(['pipeline', 'run', 'pipelines/sums.ts', '--resume', runId!, '--json'], {
      KEEL_E2E_FIXED: '1',
    });
    expect(resumed.code).toBe(0);
    const body = JSON.parse(resumed.stdout) as {
      run: { resumedFrom: string; params: unknown };
      steps: { step: string; status: string; cachedFrom: string | null }[];
    };
    expect(body.run.resumedFrom).toBe(runId);
    expect(body.run.params).toEqual({ numbers: { n: 4 }, total: {}, publish: {} });
    expect(body.steps.map((s) => [s.step, s.status, s.cachedFrom])).toEqual([
      ['numbers', 'CACHED', runId],
      ['total', 'CACHED', runId],
      ['publish', 'SUCCEEDED', null],
    ]);

    const show = await keel(['pipeline', 'show', runId!]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/publish\s+FAILED\s+1\s+miss/);
    expect(show.stdout).toContain('caused by: Error: service down');
    const runs = await keel(['pipeline', 'runs', '--json']);
    expect((JSON.parse(runs.stdout) as { status: string }[]).map((r) => r.status)).toEqual([
      'SUCCEEDED',
      'FAILED',
    ]);
    const tracked = await keel(['runs', 'list', '--experiment', 'sums', '--json']);
    expect((JSON.parse(tracked.stdout) as { runs: unknown[] }).runs).toHaveLength(8);
  });

  it('refuses bad pipelines, params and a worker without a shared queue, with exit code 2', async () => {
    const cycle = await keel(['pipeline', 'run', 'pipelines/loop.yaml']);
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toContain('KEEL_PIPELINE_CYCLE');
    expect(cycle.stderr).toContain('a → b → a');
    const param = await keel(['pipeline', 'run', 'pipelines/sums.ts', '--param', 'numbers.m=1']);
    expect(param.code).toBe(2);
    expect(param.stderr).toContain('Known: numbers.n');
    const missing = await keel(['pipeline', 'show', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('KEEL_PIPELINE_NOT_FOUND');
    const worker = await keel(['worker']);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain('needs a shared queue');
  });

  it('starts a run from a trigger with keel scheduler --once, and none for data already there', async () => {
    const first = await keel(['scheduler', 'pipelines/sums.ts', '--once', '--json'], { KEEL_E2E_FIXED: '1' });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([]);
    writeFileSync(join(project, 'data/input.csv'), 'x\n1\n2\n');
    utimesSync(join(project, 'data/input.csv'), new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    const second = await keel(['scheduler', 'pipelines/sums.ts', '--once', '--json'], {
      KEEL_E2E_FIXED: '1',
    });
    expect(second.code).toBe(0);
    const started = JSON.parse(second.stdout) as { pipeline: string; runId: string; trigger: string }[];
    expect(started.map((s) => [s.pipeline, s.trigger.split(' (')[0]])).toEqual([
      ['sums', 'trigger:new-data'],
    ]);
    const shown = await keel(['pipeline', 'show', started[0]!.runId, '--json']);
    expect(JSON.parse(shown.stdout).run).toMatchObject({ status: 'SUCCEEDED', trigger: started[0]!.trigger });
    const third = await keel(['scheduler', 'pipelines/sums.ts', '--once', '--json'], { KEEL_E2E_FIXED: '1' });
    expect(JSON.parse(third.stdout)).toEqual([]);
  });
});

import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_ENV, REPO, runBuiltCli } from '../helpers/built-cli.js';
import { waitFor } from '../helpers/poll.js';
import { tempDir } from '../helpers/tmp.js';

const project = tempDir('keel-e2e-tune-');
const keel = (...args: string[]) => runBuiltCli(project, args);
const FRAUD = ['--data', 'tx.csv', '--target', 'is_fraud', '--split', 'time:event_timestamp'];

describe('keel tune through the built CLI', () => {
  beforeAll(async () => {
    expect((await keel('init', '.')).code).toBe(0);
    cpSync(new URL('../fixtures/fraud/tx_2000_seed42.csv', import.meta.url), join(project, 'tx.csv'));
  });

  it('refuses bad input with exit code 2 and a message', async () => {
    writeFileSync(join(project, 'empty.json'), '{}');
    const cases: Array<[string[], RegExp]> = [
      [['--trials', '0'], /--trials must be a whole number ≥ 1/],
      [['--sampler', 'cmaes'], /Unknown sampler "cmaes"/],
      [['--metric', 'rmse'], /"rmse" is not a binary metric/],
      [['--space', 'empty.json'], /KEEL_TUNE_BAD_SPACE/],
    ];
    for (const [args, message] of cases) {
      // A later --trials overrides the first one.
      const r = await keel('tune', ...FRAUD, '--trials', '2', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const missing = await keel('tune', '--data', 'tx.csv');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/needs --data <file> and --target <column>/);
  });

  it('resumes a killed study, registers the final model and prints the documented JSON', {
    timeout: 120_000,
  }, async () => {
    const args = [
      ...FRAUD,
      '--trials',
      '4',
      '--pruner',
      'median',
      '--param',
      'numTrees=80',
      '--experiment',
      'fraud-tune',
    ];
    const child = spawn(process.execPath, [join(REPO, 'bin/keel.js'), 'tune', ...args], {
      cwd: project,
      env: CLEAN_ENV,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      // Killed (SIGKILL, no shutdown) once the first trial has finished.
      await waitFor(() => /^trial \d+ /m.test(err), 60_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const studyId = /^study (\S+) started/m.exec(err)![1]!;
    const r = await keel('tune', '--resume', studyId, '--register', 'fraud', '--alias', 'champion', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(
      [
        'bestParams',
        'bestTrial',
        'bestValue',
        'counts',
        'direction',
        'durationMs',
        'experimentId',
        'final',
        'interrupted',
        'learner',
        'metric',
        'name',
        'parentRunId',
        'pruner',
        'registered',
        'resumed',
        'sampler',
        'studyId',
        'target',
        'task',
      ].sort(),
    );
    expect(out).toMatchObject({ studyId, resumed: true, learner: 'gbdt', task: 'binary', metric: 'auc' });
    expect(out.counts.running).toBe(0);
    expect(out.counts.trials - out.interrupted.length).toBe(4);
    expect(out.bestValue).toBe(out.bestTrial.value);
    expect(out.bestParams.numTrees).toBe(80);
    expect(out.registered).toEqual({ model: 'fraud', version: 1, aliases: ['champion'] });
    expect(out.final.metrics.test).toHaveProperty('auc');

    const runs = await keel(
      'runs',
      'list',
      '--experiment',
      'fraud-tune',
      '--filter',
      `tags.keel.tune.study = '${studyId}'`,
      '--json',
    );
    const listed = JSON.parse(runs.stdout).runs as {
      id: string;
      status: string;
      tags: Record<string, string>;
    }[];
    expect(listed.filter((x) => x.status === 'RUNNING')).toHaveLength(0);
    // Every trial has its run, except an interrupted one the kill caught after its ask was saved and
    // before its run started (resume re-asks it under a new number).
    const trialRuns = listed.filter((x) => x.tags['keel.tune.role'] === 'trial');
    const withRun = new Set(trialRuns.map((x) => Number(x.tags['keel.tune.trial'])));
    expect(withRun.size).toBe(trialRuns.length);
    expect(trialRuns.length).toBeLessThanOrEqual(out.counts.trials);
    for (let n = 0; n < out.counts.trials; n++) {
      if (!out.interrupted.includes(n)) expect(withRun.has(n), `trial ${n} has a run`).toBe(true);
    }
    expect(listed.filter((x) => x.tags['keel.tune.role'] === 'final').map((x) => x.id)).toEqual([
      out.final.runId,
    ]);
    expect(listed.find((x) => x.tags['keel.tune.role'] === 'study')?.status).toBe('FINISHED');
    const shown = JSON.parse((await keel('models', 'show', 'fraud@champion', '--json')).stdout);
    expect(JSON.stringify(shown)).toContain(out.parentRunId);
    const again = await keel('tune', '--resume', studyId);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already finished/);
  });
});

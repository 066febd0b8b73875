import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/built-cli.js';
import { tempDir } from '../helpers/tmp.js';

const project = tempDir('keel-e2e-train-');
const keel = (...args: string[]) => runBuiltCli(project, args);

describe('keel train through the built CLI', () => {
  beforeAll(async () => {
    expect((await keel('init', '.')).code).toBe(0);
    cpSync(new URL('../fixtures/fraud/tx_2000_seed42.csv', import.meta.url), join(project, 'tx.csv'));
    cpSync(
      new URL('../fixtures/datasets/penguins/penguins.csv', import.meta.url),
      join(project, 'penguins.csv'),
    );
  });

  it('trains on a time split, registers with an alias and prints the documented JSON', async () => {
    const r = await keel(
      'train',
      '--data',
      'tx.csv',
      '--target',
      'is_fraud',
      '--split',
      'time:event_timestamp',
      '--param',
      'numTrees=40',
      '--param',
      'learningRate=0.1',
      '--experiment',
      'fraud',
      '--register',
      'fraud',
      '--alias',
      'champion',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(
      [
        'datasetFingerprint',
        'durationMs',
        'experimentId',
        'features',
        'learner',
        'metrics',
        'registered',
        'rounds',
        'rows',
        'runId',
        'target',
        'task',
      ].sort(),
    );
    expect(out).toMatchObject({ learner: 'gbdt', task: 'binary', target: 'is_fraud', rounds: 40 });
    expect(out.registered).toEqual({ model: 'fraud', version: 1, aliases: ['champion'] });
    expect(out.metrics.test.auc).toBeGreaterThan(0.5);
    expect(out.metrics.validation).toHaveProperty('logloss');
    const shown = JSON.parse((await keel('models', 'show', 'fraud@champion', '--json')).stdout);
    expect(JSON.stringify(shown)).toContain(out.runId);
    const runs = await keel(
      'runs',
      'list',
      '--experiment',
      'fraud',
      '--filter',
      "params.learner = 'gbdt'",
      '--json',
    );
    expect(JSON.parse(runs.stdout).runs.map((x: { id: string }) => x.id)).toContain(out.runId);
  });

  it('trains a multiclass linear model and shows a human table', async () => {
    const r = await keel(
      'train',
      '--data',
      'penguins.csv',
      '--target',
      'species',
      '--learner',
      'linear',
      '--split',
      'stratified',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Trained linear \(multiclass\)/);
    expect(r.stdout).toMatch(/accuracy\s+\d/);
  });

  it('refuses bad input with exit 2, a message naming the problem and no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['--target', 'nope'], /No column "nope". Columns are: .*is_fraud/],
      [['--target', 'is_fraud', '--param', 'numTreez=5'], /numTreez/],
      [['--target', 'is_fraud', '--param', 'numTrees=-3'], /numTrees/],
      [['--target', 'is_fraud', '--split', 'sideways'], /random, stratified, time:<column>/],
      [['--target', 'is_fraud', '--learner', 'forest'], /Unknown learner "forest"/],
      [['--target', 'is_fraud', '--validation', '2'], /--validation must be a fraction/],
    ];
    for (const [args, message] of cases) {
      const r = await keel('train', '--data', 'tx.csv', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await keel('train', '--data', 'missing.csv', '--target', 'y');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing\.csv/);
  });
});

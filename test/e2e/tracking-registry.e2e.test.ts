import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keel } from '../../src/sdk/index.js';
import type { ModelSignature } from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'bin/keel.js');
const project = tempDir('keel-e2e-track-');
const signature: ModelSignature = {
  kind: 'columns',
  inputs: [{ name: 'amount', type: 'numeric' }],
  outputs: [{ name: 'score', type: 'numeric' }],
};
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KEEL_')));

/** Runs the BUILT CLI (`npm run build` first) against the seeded project. */
async function keel(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [bin, '--project', project, ...args], {
      env: { ...env, KEEL_USER: 'e2e' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const ids: Record<string, string> = {};

describe('tracking and registry through the built CLI', () => {
  beforeAll(async () => {
    if (!existsSync(join(repo, 'dist/cli/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
    const sdk = await Keel.open({ root: project, env: {} });
    const tracking = await sdk.tracking({ user: 'seed' });
    const gbdt = await tracking.startRun({
      experiment: 'fraud',
      name: 'gbdt-baseline',
      params: { learner: 'gbdt', lr: '0.1' },
    });
    await gbdt.logMetrics({ auc: 0.8, loss: 0.5 }, 0);
    await gbdt.logMetrics({ auc: 0.91, loss: 0.3 }, 1);
    await gbdt.logInput({ fingerprint: 'fp-train', name: 'tx', source: 'data/tx.csv', rowCount: 1000 });
    await gbdt.logArtifact('model/model.bin', Buffer.from('gbdt-model-bytes'));
    await gbdt.end();
    const linear = await tracking.startRun({
      experiment: 'fraud',
      name: 'linear',
      params: { learner: 'linear', lr: '0.1' },
    });
    await linear.logMetric('auc', 0.85);
    await linear.end();
    const registry = await sdk.registry({ actor: 'seed' });
    await registry.register({
      model: 'fraud',
      runId: gbdt.id,
      artifactPath: 'model/model.bin',
      flavor: 'keel-gbdt',
      signature,
    });
    await registry.register({
      model: 'fraud',
      runId: linear.id,
      content: Buffer.from('linear-model-bytes'),
      flavor: 'keel-linear',
      signature,
    });
    ids.gbdt = gbdt.id;
    ids.linear = linear.id;
    await sdk.close();
  });

  it('lists experiments and runs, filters and orders them, shows and compares runs', async () => {
    const [experiments, all, filtered, ordered, shown, compared] = await Promise.all([
      keel('experiments', 'list', '--json'),
      keel('runs', 'list'),
      keel(
        'runs',
        'list',
        '--experiment',
        'fraud',
        '--filter',
        "metrics.auc > 0.9 and params.learner = 'gbdt'",
        '--json',
      ),
      keel('runs', 'list', '--order-by', 'metrics.auc ASC', '--json'),
      keel('runs', 'show', 'gbdt-baseline'),
      keel('runs', 'compare', ids.gbdt!, ids.linear!, '--json'),
    ]);
    expect(JSON.parse(experiments.stdout).map((e: { name: string }) => e.name)).toEqual(['fraud']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/gbdt-baseline\s+fraud\s+FINISHED/);
    expect(all.stdout).toMatch(/linear\s+fraud\s+FINISHED/);
    expect(JSON.parse(filtered.stdout).runs.map((r: { id: string }) => r.id)).toEqual([ids.gbdt]);
    expect(JSON.parse(ordered.stdout).runs.map((r: { name: string }) => r.name)).toEqual([
      'linear',
      'gbdt-baseline',
    ]);
    expect(shown.code).toBe(0);
    for (const text of [ids.gbdt!, 'learner', 'gbdt', '0.91', 'model/model.bin', 'fp-train'])
      expect(shown.stdout).toContain(text);
    const cmp = JSON.parse(compared.stdout);
    expect(cmp.params).toContainEqual({ key: 'learner', values: ['gbdt', 'linear'], differs: true });
    expect(cmp.metrics).toContainEqual({ key: 'auc', values: [0.91, 0.85], differs: true });
  });

  it('lists and shows models with versions and lineage', async () => {
    const [list, show, version] = await Promise.all([
      keel('models', 'list'),
      keel('models', 'show', 'fraud'),
      keel('models', 'show', 'fraud/1', '--json'),
    ]);
    expect(list.stdout).toMatch(/fraud\s+2/);
    expect(show.stdout).toMatch(/2\s+keel-linear/);
    expect(show.stdout).toMatch(/1\s+keel-gbdt/);
    expect(show.stdout).toContain(ids.linear!);
    const v1 = JSON.parse(version.stdout);
    expect(v1).toMatchObject({ version: 1, flavor: 'keel-gbdt', metrics: { auc: 0.91, loss: 0.3 } });
    expect(v1.lineage).toEqual({
      runId: ids.gbdt,
      datasetFingerprints: ['fp-train'],
      featureService: null,
      gitCommit: null,
      params: { learner: 'gbdt', lr: '0.1' },
    });
  });

  it('sets an alias, moves it, reads the history and tags a version', async () => {
    const set = await keel('models', 'alias', 'fraud', 'champion', '1', '--reason', 'first release');
    expect([set.code, set.stdout.trim()]).toEqual([
      0,
      'fraud@champion: new -> version 1 (by e2e: first release)',
    ]);
    const moved = await keel(
      'models',
      'alias',
      'fraud',
      'champion',
      '2',
      '--reason',
      'better recall',
      '--json',
    );
    expect(JSON.parse(moved.stdout)).toMatchObject({
      fromVersion: 1,
      toVersion: 2,
      actor: 'e2e',
      reason: 'better recall',
    });
    const history = JSON.parse((await keel('models', 'history', 'fraud', 'champion', '--json')).stdout);
    expect(
      history.map((e: { fromVersion: number | null; toVersion: number }) => [e.fromVersion, e.toVersion]),
    ).toEqual([
      [null, 1],
      [1, 2],
    ]);
    const table = await keel('models', 'history', 'fraud');
    expect(table.stdout).toMatch(/champion\s+1\s+2\s+e2e\s+better recall/);
    expect((await keel('models', 'tag', 'fraud@champion', 'validated=yes', 'owner=risk')).code).toBe(0);
    const champion = JSON.parse((await keel('models', 'show', 'fraud@champion', '--json')).stdout);
    expect([champion.version, champion.tags, champion.aliases]).toEqual([
      2,
      { owner: 'risk', validated: 'yes' },
      ['champion'],
    ]);
  });

  it('refuses bad references, duplicates and unknown models with exit code 2 and a way out', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['models', 'show', 'fraud@'],
        /not a model reference: the alias after "@" is empty\. Refer to a model as name@alias/,
      ],
      [['models', 'show', 'ghost'], /Model "ghost" is not registered\. List models with: keel models list/],
      [
        ['models', 'show', 'fraud@challenger'],
        /Model "fraud" has no alias "challenger" \(it has: champion\)\. Set one with: keel models alias fraud challenger 2/,
      ],
      [['models', 'tag', 'fraud', 'a=1', 'a=2'], /Tag "a" is given twice/],
      [['runs', 'compare', ids.gbdt!, 'gbdt-baseline'], /is given twice; compare distinct runs/],
      [['models', 'alias', 'fraud', 'latest', '1'], /"latest" is reserved/],
      [['runs', 'list', '--filter', 'metrics.auc >> 1'], /Bad expression at character 14/],
    ];
    const results = await Promise.all(cases.map(([args]) => keel(...args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
    const json = await keel('models', 'show', 'ghost', '--json');
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toMatchObject({
      code: 'KEEL_REGISTRY_MODEL_NOT_FOUND',
      details: { model: 'ghost' },
    });
  });

  it('deletes a version (its alias history kept) and then the model', async () => {
    const v = await keel('models', 'delete', 'fraud/2', '--reason', 'bad data');
    expect([v.code, v.stdout.trim()]).toEqual([0, 'Deleted version 2 of model "fraud"']);
    const history = JSON.parse((await keel('models', 'history', 'fraud', '--json')).stdout);
    expect(history.at(-1)).toMatchObject({
      alias: 'champion',
      fromVersion: 2,
      toVersion: null,
      reason: 'bad data',
    });
    expect((await keel('models', 'delete', 'fraud')).code).toBe(0);
    expect((await keel('models', 'list', '--json')).stdout.trim()).toBe('[]');
  });
});

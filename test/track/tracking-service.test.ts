import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_TAGS, Tracking } from '../../src/track/index.js';
import { useTestStores } from '../helpers/stores.js';
import { tempDir } from '../helpers/tmp.js';

const stores = useTestStores();
const dir = tempDir();

async function tracking(
  root: string | null = null,
): Promise<{ t: Tracking; clock: import('../../src/core/index.js').ManualClock }> {
  const s = await stores();
  return { t: new Tracking({ ...s, root, user: 'ada' }), clock: s.clock };
}

describe('Tracking', () => {
  it('gets or creates experiments by name and starts runs in them', async () => {
    const { t, clock } = await tracking();
    const e1 = await t.getOrCreateExperiment('fraud');
    expect(await t.getOrCreateExperiment('fraud')).toEqual(e1);
    await expect(t.getOrCreateExperiment('bad name!')).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    const run = await t.startRun({ experiment: 'fraud', name: 'baseline', params: { lr: 0.1, deep: true } });
    const info = await run.info();
    expect(info).toMatchObject({
      experimentId: e1.id,
      name: 'baseline',
      status: 'RUNNING',
      startTime: clock.now(),
    });
    expect(info.params).toEqual({ deep: 'true', lr: '0.1' });
    expect(info.tags).toEqual({ [RUN_TAGS.user]: 'ada' });
    await expect(t.startRun({ experiment: 'fraud', params: { 'bad key!': 1 } })).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
    });
    expect((await t.searchRuns({ experiments: ['fraud'] })).runs).toHaveLength(1);
    await clock.advance(1);
    const other = await t.startRun();
    expect((await t.listExperiments()).map((e) => e.name)).toEqual(['fraud', 'Default']);
    expect(other.name).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
  });

  it('logs params, metrics with steps, tags, inputs and artifacts, then ends', async () => {
    const { t, clock } = await tracking();
    const run = await t.startRun({ experiment: 'e' });
    await run.logParams({ learner: 'gbdt' });
    await expect(run.logParam('learner', 'linear')).rejects.toMatchObject({
      code: 'KEEL_TRACK_PARAM_CONFLICT',
    });
    for (let step = 0; step < 3; step++) {
      await clock.advance(1000);
      await run.logMetrics({ auc: 0.8 + step / 100, loss: 1 / (step + 1) }, step);
    }
    await run.setTags({ stage: 'dev' });
    await run.logInput({ fingerprint: 'fp', name: 'tx', source: 'data/tx.csv', rowCount: 10 });
    const bytes = await run.logArtifact('model/model.bin', Buffer.from('weights'));
    const file = join(dir, 'report.json');
    writeFileSync(file, '{"ok":true}');
    await run.logArtifact('report.json', { file });
    await expect(run.logArtifact('../escape', Buffer.from('x'))).rejects.toMatchObject({
      code: 'KEEL_ARTIFACT_BAD_PATH',
    });
    await expect(run.logMetric('bad key!', 1)).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    const ended = await run.end();
    expect(ended).toMatchObject({ status: 'FINISHED', endTime: clock.now() });
    expect(ended.metrics.auc).toEqual({ key: 'auc', value: 0.8 + 2 / 100, step: 2, timestamp: clock.now() });
    expect(ended.inputs).toEqual([
      { fingerprint: 'fp', name: 'tx', source: 'data/tx.csv', context: 'training', rowCount: 10 },
    ]);
    expect(ended.artifacts.map((a) => a.path)).toEqual(['model/model.bin', 'report.json']);
    expect(bytes.size).toBe(7);
    expect((await t.metricHistory(run.id, 'loss')).map((p) => p.step)).toEqual([0, 1, 2]);
    await expect(run.logMetric('auc', 1)).rejects.toMatchObject({ code: 'KEEL_TRACK_RUN_NOT_ACTIVE' });
    await expect(t.resumeRun(run.id)).rejects.toMatchObject({ code: 'KEEL_TRACK_RUN_NOT_ACTIVE' });
  });

  it('nests runs, records the git commit, and ends failed runs as FAILED', async () => {
    const repo = join(dir, 'repo');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, '.git/HEAD'), `${'d'.repeat(40)}\n`);
    const { t } = await tracking(repo);
    const parent = await t.startRun({ name: 'study' });
    const child = await t.startRun({ name: 'trial-1', parent });
    expect((await child.info()).parentRunId).toBe(parent.id);
    expect((await child.info()).tags[RUN_TAGS.gitCommit]).toBe('d'.repeat(40));
    await expect(
      t.withRun({ name: 'crash' }, async () => {
        throw new Error('diverged');
      }),
    ).rejects.toThrow('diverged');
    const crashed = await t.findRun('crash');
    expect(crashed.status).toBe('FAILED');
    expect(await t.withRun({ name: 'ok' }, async (r) => r.id)).toBe((await t.findRun('ok')).id);
    expect((await t.findRun('ok')).status).toBe('FINISHED');
  });

  it('searches with MLflow filter and order strings, by experiment name', async () => {
    const { t } = await tracking();
    for (const [name, auc, learner] of [
      ['a', 0.91, 'gbdt'],
      ['b', 0.85, 'gbdt'],
      ['c', 0.95, 'linear'],
    ] as const) {
      const run = await t.startRun({ experiment: 'e', name, params: { learner } });
      await run.logMetric('auc', auc);
    }
    await (await t.startRun({ experiment: 'other', name: 'd' })).logMetric('auc', 0.99);
    const page = await t.searchRuns({
      experiments: ['e'],
      filter: "metrics.auc > 0.9 and params.learner = 'gbdt'",
    });
    expect(page.runs.map((r) => r.name)).toEqual(['a']);
    const ordered = await t.searchRuns({ orderBy: 'metrics.auc DESC' });
    expect(ordered.runs.map((r) => r.name)).toEqual(['d', 'c', 'a', 'b']);
    await expect(t.searchRuns({ experiments: ['nope'] })).rejects.toMatchObject({
      code: 'KEEL_TRACK_EXPERIMENT_NOT_FOUND',
    });
    await expect(t.searchRuns({ filter: 'metrics.auc >> 1' })).rejects.toMatchObject({
      code: 'KEEL_TRACK_BAD_FILTER',
    });
  });

  it('finds runs by id or unique name and compares them side by side', async () => {
    const { t } = await tracking();
    const a = await t.startRun({ name: 'a', params: { lr: '0.1', depth: '6' } });
    await a.logMetrics({ auc: 0.9, loss: 0.3 });
    const b = await t.startRun({ name: 'b', params: { lr: '0.2', depth: '6' } });
    await b.logMetrics({ auc: 0.9 });
    await t.startRun({ name: 'twin' });
    await t.startRun({ name: 'twin' });
    const cmp = await t.compare([a.id, 'b']);
    expect(cmp.runs.map((r) => r.name)).toEqual(['a', 'b']);
    expect(cmp.params).toEqual([
      { key: 'depth', values: ['6', '6'], differs: false },
      { key: 'lr', values: ['0.1', '0.2'], differs: true },
    ]);
    expect(cmp.metrics).toEqual([
      { key: 'auc', values: [0.9, 0.9], differs: false },
      { key: 'loss', values: [0.3, null], differs: true },
    ]);
    await expect(t.compare(['a'])).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    await expect(t.compare(['a', a.id])).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    await expect(t.findRun('twin')).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    await expect(t.findRun('ghost')).rejects.toMatchObject({ code: 'KEEL_TRACK_RUN_NOT_FOUND' });
  });
});

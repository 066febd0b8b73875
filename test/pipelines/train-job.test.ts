import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/index.js';
import { loadGbdtModel } from '../../src/learn/index.js';
import { parseParamPairs, parseSplit, runTrainJob } from '../../src/pipelines/index.js';
import { Registry } from '../../src/registry/index.js';
import { Tracking } from '../../src/track/index.js';
import { useTestStores } from '../helpers/stores.js';

const DATA = new URL('../fixtures/datasets/', import.meta.url).pathname;
const openStores = useTestStores();

async function services() {
  const s = await openStores();
  const tracking = new Tracking({
    metadata: s.metadata,
    artifacts: s.artifacts,
    clock: s.clock,
    user: 'test',
  });
  const registry = new Registry({
    metadata: s.metadata,
    artifacts: s.artifacts,
    clock: s.clock,
    actor: 'test',
  });
  return {
    ...s,
    tracking,
    registry,
    deps: { tracking, registry, clock: s.clock, log: silentLogger(), cwd: DATA },
  };
}

describe('training job', () => {
  it('trains, evaluates, tracks per-round metrics and registers a version with lineage', async () => {
    const { deps, tracking, registry, artifacts } = await services();
    const result = await runTrainJob(deps, {
      data: 'breast_cancer/breast_cancer.csv',
      target: 'target',
      params: { numTrees: 30, seed: 1 },
      split: { method: 'stratified' },
      experiment: 'bc',
      register: 'bc',
      aliases: ['champion'],
    });
    expect(result.task).toBe('binary');
    expect(result.rows.train + result.rows.validation + result.rows.test).toBe(569);
    expect(result.metrics.test.auc).toBeGreaterThan(0.97);
    expect(result.rounds).toBe(30);
    const run = await tracking.getRun(result.runId);
    expect(run.status).toBe('FINISHED');
    expect(run.params.learner).toBe('gbdt');
    expect(run.params.numTrees).toBe('30');
    expect(run.metrics['test.auc']!.value).toBeCloseTo(result.metrics.test.auc!, 12);
    // Per-round history then the final value, which is the "latest".
    const history = await tracking.metricHistory(result.runId, 'validation.auc');
    expect(history.length).toBeGreaterThanOrEqual(30);
    expect(run.metrics['validation.auc']!.value).toBeCloseTo(result.metrics.validation.auc!, 12);
    expect(run.inputs[0]).toMatchObject({
      fingerprint: result.datasetFingerprint,
      context: 'training',
      rowCount: 569,
    });
    expect(run.artifacts.map((a) => a.path).sort()).toEqual([
      'feature_importance.json',
      'model/model.keel',
      'reference_snapshot.json',
      'signature.json',
    ]);
    const version = await registry.resolve('bc@champion');
    expect(version.version).toBe(1);
    expect(version.flavor).toBe('keel-gbdt');
    expect(version.lineage.runId).toBe(result.runId);
    expect(version.lineage.datasetFingerprints).toEqual([result.datasetFingerprint]);
    expect(version.signature.inputs).toHaveLength(30);
    expect(version.metrics['test.auc']).toBeCloseTo(result.metrics.test.auc!, 12);
    // The drift reference of the training data is attached to the version (keel monitor drift --model).
    expect(version.tags['keel.reference_snapshot']).toBe(result.referenceSnapshotDigest);
    const snapshot = JSON.parse((await artifacts.get(result.referenceSnapshotDigest)).toString('utf8'));
    expect(snapshot.rowCount).toBe(result.rows.train);
    const model = loadGbdtModel(await artifacts.get(version.artifactDigest));
    expect(model.features.map((f) => f.name)).toEqual(result.features);
  });

  it('trains a linear regression with a time-free random split and a separate test file', async () => {
    const { deps } = await services();
    const result = await runTrainJob(deps, {
      data: 'diabetes/diabetes.csv',
      target: 'target',
      learner: 'linear',
      test: 'diabetes/diabetes.csv',
    });
    expect(result.task).toBe('regression');
    expect(result.rows.test).toBe(442);
    expect(result.metrics.test.rmse).toBeLessThan(60);
    expect(result.metrics.test.r2).toBeGreaterThan(0.4);
  });

  it('marks the run FAILED and names the problem on bad input', async () => {
    const { deps, tracking } = await services();
    await expect(
      runTrainJob(deps, { data: 'breast_cancer/breast_cancer.csv', target: 'nope' }),
    ).rejects.toMatchObject({
      code: 'KEEL_FRAME_COLUMN_NOT_FOUND',
    });
    await expect(
      runTrainJob(deps, {
        data: 'breast_cancer/breast_cancer.csv',
        target: 'target',
        params: { numTrees: -1 },
      }),
    ).rejects.toMatchObject({ code: 'KEEL_LEARN_INVALID_PARAM' });
    await expect(
      runTrainJob(deps, { data: 'breast_cancer/breast_cancer.csv', target: 'target', learner: 'forest' }),
    ).rejects.toThrow(/Unknown learner "forest"/);
    await expect(
      runTrainJob(deps, { data: 'breast_cancer/breast_cancer.csv', target: 'target', features: ['target'] }),
    ).rejects.toMatchObject({ code: 'KEEL_LEARN_BAD_FEATURES' });
    // Validation happens before a run starts, so nothing half-recorded is left behind.
    const page = await tracking.searchRuns({});
    expect(page.runs).toHaveLength(0);
  });

  it('parses --param pairs and --split', () => {
    expect(
      parseParamPairs(['numTrees=200', 'learningRate=0.05', 'classWeights={"1":5}', 'objective=huber']),
    ).toEqual({
      numTrees: 200,
      learningRate: 0.05,
      classWeights: { '1': 5 },
      objective: 'huber',
    });
    expect(() => parseParamPairs(['numTrees'])).toThrow(/key=value/);
    expect(parseSplit('time:event_timestamp')).toEqual({ method: 'time', column: 'event_timestamp' });
    expect(() => parseSplit('sideways')).toThrow(/random, stratified, time:<column>/);
  });

  it('uses every column but the target, text ids and timestamps by default', async () => {
    const { deps } = await services();
    const result = await runTrainJob(
      { ...deps, cwd: join(DATA, '..') },
      {
        data: 'fraud/tx_2000_seed42.csv',
        target: 'is_fraud',
        params: { numTrees: 10 },
        split: parseSplit('time:event_timestamp'),
      },
    );
    expect(result.features).not.toContain('event_timestamp');
    expect(result.features).not.toContain('user_id');
    expect(result.features).toContain('merchant_category');
    expect(result.features).toContain('amount');
  });
});

import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import type { FeatureStore } from '../../src/features/index.js';
import { builtin, definePipeline, Pipelines, pipelineFromYaml } from '../../src/pipelines/index.js';
import { type ArtifactStore, type MetadataStore, openStore } from '../../src/storage/index.js';
import { statuses } from '../conformance/pipeline-runner/harness.js';
import { tempDir } from '../helpers/tmp.js';

const FRAUD = resolve(import.meta.dirname, '../fixtures/fraud/tx_2000_seed42.csv');
const root = tempDir('keel-builtin-');
mkdirSync(join(root, 'data'), { recursive: true });
copyFileSync(FRAUD, join(root, 'data/tx.csv'));

const FEATURES =
  '[amount, hour, account_age_days, num_tx_24h, avg_amount_30d, distance_from_home, device_trust, merchant_category, country]';

/** The loop from data to deployment, as a YAML pipeline of built-in steps. */
function fraudYaml(minAuc: number): string {
  return `
name: fraud-training
experiment: fraud
steps:
  - name: load
    uses: ingest
    params: { source: data/tx.csv }
  - name: check
    uses: validate
    inputs: { data: load }
    params:
      expectations:
        table: { minRows: 100 }
        columns:
          amount: { min: 0 }
          is_fraud: { allowed: [0, 1] }
  - name: fit
    uses: train
    inputs: { data: check }
    params: { target: is_fraud, features: ${FEATURES}, params: { numTrees: 20, maxDepth: 4 } }
  - name: score
    uses: evaluate
    inputs: { model: fit, data: check }
    params: { thresholds: { auc: { min: ${minAuc} } } }
  - name: publish
    uses: register
    inputs: { model: score }
    params: { name: fraud, aliases: [candidate] }
  - name: ship
    uses: deploy
    inputs: { model: publish }
    params: { deployment: fraud-api }
`;
}

describe('built-in steps (ingest → validate → train → evaluate → register → deploy)', () => {
  const open: { metadata: MetadataStore; artifacts: ArtifactStore }[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await Promise.all([s.metadata.close(), s.artifacts.close()]);
  });
  const stores = async (services = {}) => {
    const clock = new ManualClock();
    const options = { root, log: silentLogger(), clock };
    const s = {
      metadata: await openStore('metadata', 'sqlite::memory:', options),
      artifacts: await openStore('artifacts', `file:artifacts-${open.length}-${Date.now()}`, options),
    };
    open.push(s);
    return { ...s, pipelines: new Pipelines({ ...s, clock, log: silentLogger(), root, services }) };
  };

  /** A step's result, read from the last opened artifact store. */
  // biome-ignore lint/suspicious/noExplicitAny: results are checked field by field.
  const output = async (digest: string): Promise<any> =>
    JSON.parse((await open.at(-1)!.artifacts.get(digest)).toString());

  it('trains, gates, registers and deploys; a re-run reuses everything the data did not change', async () => {
    const { metadata, pipelines } = await stores();
    const p = pipelineFromYaml(fraudYaml(0.6), join(root, 'fraud.yaml'));
    const first = await pipelines.run(p);
    expect(first.error).toBeNull();
    expect(statuses(first.steps)).toEqual({
      load: 'SUCCEEDED',
      check: 'SUCCEEDED',
      fit: 'SUCCEEDED',
      score: 'SUCCEEDED',
      publish: 'SUCCEEDED',
      ship: 'SUCCEEDED',
    });
    const version = await metadata.registry.getVersion('fraud', 1);
    const fit = first.steps.find((s) => s.step === 'fit')!;
    const trainRun = await metadata.tracking.getRun(version.lineage.runId!);
    expect(trainRun.parentRunId).toBe(fit.trackingRunId);
    expect(trainRun.artifacts.map((a) => a.path)).toContain('reference_snapshot.json');
    // The version carries the drift reference (monitoring and the learning loop read it).
    const snapshot = trainRun.artifacts.find((a) => a.path === 'reference_snapshot.json')!;
    expect(version.tags['keel.reference_snapshot']).toBe(snapshot.digest);
    expect(version.metrics.auc).toBeGreaterThan(0.6);
    expect(version.lineage.datasetFingerprints).toHaveLength(1);
    expect((await metadata.registry.resolveAlias('fraud', 'candidate')).version).toBe(1);
    const deployment = await metadata.deployments.get('fraud-api');
    expect(deployment.spec.variants.map((v) => v.ref)).toEqual(['fraud/1']);

    const second = await pipelines.run(p);
    expect(statuses(second.steps)).toEqual({
      load: 'SUCCEEDED',
      check: 'CACHED',
      fit: 'CACHED',
      score: 'CACHED',
      publish: 'CACHED',
      ship: 'SUCCEEDED',
    });
    expect((await metadata.registry.listVersions('fraud')).map((v) => v.version)).toEqual([1]);
  });

  it('deploys the alias instead of the version when asked, and refuses an alias elsewhere', async () => {
    const { metadata, pipelines } = await stores();
    const yaml = fraudYaml(0.6).replace(
      'params: { deployment: fraud-api }',
      'params: { deployment: fraud-api, alias: candidate }',
    );
    const run = await pipelines.run(pipelineFromYaml(yaml, join(root, 'fraud.yaml')));
    expect(run.error).toBeNull();
    expect((await metadata.deployments.get('fraud-api')).spec.variants.map((v) => v.ref)).toEqual([
      'fraud@candidate',
    ]);
    const wrong = await pipelines.run(
      pipelineFromYaml(yaml.replace('alias: candidate }', 'alias: champion }'), join(root, 'fraud.yaml')),
    );
    expect(wrong.error?.message).toMatch(/fraud@champion|alias/);
    expect(() =>
      pipelineFromYaml(yaml.replace('alias: candidate }', 'alias: 3 }'), join(root, 'fraud.yaml')),
    ).toThrow(/alias must name an alias/);
  });

  it('fails the gate with the metric, value and bound, and stops before registering', async () => {
    const { metadata, pipelines } = await stores();
    const r = await pipelines.run(pipelineFromYaml(fraudYaml(0.9999), join(root, 'fraud.yaml')));
    expect(statuses(r.steps)).toMatchObject({ score: 'FAILED', publish: 'SKIPPED', ship: 'SKIPPED' });
    const score = r.steps.find((s) => s.step === 'score')!;
    expect(score.error?.code).toBe('KEEL_PIPELINE_GATE_FAILED');
    expect(score.error?.message).toMatch(/auc 0\.\d{4} < min 0\.9999/);
    expect(score.attempts).toBe(1);
    expect(await metadata.registry.findModel('fraud')).toBeNull();
  });

  it('tunes with the tuning job and trains with the best params through the tuned input', async () => {
    const { metadata, pipelines } = await stores();
    const load = builtin('ingest', { name: 'load', params: { source: 'data/tx.csv' } });
    const features = ['amount', 'hour', 'account_age_days', 'device_trust'];
    const search = builtin('tune', {
      name: 'search',
      inputs: { data: load },
      params: {
        target: 'is_fraud',
        features,
        trials: 3,
        sampler: 'random',
        params: { numTrees: 8 },
        space: { maxDepth: { type: 'int', low: 2, high: 5 } },
      },
    });
    const fit = builtin('train', {
      name: 'fit',
      inputs: { data: load, tuned: search },
      params: { target: 'is_fraud', features },
    });
    const r = await pipelines.run(definePipeline({ name: 'tuned', steps: [load, search, fit] }));
    expect(statuses(r.steps)).toEqual({ load: 'SUCCEEDED', search: 'SUCCEEDED', fit: 'SUCCEEDED' });
    const tuned = await output(r.steps[1]!.outputDigest!);
    expect(tuned).toMatchObject({ kind: 'tune', metric: 'auc', counts: { trials: 3 } });
    expect(tuned.bestParams).toMatchObject({ numTrees: 8, maxDepth: expect.any(Number) });
    const trained = await output(r.steps[2]!.outputDigest!);
    const job = await metadata.tracking.getRun(trained.runId);
    expect(job.params.maxDepth).toBe(String(tuned.bestParams.maxDepth));
    expect(job.params.numTrees).toBe('8');
  });

  it('builds a training set through the feature store the host lends, and says when there is none', async () => {
    const calls: unknown[] = [];
    const featureStore = async () =>
      ({
        getHistoricalFeatures: async (
          frame: { rowCount: number; select(n: string[]): unknown },
          request: unknown,
          options: unknown,
        ) => {
          calls.push([frame.rowCount, request, options]);
          return { frame: frame.select(['user_id', 'amount', 'is_fraud']), fingerprint: 'f'.repeat(64) };
        },
      }) as unknown as FeatureStore;
    const load = builtin('ingest', { name: 'load', params: { source: 'data/tx.csv' } });
    const join_ = builtin('training-set', {
      name: 'join',
      inputs: { entities: load },
      params: { featureService: 'fraud_v1', timestampColumn: 'event_timestamp' },
    });
    const p = definePipeline({ name: 'features', steps: [load, join_] });
    const { pipelines } = await stores({ featureStore });
    const r = await pipelines.run(p);
    expect(statuses(r.steps)).toEqual({ load: 'SUCCEEDED', join: 'SUCCEEDED' });
    expect(calls).toEqual([
      [2000, { featureService: 'fraud_v1' }, { fullFeatureNames: false, timestampColumn: 'event_timestamp' }],
    ]);
    const out = await output(r.steps[1]!.outputDigest!);
    expect(out).toMatchObject({
      kind: 'dataset',
      rows: 2000,
      fingerprint: 'f'.repeat(64),
      source: 'feature service fraud_v1',
    });
    expect(out.columns.map((c: { name: string }) => c.name)).toEqual(['user_id', 'amount', 'is_fraud']);

    const without = await (await stores()).pipelines.run(p);
    expect(without.steps[1]!.error?.message).toContain("needs the project's feature store");
  });
});

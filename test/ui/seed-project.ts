// Seeds a temporary Keel project through the SDK for the UI tests: experiments and runs with metric
// histories, a feature-importance artifact, a model whose aliases moved, a canary deployment with
// its decision history, and drift reports among decoy files.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { categoricalColumn, Frame, numberColumn } from '../../src/core/index.js';
import { detectDrift, renderDriftReportHtml } from '../../src/monitor/index.js';
import { Keel } from '../../src/sdk/index.js';
import type { DeploymentSpec, ModelSignature } from '../../src/storage/index.js';

/** A run name, param and tag made to break out of HTML if anything rendered them as markup. */
export const EVIL = {
  runName: '<img src=x onerror="window.__xss=1">',
  param: '<script>window.__xss=2</script>',
  tag: '"><svg onload="window.__xss=3">',
};

/** Rounds of the boosted run (steps 1..ROUNDS). */
export const ROUNDS = 40;

export const IMPORTANCE = [
  { name: 'amount', gain: 120.5, splits: 40 },
  { name: 'country', gain: 60, splits: 22 },
  { name: 'hour', gain: 30, splits: 15 },
  { name: 'age', gain: 12.25, splits: 8 },
];

/** Validation AUC of the boosted run at `round`, rising towards 0.95. */
export const aucAt = (round: number): number => 0.95 - 0.25 * Math.exp(-round / 8);

const signature: ModelSignature = {
  kind: 'columns',
  inputs: [
    { name: 'amount', type: 'numeric' },
    { name: 'country', type: 'categorical', levels: ['DE', 'FR', 'IT'] },
  ],
  outputs: [{ name: 'label', type: 'categorical' }],
  classes: ['legit', 'fraud'],
  task: 'binary',
};

/** What was seeded, for assertions. */
export interface SeededProject {
  readonly root: string;
  readonly runs: {
    readonly gbdt: string;
    readonly linear: string;
    readonly evil: string;
    readonly churn: string;
  };
}

/** Seeds `root` (an empty folder) and closes the project again. */
export async function seedProject(root: string): Promise<SeededProject> {
  const keel = await Keel.open({ root, env: {}, config: { project: 'fraud-detection' } });
  try {
    const tracking = await keel.tracking({ user: 'ann' });
    const gbdt = await tracking.startRun({
      experiment: 'fraud',
      name: 'gbdt-baseline',
      params: { learner: 'gbdt', learningRate: 0.1, depth: 6 },
      tags: { team: 'risk' },
    });
    for (let round = 1; round <= ROUNDS; round++) {
      await gbdt.logMetrics(
        {
          'train.auc': Math.min(0.999, aucAt(round) + 0.03),
          'validation.auc': aucAt(round),
          'validation.logloss': 0.25 + 0.4 * Math.exp(-round / 10),
        },
        round,
      );
    }
    await gbdt.logInput({
      fingerprint: 'a1b2c3d4e5f6a7b8',
      name: 'transactions',
      source: 'data/tx.csv',
      rowCount: 5000,
    });
    await gbdt.logArtifact('model/model.bin', Buffer.from('gbdt-model-bytes'));
    await gbdt.logArtifact('feature_importance.json', Buffer.from(JSON.stringify(IMPORTANCE)));
    await gbdt.end();

    const linear = await tracking.startRun({
      experiment: 'fraud',
      name: 'linear-l2',
      params: { learner: 'linear', learningRate: 0.05, l2: 1 },
    });
    await linear.logMetrics({ 'validation.auc': 0.85, 'validation.logloss': 0.41 }, 0);
    await linear.end();

    const evil = await tracking.startRun({
      experiment: 'fraud',
      name: EVIL.runName,
      params: { note: EVIL.param },
    });
    await evil.setTags({ note: EVIL.tag });
    await evil.logMetrics({ 'validation.auc': 0.5, loss: Number.NaN }, 0);
    await evil.logMetrics({ 'validation.auc': 0.52 }, 1);
    await evil.end('FAILED');

    const churn = await tracking.startRun({
      experiment: 'churn',
      name: 'churn-rf',
      params: { learner: 'gbdt' },
    });
    await churn.logMetric('validation.auc', 0.7);

    const registry = await keel.registry({ actor: 'ann' });
    await registry.register({
      model: 'fraud',
      runId: linear.id,
      content: Buffer.from('linear-model'),
      flavor: 'keel-linear',
      signature,
    });
    await registry.register({
      model: 'fraud',
      runId: gbdt.id,
      artifactPath: 'model/model.bin',
      flavor: 'keel-gbdt',
      signature,
    });
    await registry.setAlias('fraud', 'champion', 1, { reason: 'first model in production' });
    await registry.setAlias('fraud', 'challenger', 2, { reason: 'gbdt beats linear offline' });
    await registry.setAlias('fraud', 'champion', 2, { reason: 'canary passed: auc 0.93 vs 0.85' });
    await registry.setAlias('fraud', 'challenger', 1, { reason: 'keep the old model warm' });

    const metadata = await keel.store('metadata');
    const base: Omit<DeploymentSpec, 'mode' | 'variants'> = {
      stickyKey: 'user_id',
      shadow: null,
      featureService: null,
      options: { canary: { stepPercent: 15 } },
    };
    const uses = [{ model: 'fraud', version: null, alias: 'champion' }];
    const at = (): number => Date.now();
    await metadata.deployments.put(
      'fraud-api',
      { ...base, mode: 'single', variants: [{ name: 'primary', ref: 'fraud@champion', weight: 100 }] },
      uses,
      { action: 'create', actor: 'ann', reason: 'first deployment', at: at() },
      0,
    );
    const canary = (percent: number): DeploymentSpec => ({
      ...base,
      mode: 'canary',
      shadow: { ref: 'fraud/1', percent: 10 },
      variants: [
        { name: 'stable', ref: 'fraud@champion', weight: 100 - percent },
        { name: 'canary', ref: 'fraud@challenger', weight: percent },
      ],
    });
    const canaryUses = [
      ...uses,
      { model: 'fraud', version: null, alias: 'challenger' },
      { model: 'fraud', version: 1, alias: null },
    ];
    await metadata.deployments.put('fraud-api', canary(10), canaryUses, {
      action: 'canary-step',
      actor: 'keel-loop',
      reason: 'challenger passed the offline gate',
      evidence: { auc_challenger: 0.93, auc_champion: 0.85, threshold: 0.01 },
      at: at(),
    });
    await metadata.deployments.put('fraud-api', canary(25), canaryUses, {
      action: 'canary-step',
      actor: 'keel-loop',
      reason: 'no regression after 10,000 requests',
      evidence: { requests: 10000, p_value: 0.03, error_rate: { stable: 0.011, canary: 0.009 } },
      at: at(),
    });

    writeReports(join(root, '.keel', 'reports'));
    return { root, runs: { gbdt: gbdt.id, linear: linear.id, evil: evil.id, churn: churn.id } };
  } finally {
    await keel.close();
  }
}

/** One real drift report, plus files the UI must not list: hidden, not HTML, a symlink, a folder. */
function writeReports(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const n = 300;
  const reference = Frame.fromColumns([
    numberColumn(
      'amount',
      Array.from({ length: n }, (_, i) => (i * 37) % 100),
    ),
    categoricalColumn(
      'country',
      Array.from({ length: n }, (_, i) => ['DE', 'FR', 'IT'][i % 3]!),
    ),
  ]);
  const current = Frame.fromColumns([
    numberColumn(
      'amount',
      Array.from({ length: n }, (_, i) => ((i * 37) % 100) * 1.6 + 20),
    ),
    categoricalColumn(
      'country',
      Array.from({ length: n }, (_, i) => ['DE', 'FR', 'IT'][i % 2]!),
    ),
  ]);
  const report = detectDrift(reference, current);
  writeFileSync(join(dir, 'drift-2024-03-01.html'), renderDriftReportHtml(report, { reference, current }));
  writeFileSync(join(dir, '.hidden.html'), '<p>hidden</p>');
  writeFileSync(join(dir, 'notes.txt'), 'not a report');
  writeFileSync(join(dir, '..', 'outside.html'), '<p>outside the reports folder</p>');
  symlinkSync(join(dir, '..', 'outside.html'), join(dir, 'link.html'));
  mkdirSync(join(dir, 'folder.html'));
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Frame, ManualClock } from '../../src/core/index.js';
import {
  attachReferenceSnapshot,
  buildReferenceSnapshot,
  checkModelDrift,
  KeelMetrics,
  logFrame,
  type PredictionLogEntry,
  parseFeedback,
  QualityMonitor,
  REFERENCE_SNAPSHOT_TAG,
  writeLabels,
  writePartitioned,
} from '../../src/monitor/index.js';
import { Registry } from '../../src/registry/index.js';
import { Keel } from '../../src/sdk/index.js';
import type { ModelSignature } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { runCli as runCliWith } from '../helpers/run-cli.js';
import { useTestStores } from '../helpers/stores.js';
import { tempDir } from '../helpers/tmp.js';

const SIGNATURE: ModelSignature = {
  kind: 'columns',
  inputs: [
    { name: 'amount', type: 'numeric' },
    { name: 'country', type: 'categorical' },
  ],
  outputs: [{ name: 'probability', type: 'numeric' }],
  classes: ['0', '1'],
  task: 'binary',
};

const u = (i: number): number => ((i * 7919) % 1009) / 1009;
// The training data holds the label too (as `keel train`'s snapshots do): it is never logged, so
// drift over the log leaves it out instead of reporting it as "not enough data".
const train = Frame.fromRecords(
  Array.from({ length: 1500 }, (_, i) => ({
    amount: 20 + 60 * u(i),
    country: ['US', 'DE', 'FR'][i % 3]!,
    is_fraud: i % 30 === 0 ? 1 : 0,
  })),
);

function entries(n: number, at: (i: number) => number, shifted: boolean, version = 1): PredictionLogEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    requestId: `r${version}-${i}`,
    at: at(i),
    deployment: 'live',
    model: 'fraud',
    version,
    variant: null,
    records: [
      {
        amount: shifted ? 50 + 60 * u(i + 3) : 20 + 60 * u(i + 3),
        country: shifted && i % 5 === 0 ? 'IT' : ['US', 'DE', 'FR'][i % 3],
      },
    ],
    outputs: [{ label: '0', probability: u(i) }],
    rows: 1,
    cached: false,
    latencyUs: 50,
  }));
}

const withIds = (list: PredictionLogEntry[]) => list.map((e) => ({ ...e, requestId: e.requestId! }));

const runCli = (argv: string[], cwd: string) => runCliWith(argv, cwd, { KEEL_LOG_LEVEL: 'silent' });

describe('drift of a model version over a prediction-log window', () => {
  const open = useTestStores();

  it('compares the stored reference snapshot with the inputs logged in the window', async () => {
    const { metadata, artifacts, clock } = await open();
    const offline = tempDir();
    const registry = new Registry({ metadata, artifacts, clock });
    await registry.register({
      model: 'fraud',
      content: Uint8Array.of(1),
      flavor: 'keel-gbdt',
      signature: SIGNATURE,
    });
    await expect(
      checkModelDrift({
        stores: { registry, artifacts },
        offline,
        modelRef: 'fraud',
        windowMs: 86_400_000,
        now: clock.now(),
      }),
    ).rejects.toMatchObject({
      code: 'KEEL_MONITOR_NO_REFERENCE',
    });
    const { digest } = await attachReferenceSnapshot(
      { registry, artifacts },
      'fraud',
      buildReferenceSnapshot(train),
    );
    expect((await registry.resolve('fraud/1')).tags[REFERENCE_SNAPSHOT_TAG]).toBe(digest);
    const now = clock.now();
    // In the window: drifted inputs; two days earlier: undrifted ones that must not be read.
    await writePartitioned(
      logFrame(
        withIds([
          ...entries(600, (i) => now - 3_600_000 + i, true),
          ...entries(600, (i) => now - 2 * 86_400_000 + i, false, 1).map((e) => ({
            ...e,
            requestId: `old-${e.requestId}`,
          })),
        ]),
      ),
      { timeColumn: 'ts', offline, dataset: 'prediction_log', stamp: 'x' },
    );
    const metrics = new KeelMetrics();
    const result = await checkModelDrift({
      stores: { registry, artifacts },
      offline,
      modelRef: 'fraud',
      windowMs: 86_400_000,
      now,
      metrics,
    });
    expect(result.current.rowCount).toBe(600);
    expect(result.report.columns.map((c) => c.column)).toEqual(['amount', 'country']);
    expect(result.version.version).toBe(1);
    const amount = result.report.columns.find((c) => c.column === 'amount')!;
    const country = result.report.columns.find((c) => c.column === 'country')!;
    expect(amount).toMatchObject({ status: 'tested', drifted: true, test: 'wasserstein' });
    expect(country.newCategories).toEqual(['IT']);
    expect(result.report.datasetDrift).toBe(true);
    const samples = await metrics.samples();
    expect(samples.find((s) => s.name === 'keel_dataset_drifted')).toMatchObject({
      labels: { model: 'fraud', version: '1' },
      value: 1,
    });
  });

  it('reports a window with too few rows as not enough data, never as drift', async () => {
    const { metadata, artifacts } = await open();
    const clock = new ManualClock(Date.UTC(2024, 6, 1));
    const offline = tempDir();
    const registry = new Registry({ metadata, artifacts, clock });
    await registry.register({
      model: 'fraud',
      content: Uint8Array.of(1),
      flavor: 'keel-gbdt',
      signature: SIGNATURE,
    });
    await attachReferenceSnapshot({ registry, artifacts }, 'fraud', buildReferenceSnapshot(train));
    await writePartitioned(logFrame(withIds(entries(8, (i) => clock.now() - 1000 + i, true))), {
      timeColumn: 'ts',
      offline,
      dataset: 'prediction_log',
      stamp: 'x',
    });
    const { report } = await checkModelDrift({
      stores: { registry, artifacts },
      offline,
      modelRef: 'fraud',
      windowMs: 3_600_000,
      now: clock.now(),
    });
    expect(report.columns.map((c) => c.status)).toEqual(['not_enough_data', 'not_enough_data']);
    expect(report.datasetDrift).toBe(false);
    const empty = await checkModelDrift({
      stores: { registry, artifacts },
      offline,
      modelRef: 'fraud',
      windowMs: 3_600_000,
      now: clock.now() + 10 * 86_400_000,
    });
    expect(empty.current.rowCount).toBe(0);
    expect(empty.report.datasetDrift).toBe(false);
  });
});

describe('the periodic quality monitor', () => {
  const open = useTestStores();

  it('publishes live quality, estimates and drift of every logged version as metrics when it runs', async () => {
    const { metadata, artifacts } = await open();
    const clock = new ManualClock(Date.UTC(2024, 6, 1));
    const offline = tempDir();
    const registry = new Registry({ metadata, artifacts, clock });
    await registry.register({
      model: 'fraud',
      content: Uint8Array.of(1),
      flavor: 'keel-gbdt',
      signature: SIGNATURE,
    });
    await registry.register({
      model: 'fraud',
      content: Uint8Array.of(2),
      flavor: 'keel-gbdt',
      signature: SIGNATURE,
    });
    await attachReferenceSnapshot({ registry, artifacts }, 'fraud/2', buildReferenceSnapshot(train));
    const now = clock.now();
    await writePartitioned(
      logFrame(
        withIds([
          ...entries(200, (i) => now - 1000 - i, false, 1),
          ...entries(200, (i) => now - 1000 - i, true, 2),
        ]),
      ),
      { timeColumn: 'ts', offline, dataset: 'prediction_log', stamp: 'x' },
    );
    await writeLabels(
      offline,
      parseFeedback(
        [
          { request_id: 'r1-0', label: '1' },
          { request_id: 'r1-1', label: '0' },
          { request_id: 'zz', label: '1' },
        ],
        now - 500,
      ),
      { now },
    );
    const metrics = new KeelMetrics();
    const monitor = new QualityMonitor({
      offline,
      stores: { registry, artifacts },
      metrics,
      clock,
      models: () => ['fraud'],
      windowMs: 86_400_000,
      intervalMs: 60_000,
    });
    monitor.start();
    const value = async (name: string, labels: Record<string, string>) =>
      (await metrics.samples()).find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    await waitFor(async () => (await value('keel_dataset_drifted', { model: 'fraud', version: '2' })) === 1);
    expect(await value('keel_model_labelled_predictions', { version: '1' })).toBe(2);
    expect(await value('keel_model_quality', { version: '1', metric: 'accuracy' })).toBeGreaterThanOrEqual(0);
    expect(
      await value('keel_model_quality_estimated', { version: '2', metric: 'accuracy', method: 'cbpe' }),
    ).toBeGreaterThan(0);
    expect(await value('keel_feedback_unmatched_labels', {})).toBe(1);
    // Version 1 has no reference snapshot: no drift series for it.
    expect(await value('keel_drift_share', { version: '1' })).toBeUndefined();
    await monitor.stop();
  });
});

describe('keel monitor drift --model / quality, keel feedback, keel alerts', () => {
  it('runs the monitoring commands on a project', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const keel = await Keel.open({ root: dir, env: {} });
    const now = Date.now();
    try {
      const registry = await keel.registry();
      await registry.register({
        model: 'fraud',
        content: Uint8Array.of(1),
        flavor: 'keel-gbdt',
        signature: SIGNATURE,
      });
      await attachReferenceSnapshot(
        { registry, artifacts: await keel.store('artifacts') },
        'fraud',
        buildReferenceSnapshot(train),
      );
      await writePartitioned(logFrame(withIds(entries(300, (i) => now - 60_000 + i, true))), {
        timeColumn: 'ts',
        offline: join(dir, '.keel', 'offline'),
        dataset: 'prediction_log',
        stamp: 'x',
      });
    } finally {
      await keel.close();
    }
    const drift = await runCli(['monitor', 'drift', '--model', 'fraud', '--window', '1d', '--json'], dir);
    expect(drift.stderr).toBe('');
    expect(drift.code).toBe(1);
    const report = JSON.parse(drift.stdout);
    expect(report.datasetDrift).toBe(true);
    expect(report.columns.map((c: { currentSize: number }) => c.currentSize)).toEqual([300, 300]);
    const table = await runCli(['monitor', 'drift', '--model', 'fraud', '--window', '1d'], dir);
    expect(table.stdout).toContain('fraud/1: reference snapshot vs 300 logged predictions');
    expect((await runCli(['monitor', 'drift', '--window', '1d', '--reference', 'x.csv'], dir)).code).toBe(2);

    writeFileSync(
      join(dir, 'labels.csv'),
      `request_id,label\n${Array.from({ length: 200 }, (_, i) => `r1-${i},${i % 4 === 0 ? 1 : 0}`).join('\n')}\nunknown-1,1\n`,
    );
    const fb = await runCli(['feedback', '--file', 'labels.csv', '--model', 'fraud', '--json'], dir);
    expect(fb.stderr).toBe('');
    expect(JSON.parse(fb.stdout).recorded).toBe(201);
    writeFileSync(join(dir, 'bad.csv'), 'request_id,label\nr1-1,1\nr1-2,maybe\n');
    const bad = await runCli(['feedback', '--file', 'bad.csv', '--model', 'fraud'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('data row 2');
    const quality = await runCli(['monitor', 'quality', '--model', 'fraud', '--window', '1d', '--json'], dir);
    const q = JSON.parse(quality.stdout);
    expect(q.unmatchedLabels).toBe(1);
    expect(q.versions[0]).toMatchObject({ version: 1, predictions: 300, labelled: 200 });
    expect(q.versions[0].metrics.auc).toBeGreaterThan(0);
    expect(q.versions[0].estimated.method).toBe('cbpe');
    const typo = await runCli(['monitor', 'quality', '--model', 'fruad'], dir);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Model "fruad" is not registered');

    expect(
      (await runCli(['alerts', 'add', 'auc-low', 'auc < 0.85 for 1h', '--severity', 'critical'], dir)).code,
    ).toBe(0);
    const unknown = await runCli(['alerts', 'add', 'x', 'acu < 0.85'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown metric "acu"');
    const list = JSON.parse((await runCli(['alerts', 'list', '--json'], dir)).stdout);
    expect(list).toMatchObject([
      { name: 'auc-low', expression: 'auc < 0.85 for 1h', severity: 'critical', enabled: true },
    ]);
    expect((await runCli(['alerts', 'remove', 'auc-low'], dir)).code).toBe(0);
    expect((await runCli(['alerts', 'remove', 'auc-low'], dir)).code).toBe(2);
  });
});

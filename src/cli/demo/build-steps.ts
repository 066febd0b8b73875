import { join } from 'node:path';
import { type Frame, KeelError, numberColumn } from '../../core/index.js';
import { loadExpectations, validateFrame } from '../../data/index.js';
import type { FeatureStore } from '../../features/index.js';
import {
  applyLearningPolicy,
  type LearningPolicy,
  loadPipelineFile,
  loadPolicyFile,
  Pipelines,
} from '../../pipelines/index.js';
import type { Keel } from '../../sdk/index.js';
import type { CliIo } from '../cli-io.js';
import { printReport } from '../commands/data-views.js';
import { printMaterialized } from '../commands/features-views.js';
import { stepServices } from '../commands/pipeline-setup.js';
import { liveStatus } from '../commands/pipeline-views.js';
import { describeGate, describeTriggers } from '../commands/policy-views.js';
import { printTable } from '../output.js';
import { clockTime, count, type Narrator } from './narrator.js';
import { DAY, type DemoWorld } from './world.js';

/** Step 1: the data, written and checked against the project's expectations. */
export async function dataStep(n: Narrator, keel: Keel, world: DemoWorld): Promise<void> {
  n.step(
    1,
    'Data: generate and validate',
    'Keel brings a synthetic card-transaction generator, so nothing is downloaded. Data is checked against\n' +
      'expectations.yaml before anything trains on it: a bad file stops here, not in production.',
  );
  await world.writeFiles(keel.ctx.root);
  const fraud = mean(world.history.numberColumn('is_fraud').values);
  const from = world.t0 - 28 * DAY;
  n.say(
    `Generated ${count(world.history.rowCount)} transactions over 28 days (${new Date(from).toISOString().slice(0, 10)} to ${new Date(world.t0).toISOString().slice(0, 10)}), ` +
      `${(fraud * 100).toFixed(1)}% fraud, with ${count(world.userStats.rowCount)} daily user and ${count(world.merchantStats.rowCount)} merchant statistics.`,
  );
  const expectations = await loadExpectations(join(keel.ctx.root, 'expectations.yaml'));
  const report = validateFrame(world.history, expectations);
  printReport(n.io, 'data/transactions.parquet', 'expectations.yaml', report);
  if (!report.passed) {
    throw new KeelError('KEEL_DATA_VALIDATION_FAILED', 'The generated data failed its expectations.');
  }
  n.done('data in data/, validated');
}

/** Step 2: feature definitions applied, materialised online, and a point-in-time join shown. */
export async function featuresStep(n: Narrator, keel: Keel, world: DemoWorld): Promise<FeatureStore> {
  n.step(
    2,
    'Features: apply, materialise, join point-in-time',
    'features/fraud.yaml defines user and merchant statistics. Training joins them as of each transaction\n' +
      '(no leakage from the future); the server reads the same values from the online store at prediction time.',
  );
  const store = await keel.features({ repository: 'features', loadCode: 'always', actor: 'demo' });
  const applied = await store.apply();
  n.say(
    `Applied ${applied.plan.changes.length} definitions: ${applied.plan.changes.map((c) => `${c.kind} ${c.name}`).join(', ')}.`,
  );
  const results = await store.materialize(world.t0 - 28 * DAY, world.t0);
  printMaterialized(n.io, results);
  const sample = sampleEntities(world.history);
  const set = await store.getHistoricalFeatures(sample, { featureService: 'fraud_features' });
  n.say('\nThree transactions with the features as they were known at each transaction time:');
  const rows = set.frame.toRecords();
  printTable(n.io, rows, [
    { header: 'transaction', value: (r) => String(r.transaction_id) },
    {
      header: 'time',
      value: (r) => new Date(r.event_timestamp as number).toISOString().slice(0, 16).replace('T', ' '),
    },
    { header: 'user', value: (r) => String(r.user_id) },
    { header: 'tx_count_7d', value: (r) => r.tx_count_7d as number | null, right: true },
    { header: 'avg_amount_30d', value: (r) => r.avg_amount_30d as number | null, right: true },
    { header: 'merchant', value: (r) => String(r.merchant_id) },
    { header: 'fraud_rate_30d', value: (r) => r.fraud_rate_30d as number | null, right: true },
  ]);
  n.done(`feature service fraud_features ready, online store filled up to ${clockTime(world.t0)} UTC`);
  return store;
}

/** What the training pipeline produced. */
export interface TrainedChampion {
  readonly ref: string;
  readonly version: number;
  readonly testAuc: number | null;
  readonly bestValidationAuc: number | null;
  readonly trials: Readonly<Record<string, number>>;
  readonly pipelineRun: string;
}

/** Step 3: the example's training pipeline (ingest → validate → features → tune → train → evaluate → register → deploy). */
export async function trainStep(
  n: Narrator,
  keel: Keel,
  options: { readonly trials: number },
): Promise<TrainedChampion> {
  n.step(
    3,
    'Tune, train, register, deploy',
    `pipelines/train.yaml runs as a DAG with cached, tracked steps: ${options.trials} TPE trials with median pruning search the\n` +
      'GBDT parameters, the best are trained, checked (AUC ≥ 0.8), registered with lineage as fraud@champion and deployed.',
  );
  const [metadata, artifacts] = await Promise.all([keel.store('metadata'), keel.store('artifacts')]);
  const { clock, log, root } = keel.ctx;
  const pipelines = new Pipelines({
    metadata,
    artifacts,
    clock,
    log,
    root,
    user: 'demo',
    services: stepServices(keel),
  });
  const definition = await loadPipelineFile('pipelines/train.yaml', root);
  const io: CliIo = { ...n.io, stderr: n.io.stdout };
  const result = await pipelines.run(definition, {
    params: { 'search.trials': options.trials },
    onEvent: liveStatus(io),
  });
  await pipelines.close();
  if (result.error) throw result.error;
  const output = async (step: string): Promise<Record<string, unknown>> => {
    const digest = result.steps.find((s) => s.step === step)?.outputDigest;
    return digest
      ? (JSON.parse((await artifacts.get(digest)).toString('utf8')) as Record<string, unknown>)
      : {};
  };
  const search = await output('search');
  const published = await output('publish');
  const registry = await keel.registry({ actor: 'demo' });
  const version = await registry.resolve(String(published.ref ?? 'fraud@champion'));
  const testAuc = version.metrics['test.auc'] ?? version.metrics.auc ?? null;
  const trials = (search.counts ?? {}) as Record<string, number>;
  const best = typeof search.bestValue === 'number' ? search.bestValue : null;
  const outcomes = Object.entries(trials)
    .filter(([k, v]) => k !== 'trials' && v > 0)
    .map(([k, v]) => `${v} ${k.toLowerCase()}`);
  n.say(
    `\nStudy: ${trials.trials ?? '?'} trials (${outcomes.join(', ')}); best validation AUC ${best?.toFixed(4) ?? '-'}.`,
  );
  n.say(
    `Registered ${version.model}/${version.version} as fraud@champion: test AUC ${testAuc?.toFixed(4) ?? '-'}, ` +
      `trained by run ${version.lineage.runId ?? '-'} on dataset ${(version.lineage.datasetFingerprints[0] ?? '-').slice(0, 12)}…`,
  );
  n.say(
    'Deployed as `fraud` with feature service fraud_features: callers send keys and request fields only.',
  );
  n.done(`pipeline run ${result.run.id} succeeded`);
  return {
    ref: `${version.model}/${version.version}`,
    version: version.version,
    testAuc,
    bestValidationAuc: best,
    trials,
    pipelineRun: result.run.id,
  };
}

/** Stores the example's learning policy for deployment `fraud`. */
export async function applyPolicy(n: Narrator, keel: Keel): Promise<LearningPolicy> {
  const policy = await loadPolicyFile('policies/fraud.yaml', keel.ctx.root);
  const [metadata, registry] = await Promise.all([keel.store('metadata'), keel.registry({ actor: 'demo' })]);
  await applyLearningPolicy({ metadata, registry, clock: keel.ctx.clock }, policy);
  n.say(
    `Continuous learning for \`fraud\` (policies/fraud.yaml): ${describeTriggers(policy)}; gate ${describeGate(policy)}.`,
  );
  return policy;
}

function mean(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : 0;
}

/** Three transactions of the last week (keys and time only): the entity rows of the join shown. */
function sampleEntities(history: Frame): Frame {
  const picks = [history.rowCount - 1, history.rowCount - 2000, history.rowCount - 5000].filter(
    (i) => i >= 0,
  );
  const rows = history.select(['transaction_id', 'event_timestamp', 'user_id', 'merchant_id']);
  const picked = rows.take(Int32Array.from(picks));
  return picked.withColumn(
    numberColumn('event_timestamp', picked.numberColumn('event_timestamp').values, 'timestamp'),
  );
}

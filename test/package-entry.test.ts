import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import * as keel from '../src/index.js';
import { CLEAN_ENV, REPO } from './helpers/built-cli.js';
import { tempDir } from './helpers/tmp.js';

const exec = promisify(execFile);

describe('the package entry (src/index.ts)', () => {
  const functions = {
    core: ['defineConfig', 'createLogger', 'isKeelError', 'numberColumn', 'categoricalColumn', 'textColumn'],
    data: ['readFrame', 'writeFrame', 'validateFrame', 'summarize', 'generateCardTransactions'],
    learn: ['trainGbdt', 'trainLinear', 'predictFrame', 'rocAucScore', 'logLoss', 'r2Score', 'evaluate'],
    splits: ['randomSplit', 'stratifiedSplit', 'timeSplit', 'kFold', 'stratifiedKFold', 'crossValidate'],
    tuning: ['createStudy', 'defineSpace'],
    features: ['entity', 'featureView', 'featureService', 'fileSource', 'pushSource', 'requestSource'],
    moreFeatures: ['onDemandFeatureView', 'project'],
    serve: ['predictFile', 'startServer', 'nativeLoader', 'onnxLoader'],
    monitor: ['ks2samp', 'psi', 'chi2Contingency', 'wassersteinDistance', 'jensenShannon', 'detectDrift'],
    reports: ['renderDriftReportHtml', 'buildReferenceSnapshot', 'checkModelDrift'],
    pipelines: ['definePipeline', 'step', 'runTrainJob', 'runTuneJob', 'defineLearningPolicy'],
  } as const;
  const classes = [
    'Frame',
    'KeelError',
    'ManualClock',
    'Keel',
    'GbdtModel',
    'Study',
    'FeatureStore',
    'Tracking',
    'Registry',
    'InferenceEngine',
    'KeelMetrics',
    'Pipelines',
    'LocalRunner',
    'QueueRunner',
  ] as const;

  it.each(Object.entries(functions))('exports the %s functions', (_group, names) => {
    const entry = keel as unknown as Record<string, unknown>;
    for (const name of names) expect(typeof entry[name], name).toBe('function');
  });

  it('exports the classes users construct or open', () => {
    const entry = keel as unknown as Record<string, { prototype?: unknown }>;
    for (const name of classes) expect(entry[name]?.prototype, name).toBeTypeOf('object');
    expect(keel.Keel.open).toBeTypeOf('function');
    expect(new keel.KeelError('KEEL_INVALID_ARGUMENT', 'x')).toBeInstanceOf(Error);
    expect(keel.systemClock.now()).toBeTypeOf('number');
  });
});

/** A temp project whose node_modules/keel links to this repository, as an installed package would resolve. */
function consumerProject(): string {
  const dir = tempDir('keel-entry-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(REPO, join(dir, 'node_modules', 'keel'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  return dir;
}

const TRAIN_SCRIPT = `
import { defineConfig, Frame, generateCardTransactions, Keel, predictFrame, rocAucScore, trainGbdt } from 'keel';

const keel = await Keel.open({ root: process.cwd(), config: defineConfig({ project: 'entry-check' }) });
const { transactions } = generateCardTransactions({ rows: 500 });
if (!(transactions instanceof Frame)) throw new Error('generateCardTransactions did not return a Frame');
const features = ['amount', 'merchant_category', 'country', 'device_type', 'device_trust', 'hour', 'tx_count_24h'];
const model = await trainGbdt(transactions, { numTrees: 5 }, { target: 'is_fraud', features });
// In-sample AUC: 500 rows hold only ~20 frauds, too few for a stable held-out score.
const { outputs } = predictFrame(model, transactions);
console.log(rocAucScore(transactions.numberColumn('is_fraud').values, outputs));
await keel.close();
`;

// Importing must start nothing and load no server, store or runtime client (they load on use).
// Open handles (timers, sockets, workers) are compared with those before the import.
const IMPORT_SCRIPT = `
import { createRequire } from 'node:module';
const open = () => process.getActiveResourcesInfo().filter((type) => !type.endsWith('Req')).sort();
void [process.stdout, process.stderr]; // the stdio pipes open first, as part of the baseline
const before = open();
await import('keel');
await new Promise((resolve) => setImmediate(resolve));
const started = open();
for (const type of before) if (started.includes(type)) started.splice(started.indexOf(type), 1);
const heavy = ['fastify', '@grpc/grpc-js', 'better-sqlite3', '@duckdb/node-api', 'onnxruntime-node', 'pg', 'ioredis', 'nats', 'bullmq'];
const loaded = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify({
  heavy: heavy.filter((p) => loaded.some((f) => f.includes('/node_modules/' + p + '/'))),
  started,
}));
process.exit(0); // report a leaked handle through \`started\` instead of hanging until the timeout
`;

describe("import from 'keel' in a consumer project (built dist/)", () => {
  let dir = '';
  const run = async (file: string) => {
    const r = await exec(process.execPath, [file], { cwd: dir, env: CLEAN_ENV, timeout: 60_000 });
    return r.stdout.trim();
  };

  beforeAll(() => {
    if (!existsSync(join(REPO, 'dist/index.js')))
      throw new Error('dist/ is missing: run `npm run build` first.');
    dir = consumerProject();
    writeFileSync(join(dir, 'train.mjs'), TRAIN_SCRIPT);
    writeFileSync(join(dir, 'import-only.mjs'), IMPORT_SCRIPT);
  });

  it('trains a 5-tree GBDT on generated transactions and prints its AUC', async () => {
    const auc = Number(await run('train.mjs')); // exec rejects on a non-zero exit
    expect(auc).toBeGreaterThan(0.5);
    expect(auc).toBeLessThanOrEqual(1);
  });

  it('starts nothing and loads no server or store client at import', async () => {
    expect(JSON.parse(await run('import-only.mjs'))).toEqual({ heavy: [], started: [] });
  });
});

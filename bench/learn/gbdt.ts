// Keel's GBDT against XGBoost 1.7 (hist) and scikit-learn HistGradientBoosting on the fraud dataset.
//
//   npm run bench -- learn/gbdt [--rows 1000000] [--repeats 3] [--threads 2] [--skip-peers] [--peers xgb,hgb]
//
// `--peers xgb` leaves HistGradientBoosting out (its fit is the slowest part of a run on a busy box).
//
// Same data, split and settings as ../shared/bench/train_peers.py, which runs in the same run:
// rows sorted by event_timestamp, first 80% train; 7 numeric columns + merchant_category + country
// (native categorical splits); 200 trees, depth 6, learning rate 0.1, 2 threads. Each repeat runs
// the peers (train_peers.py --repeats 1) and then Keel, back to back, so ratios are taken within a
// repeat (the machine is shared and noisy) and their median is reported.
// Fit: from in-memory columns to a model (binning included). Batch rows/s: the encoded test matrix
// through a 2-thread GbdtBatchPredictor (the peers predict a prepared array with nthread=2).
// One-row µs: RecordEncoder.encodeInto + predictEncoded on a JSON-like record, median of 300 calls.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Frame } from '../../src/core/index.js';
import {
  createGbdtBatchPredictor,
  encodeFrame,
  type GbdtModel,
  RecordEncoder,
  rocAucScore,
  trainGbdt,
} from '../../src/learn/index.js';
import { loadFraudSplit } from '../lib/fraud-frame.js';
import { BENCH_DATA, fraudCsv, machineLine, median, peersDir } from '../lib/peers.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    repeats: { type: 'string', default: '3' },
    threads: { type: 'string', default: '2' },
    'skip-peers': { type: 'boolean', default: false },
    peers: { type: 'string', default: 'xgb,hgb' },
  },
});
const rows = Number(args.rows);
const repeats = Number(args.repeats);
const threads = Number(args.threads);

interface Result {
  fit_s_median: number;
  predict_batch_rows_per_s_median: number;
  predict_single_row_us_median: number;
  test_auc: number;
}

function runPeers(csv: string, repeat: number): Record<string, Result> {
  const out = join(BENCH_DATA, `peers_gbdt_${rows}_${repeat}.json`);
  const script = join(peersDir(), 'train_peers.py');
  execFileSync(
    '/usr/bin/python3',
    [script, '--data', csv, '--repeats', '1', '--models', args.peers, '--out', out],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(out, 'utf8')).models;
}

function oneRowUs(model: GbdtModel, test: Frame): number {
  const encoder = new RecordEncoder(model.features);
  const x = new Float64Array(model.features.length);
  const out = new Float64Array(model.outputWidth);
  const records = Array.from({ length: 300 }, (_, i) => test.row((i * 7919) % test.rowCount));
  for (const r of records.slice(0, 50)) {
    encoder.encodeInto(r, x, 0);
    model.predictEncoded(x, 1, out);
  }
  const times: number[] = [];
  for (const r of records) {
    const t = process.hrtime.bigint();
    encoder.encodeInto(r, x, 0);
    model.predictEncoded(x, 1, out);
    times.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  return median(times);
}

async function batchSeconds(
  model: GbdtModel,
  x: Float64Array,
  n: number,
  out: Float64Array,
): Promise<number> {
  const predictor = await createGbdtBatchPredictor(model, { threads });
  try {
    await predictor.predict(x, n, out);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      await predictor.predict(x, n, out);
      times.push((performance.now() - t) / 1000);
    }
    return median(times);
  } finally {
    await predictor.close();
  }
}

async function runKeel(train: Frame, test: Frame): Promise<Result> {
  const t = performance.now();
  const model = await trainGbdt(
    train,
    { numTrees: 200, maxDepth: 6, learningRate: 0.1, threads },
    { target: 'is_fraud' },
  );
  const fit = (performance.now() - t) / 1000;
  const x = encodeFrame(test, model.features);
  const n = test.rowCount;
  const out = new Float64Array(n);
  const t1 = performance.now();
  model.predictEncoded(x, n, out);
  const serial = (performance.now() - t1) / 1000;
  const batch = await batchSeconds(model, x, n, out);
  process.stderr.write(
    `  keel: fit ${fit.toFixed(2)}s, batch ${Math.round(n / batch).toLocaleString()} rows/s (${Math.round(n / serial).toLocaleString()} on 1 thread)\n`,
  );
  return {
    fit_s_median: fit,
    predict_batch_rows_per_s_median: n / batch,
    predict_single_row_us_median: oneRowUs(model, test),
    test_auc: rocAucScore(test.numberColumn('is_fraud').values, out),
  };
}

const csv = fraudCsv(rows);
const { train, test } = await loadFraudSplit(csv);
const runs: Record<string, Result>[] = [];
for (let r = 0; r < repeats; r++) {
  process.stderr.write(`repeat ${r + 1}/${repeats}\n`);
  const peers = args['skip-peers'] ? {} : runPeers(csv, r);
  runs.push({ keel: await runKeel(train, test), ...peers });
}
const names = Object.keys(runs[0]!);
const med = (name: string, key: keyof Result) => median(runs.map((run) => run[name]![key]));
const ratio = (f: (run: Record<string, Result>) => number) => median(runs.map(f));

process.stdout.write(
  `\nGBDT on ${rows.toLocaleString()} fraud rows (80% train), 200 trees depth 6, ${threads} threads, ${repeats} repeats (medians)\n`,
);
process.stdout.write('| model | fit s | batch rows/s | one-row µs | test AUC |\n|---|---:|---:|---:|---:|\n');
for (const name of names) {
  process.stdout.write(
    `| ${name} | ${med(name, 'fit_s_median').toFixed(2)} | ${Math.round(med(name, 'predict_batch_rows_per_s_median')).toLocaleString()} | ${med(name, 'predict_single_row_us_median').toFixed(1)} | ${med(name, 'test_auc').toFixed(4)} |\n`,
  );
}
if (names.includes('xgb')) {
  const peerNames = names.filter((n) => n !== 'keel');
  const fastestFit = (run: Record<string, Result>) => Math.min(...peerNames.map((n) => run[n]!.fit_s_median));
  const fit = ratio((run) => run.keel!.fit_s_median / fastestFit(run));
  const bestPeerAuc = Math.max(...peerNames.map((n) => med(n, 'test_auc')));
  const batch = ratio(
    (run) => run.keel!.predict_batch_rows_per_s_median / run.xgb!.predict_batch_rows_per_s_median,
  );
  const one = ratio((run) => run.xgb!.predict_single_row_us_median / run.keel!.predict_single_row_us_median);
  const auc = med('keel', 'test_auc') - bestPeerAuc;
  const peerFits = peerNames.map((n) => `${n} ${med(n, 'fit_s_median').toFixed(2)} s`).join(' / ');
  process.stdout.write(
    `\nsame-repeat ratios (median): fit keel / fastest peer ${fit.toFixed(2)}×, ` +
      `batch keel / xgb ${batch.toFixed(2)}×, one-row xgb / keel ${one.toFixed(1)}×, AUC keel − best peer ${auc.toFixed(4)}\n`,
  );
  process.stdout.write(
    `\nRESULTS.md row:\n| ${rows.toLocaleString()} rows, ${threads} threads, ${repeats} repeats | ${med('keel', 'fit_s_median').toFixed(2)} s vs ${peerFits} (${fit.toFixed(2)}× fastest) | ` +
      `${Math.round(med('keel', 'predict_batch_rows_per_s_median')).toLocaleString()} vs xgb ${Math.round(med('xgb', 'predict_batch_rows_per_s_median')).toLocaleString()} rows/s (${batch.toFixed(2)}×) | ` +
      `${med('keel', 'predict_single_row_us_median').toFixed(1)} µs vs xgb ${med('xgb', 'predict_single_row_us_median').toFixed(0)} µs | ${med('keel', 'test_auc').toFixed(4)} vs ${bestPeerAuc.toFixed(4)} | ${machineLine()} |\n`,
  );
}

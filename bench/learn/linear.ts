// Keel's logistic regression against scikit-learn's on the 1M-row fraud data, in the same run.
//   npm run bench -- learn/linear [--rows 1000000] [--repeats 3] [--skip-peer]
// Same features, time split (sorted by event_timestamp, first 80% train) and preprocessing as
// train_peers.py's `lr`: median imputation + missing indicator (device_trust), StandardScaler on the
// numerics, one-hot categoricals (unseen -> zeros), C = 1. The peer is train_peers.py --models lr.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  averagePrecisionScore,
  logLoss,
  predictFrame,
  RecordEncoder,
  rocAucScore,
  trainLinear,
} from '../../src/learn/index.js';
import { FRAUD_CATEGORICAL, FRAUD_NUMERIC, loadFraudSplit } from '../lib/fraud-frame.js';
import { BENCH_DATA, fraudCsv, machineLine, median, peersDir } from '../lib/peers.js';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rows = Number(arg('rows', '1000000'));
const repeats = Number(arg('repeats', '3'));
const skipPeer = process.argv.includes('--skip-peer');

interface PeerResult {
  fit_s_median: number;
  predict_batch_rows_per_s_median: number;
  predict_batch_s: number[];
  predict_single_row_us_median: number;
  test_auc: number;
  test_logloss: number;
  test_avg_precision: number;
}

/** One repeat of the peer (train_peers.py --models lr --repeats 1), so peer and Keel alternate repeat by repeat. */
function runPeer(csv: string, repeat: number): PeerResult | null {
  if (skipPeer) return null;
  const out = join(BENCH_DATA, `train_peers_lr_${rows}_${repeat}.json`);
  process.stderr.write(
    `peer repeat ${repeat + 1}: scikit-learn LogisticRegression (train_peers.py --models lr)...\n`,
  );
  execFileSync(
    '/usr/bin/python3',
    [join(peersDir(), 'train_peers.py'), '--data', csv, '--models', 'lr', '--repeats', '1', '--out', out],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(out, 'utf8')).models.lr as PeerResult;
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

async function main(): Promise<void> {
  const csv = fraudCsv(rows);
  process.stderr.write('keel: loading the CSV...\n');
  const { train, test } = await loadFraudSplit(csv);
  const features = [...FRAUD_NUMERIC, ...FRAUD_CATEGORICAL];
  const y = test.numberColumn('is_fraud').values;
  const fit: number[] = [];
  const batch: number[] = [];
  const single: number[] = [];
  let last: Awaited<ReturnType<typeof trainLinear>> | null = null;
  let outputs: Float64Array = new Float64Array(0);
  const peers: PeerResult[] = [];
  for (let r = 0; r < repeats; r++) {
    const peerRun = runPeer(csv, r);
    if (peerRun) peers.push(peerRun);
    let t0 = process.hrtime.bigint();
    const model = await trainLinear(train, { C: 1 }, { target: 'is_fraud', features });
    fit.push(seconds(t0));
    predictFrame(model, test.slice(0, 1000)); // warm-up
    t0 = process.hrtime.bigint();
    outputs = predictFrame(model, test).outputs;
    batch.push(seconds(t0));
    // One request's path in serving: a JSON-like record -> RecordEncoder -> predictEncoded.
    const encoder = new RecordEncoder(model.features);
    const records = Array.from({ length: 300 }, (_, i) => test.row(i % test.rowCount));
    const x = new Float64Array(model.features.length);
    const out = new Float64Array(1);
    for (const rec of records.slice(0, 20)) {
      encoder.encodeInto(rec, x, 0);
      model.predictEncoded(x, 1, out);
    }
    const times: number[] = [];
    for (const rec of records) {
      const t = process.hrtime.bigint();
      encoder.encodeInto(rec, x, 0);
      model.predictEncoded(x, 1, out);
      times.push(Number(process.hrtime.bigint() - t) / 1e3);
    }
    single.push(median(times));
    process.stderr.write(
      `  repeat ${r + 1}: fit ${fit.at(-1)!.toFixed(2)}s (${model.training.iterations} iterations, ${model.training.stopReason}) ` +
        `batch ${batch.at(-1)!.toFixed(3)}s single ${single.at(-1)!.toFixed(2)}us\n`,
    );
    last = model;
  }
  const peer: PeerResult | null = peers.length
    ? {
        fit_s_median: median(peers.map((p) => p.fit_s_median)),
        predict_batch_rows_per_s_median: median(peers.map((p) => p.predict_batch_rows_per_s_median)),
        predict_batch_s: peers.flatMap((p) => p.predict_batch_s),
        predict_single_row_us_median: median(peers.map((p) => p.predict_single_row_us_median)),
        test_auc: peers.at(-1)!.test_auc,
        test_logloss: peers.at(-1)!.test_logloss,
        test_avg_precision: peers.at(-1)!.test_avg_precision,
      }
    : null;
  // Same-repeat ratios (the machine is shared: conditions drift between repeats, not within one).
  const sameRepeat = (f: (r: number) => number) =>
    peers.length ? median(peers.map((_, r) => f(r))) : undefined;
  const fitRatio = sameRepeat((r) => fit[r]! / peers[r]!.fit_s_median);
  const batchRatio = sameRepeat(
    (r) => batch[r]! / (test.rowCount / peers[r]!.predict_batch_rows_per_s_median),
  );
  const auc = rocAucScore(y, outputs);
  const clipped = outputs.map((p) => Math.min(Math.max(p, 1e-7), 1 - 1e-7));
  const keel = {
    fit_s_median: median(fit),
    fit_s: fit,
    predict_batch_rows_per_s_median: test.rowCount / median(batch),
    predict_single_row_us_median: median(single),
    test_auc: auc,
    test_logloss: logLoss(y, clipped),
    test_avg_precision: averagePrecisionScore(y, outputs),
    iterations: last!.training.iterations,
    fit_time_vs_sklearn_same_repeat_median: fitRatio ?? null,
    batch_time_vs_sklearn_same_repeat_median: batchRatio ?? null,
  };
  console.log(
    JSON.stringify({ rows, train: train.rowCount, test: test.rowCount, keel, sklearn: peer, peers }),
  );
  const ratio = (a: number, b: number | undefined) => (b ? (a / b).toPrecision(3) : 'n/a');
  console.log(
    `\n${machineLine()}; sklearn 1.2.1 (train_peers.py --models lr); ${repeats} alternating repeats, medians; ` +
      'fit and batch ratios are same-repeat medians',
  );
  console.log(
    '| model | fit s | fit time / sklearn | batch rows/s | batch time / sklearn | one-row µs | one-row / sklearn | test AUC | logloss | AP |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| keel linear (L-BFGS, C=1) | ${keel.fit_s_median.toFixed(2)} | ${fitRatio?.toPrecision(3) ?? 'n/a'} | ` +
      `${Math.round(keel.predict_batch_rows_per_s_median).toLocaleString('en-US')} | ` +
      `${batchRatio?.toPrecision(3) ?? 'n/a'} | ` +
      `${keel.predict_single_row_us_median.toFixed(1)} | ${ratio(keel.predict_single_row_us_median, peer?.predict_single_row_us_median)} | ` +
      `${keel.test_auc.toFixed(4)} | ${keel.test_logloss.toFixed(4)} | ${keel.test_avg_precision.toFixed(3)} |`,
  );
  if (peer) {
    console.log(
      `| sklearn LogisticRegression (lbfgs, C=1) | ${peer.fit_s_median.toFixed(2)} | 1.00 | ` +
        `${peer.predict_batch_rows_per_s_median.toLocaleString('en-US')} | 1.00 | ${peer.predict_single_row_us_median.toFixed(1)} | 1.00 | ` +
        `${peer.test_auc.toFixed(4)} | ${peer.test_logloss.toFixed(4)} | ${peer.test_avg_precision.toFixed(3)} |`,
    );
    console.log(`\nAUC difference keel - sklearn: ${(keel.test_auc - peer.test_auc).toFixed(4)}`);
  }
}

await main();

// Batch prediction with the built CLI (`keel predict`) on the 1,000,000-row fraud file, against
// XGBoost in the same run:
//   npm run build && npm run bench -- serving/batch [--rows 1000000] [--repeats 3] [--batch-size 65536]
// Keel: the 200-tree GBDT of the HTTP benchmark (bench/serving/support/project.ts), CSV → CSV and
// Parquet → Parquet, streaming (readBatches → predict on every core → Parquet parts → one file), the
// whole command timed (process start included) and its peak RSS read by /usr/bin/time. XGBoost 1.7
// (train_peers.py's xgb model on the same data, bench/serving/xgb_batch.py): inplace_predict on the
// encoded matrix (what the learners' benchmark times) and the same file job with pandas.
import { execFile } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openDuckDBEngine, quoteLiteral } from '../../src/storage/index.js';
import { argText } from '../lib/args.js';
import { BENCH_DATA, fraudCsv, machineLine, median, peersDir } from '../lib/peers.js';
import { SERVING_DATA, servingProject } from './support/project.js';

const run = promisify(execFile);
const ROWS = Number(argText('--rows', '1000000'));
const REPEATS = Number(argText('--repeats', '3'));
const BATCH = argText('--batch-size', '65536');
const repo = resolve(new URL('../..', import.meta.url).pathname);

async function parquetOf(csv: string): Promise<string> {
  const file = csv.replace(/\.csv$/, '.parquet');
  if (existsSync(file)) return file;
  const engine = await openDuckDBEngine();
  try {
    await engine.exec(
      `COPY (SELECT * FROM read_csv_auto(${quoteLiteral(csv)})) TO ${quoteLiteral(file)} (FORMAT parquet)`,
    );
  } finally {
    await engine.close();
  }
  return file;
}

interface KeelRun {
  readonly wallS: number;
  readonly innerS: number;
  readonly rows: number;
  readonly peakRssMb: number;
}

async function keelPredict(project: string, input: string, output: string): Promise<KeelRun> {
  rmSync(output, { force: true });
  const t0 = performance.now();
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    [
      '-f',
      'MAXRSS %M',
      process.execPath,
      join(repo, 'bin/keel.js'),
      '--project',
      project,
      'predict',
      '--model',
      'fraud/1',
      '--input',
      input,
      '--output',
      output,
      '--batch-size',
      BATCH,
      '--json',
    ],
    { maxBuffer: 1 << 24 },
  );
  const wallS = (performance.now() - t0) / 1000;
  const summary = JSON.parse(stdout) as { rows: number; seconds: number };
  const rss = Number(/MAXRSS (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  return { wallS, innerS: summary.seconds, rows: summary.rows, peakRssMb: rss };
}

interface XgbRun {
  readonly rows: number;
  readonly predict_s: number;
  readonly e2e_s: number;
}

async function xgbPredict(input: string, output: string): Promise<XgbRun> {
  const models = join(peersDir(), 'models');
  if (!existsSync(join(models, 'xgb.json'))) {
    throw new Error(
      `${models}/xgb.json is missing: run train_peers.py --save-models models in ${peersDir()} first (see its README).`,
    );
  }
  const { stdout } = await run(
    '/usr/bin/python3',
    [join(repo, 'bench/serving/xgb_batch.py'), '--data', input, '--models', models, '--out', output],
    {
      maxBuffer: 1 << 24,
      env: { ...process.env, OMP_NUM_THREADS: '2' },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as XgbRun;
}

const csv = fraudCsv(ROWS);
const parquet = await parquetOf(csv);
const project = await servingProject();
const out = join(SERVING_DATA, 'batch-out');
const rounds: { csv: KeelRun; pq: KeelRun; xgb: XgbRun; load: number }[] = [];
for (let r = 0; r < REPEATS; r++) {
  const xgb = await xgbPredict(csv, `${out}-xgb.csv`);
  const c = await keelPredict(project, csv, `${out}.csv`);
  const pq = await keelPredict(project, parquet, `${out}.parquet`);
  rounds.push({ csv: c, pq, xgb, load: loadavg()[0]! });
  process.stderr.write(
    `repeat ${r + 1}: keel csv ${c.wallS.toFixed(2)} s (${c.innerS.toFixed(2)} s inside, ${c.peakRssMb.toFixed(0)} MB peak), keel parquet ${pq.wallS.toFixed(2)} s (${pq.peakRssMb.toFixed(0)} MB), xgb predict ${xgb.predict_s.toFixed(2)} s, xgb file job ${xgb.e2e_s.toFixed(2)} s, load ${loadavg()[0]!.toFixed(1)}\n`,
  );
}
const rps = (rows: number, s: number) => rows / s;
const m = (f: (x: (typeof rounds)[number]) => number) => median(rounds.map(f));
const learners = join(BENCH_DATA, 'peers_gbdt_1000000.json');
const learnersXgb = existsSync(learners)
  ? (
      JSON.parse((await import('node:fs')).readFileSync(learners, 'utf8')) as {
        models: { xgb: { predict_batch_rows_per_s_median: number } };
      }
    ).models.xgb.predict_batch_rows_per_s_median
  : Number.NaN;
const lines = [
  `\n${machineLine()}; ${ROWS.toLocaleString('en-US')} rows (${(statSync(csv).size / 2 ** 20).toFixed(0)} MB CSV), batch ${BATCH}, ${REPEATS} repeats, load average ${m((x) => x.load).toFixed(1)} on ${cpus().length} cores\n`,
  '| job | rows/s (median) | peak RSS | ÷ XGBoost inplace_predict (same repeat) |',
  '|---|---:|---:|---:|',
  `| keel predict CSV → CSV (whole command) | ${Math.round(m((x) => rps(x.csv.rows, x.csv.wallS))).toLocaleString('en-US')} | ${m((x) => x.csv.peakRssMb).toFixed(0)} MB | ${m((x) => rps(x.csv.rows, x.csv.wallS) / rps(x.xgb.rows, x.xgb.predict_s)).toFixed(2)} |`,
  `| keel predict Parquet → Parquet (whole command) | ${Math.round(m((x) => rps(x.pq.rows, x.pq.wallS))).toLocaleString('en-US')} | ${m((x) => x.pq.peakRssMb).toFixed(0)} MB | ${m((x) => rps(x.pq.rows, x.pq.wallS) / rps(x.xgb.rows, x.xgb.predict_s)).toFixed(2)} |`,
  `| XGBoost inplace_predict, in memory (2 threads) | ${Math.round(m((x) => rps(x.xgb.rows, x.xgb.predict_s))).toLocaleString('en-US')} | - | 1.00 |`,
  `| XGBoost + pandas, CSV → CSV | ${Math.round(m((x) => rps(x.xgb.rows, x.xgb.e2e_s))).toLocaleString('en-US')} | - | ${m((x) => x.xgb.predict_s / x.xgb.e2e_s).toFixed(2)} |`,
  '',
  `keel CSV job ÷ XGBoost+pandas CSV job (same repeat): ${m((x) => x.xgb.e2e_s / x.csv.wallS).toFixed(2)}×; the learners' benchmark's XGBoost batch figure: ${Math.round(learnersXgb).toLocaleString('en-US')} rows/s (target: keel ≥ 3× = ${Math.round(3 * learnersXgb).toLocaleString('en-US')}).`,
];
process.stdout.write(`${lines.join('\n')}\n`);
rmSync(`${out}.csv`, { force: true });
rmSync(`${out}-xgb.csv`, { force: true });
rmSync(`${out}.parquet`, { force: true });

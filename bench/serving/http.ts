// Keel's HTTP server against the serving peers and the bare Node.js ceiling, in the same run:
//   npm run build && npm run bench -- serving/http [--rounds 3] [--duration 10] [--warmup 3] [--conns 8,64]
// Targets (each started here, stopped here by pid):
//   node_1proc / node_cluster2   ../shared/bench/node_server.mjs: bare node:http, fixed answer (the ceilings)
//   fastapi_xgb_w2 / _hgb_w2      ../shared/bench/serve_fastapi.py under gunicorn, 2 uvicorn workers
//   keel_predict                  POST /v1/deployments/fraud/predict, 200-tree GBDT, `keel serve` 1 process
//   keel_infer                    POST /v2/models/fraud/infer (OIP, one column per feature), same server
//   keel_ab                       an A/B deployment (two versions, 50/50), same server
//   keel_cached                   the prediction cache (memory store): every request after the first is a hit
//   keel_predict_w2               `keel serve --workers 2`
//   keel_predict_nolog            `keel serve` with the prediction log off (KEEL_LOG_SAMPLE_RATE=0; the
//                                 default logs every prediction to the stream and the offline store)
// wrk runs pinned to CPU 1 with one thread, as the peers' bench_serving.sh (shared mode). Rounds are
// interleaved (order rotated each round) and ratios are taken within a round against node_1proc at
// the same connection count; server CPU per request comes from /proc (process + children).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { argText } from '../lib/args.js';
import { machineLine, median, peersDir } from '../lib/peers.js';
import { writeBodies } from './support/bodies.js';
import { cpuDelta, type Proc, start, stopAll, treeCpu, waitUp } from './support/processes.js';
import { SERVING_DATA, servingProject } from './support/project.js';
import { type WrkResult, wrk } from './support/wrk.js';

const ROUNDS = Number(argText('--rounds', '3'));
const DURATION = Number(argText('--duration', '10'));
const WARMUP = Number(argText('--warmup', '3'));
const CONNS = argText('--conns', '8,64').split(',').map(Number);
const ONLY = argText('--only', '');

const repo = resolve(new URL('../..', import.meta.url).pathname);
const peers = peersDir();
const { row: rowFile, predict: predictFile, infer: inferFile } = writeBodies();

interface Target {
  readonly name: string;
  readonly proc: Proc;
  readonly url: string;
  readonly body: string;
}

async function startAll(): Promise<Target[]> {
  const project = await servingProject();
  const keelBin = join(repo, 'bin/keel.js');
  const py = '/usr/bin/python3';
  const guni = [
    '-m',
    'gunicorn',
    'serve_fastapi:app',
    '-k',
    'uvicorn.workers.UvicornWorker',
    '--log-level',
    'warning',
    '-w',
    '2',
  ];
  const node = process.execPath;
  const procs = {
    node1: start('node_1proc', node, ['node_server.mjs', '--port', '18101'], peers),
    node2: start('node_cluster2', node, ['node_server.mjs', '--port', '18102', '--workers', '2'], peers),
    xgb: start('fastapi_xgb_w2', py, [...guni, '-b', '127.0.0.1:18002'], peers, {
      MODEL: 'xgb',
      OMP_NUM_THREADS: '1',
    }),
    hgb: start('fastapi_hgb_w2', py, [...guni, '-b', '127.0.0.1:18001'], peers, {
      MODEL: 'hgb',
      OMP_NUM_THREADS: '1',
    }),
    keel1: start(
      'keel',
      node,
      [keelBin, '--project', project, 'serve', '--port', '18201', '--grpc-port', '0'],
      project,
    ),
    keel2: start(
      'keel_w2',
      node,
      [keelBin, '--project', project, 'serve', '--port', '18202', '--grpc-port', '0', '--workers', '2'],
      project,
    ),
    keel3: start(
      'keel_nolog',
      node,
      [keelBin, '--project', project, 'serve', '--port', '18203', '--grpc-port', '0'],
      project,
      {
        KEEL_LOG_SAMPLE_RATE: '0',
      },
    ),
  };
  const targets: Target[] = [
    { name: 'node_1proc', proc: procs.node1, url: 'http://127.0.0.1:18101/predict', body: rowFile },
    { name: 'node_cluster2', proc: procs.node2, url: 'http://127.0.0.1:18102/predict', body: rowFile },
    { name: 'fastapi_xgb_w2', proc: procs.xgb, url: 'http://127.0.0.1:18002/predict', body: rowFile },
    { name: 'fastapi_hgb_w2', proc: procs.hgb, url: 'http://127.0.0.1:18001/predict', body: rowFile },
    {
      name: 'keel_predict',
      proc: procs.keel1,
      url: 'http://127.0.0.1:18201/v1/deployments/fraud/predict',
      body: predictFile,
    },
    {
      name: 'keel_infer',
      proc: procs.keel1,
      url: 'http://127.0.0.1:18201/v2/models/fraud/infer',
      body: inferFile,
    },
    {
      name: 'keel_ab',
      proc: procs.keel1,
      url: 'http://127.0.0.1:18201/v1/deployments/fraud-ab/predict',
      body: predictFile,
    },
    {
      name: 'keel_cached',
      proc: procs.keel1,
      url: 'http://127.0.0.1:18201/v1/deployments/fraud-cached/predict',
      body: predictFile,
    },
    {
      name: 'keel_predict_w2',
      proc: procs.keel2,
      url: 'http://127.0.0.1:18202/v1/deployments/fraud/predict',
      body: predictFile,
    },
    {
      name: 'keel_predict_nolog',
      proc: procs.keel3,
      url: 'http://127.0.0.1:18203/v1/deployments/fraud/predict',
      body: predictFile,
    },
  ].filter((t) => ONLY === '' || t.name === 'node_1proc' || ONLY.split(',').includes(t.name));
  for (const t of targets) {
    const { readFileSync } = await import('node:fs');
    await waitUp(t.url, readFileSync(t.body, 'utf8'), 180_000, t.proc);
  }
  // Both cluster workers must be up: a few requests more, answered round-robin.
  return targets;
}

interface Run extends WrkResult {
  readonly round: number;
  readonly target: string;
  readonly conns: number;
  readonly cpuUsPerRequest: number;
  readonly load: number;
}

async function measure(targets: readonly Target[]): Promise<Run[]> {
  const runs: Run[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
    for (const t of order) {
      await wrk(peers, t.url, t.body, 32, WARMUP);
      for (const conns of CONNS) {
        const before = treeCpu(t.proc.child.pid!);
        const r = await wrk(peers, t.url, t.body, conns, DURATION);
        const cpu = cpuDelta(before, treeCpu(t.proc.child.pid!));
        const run = {
          ...r,
          round,
          target: t.name,
          conns,
          cpuUsPerRequest: (cpu / Math.max(1, r.requests)) * 1e6,
          load: loadavg()[0]!,
        };
        runs.push(run);
        process.stderr.write(
          `round ${round} ${t.name.padEnd(16)} c=${String(conns).padStart(2)} ${Math.round(r.rps).toString().padStart(6)} req/s p99 ${(r.p99_us / 1000).toFixed(2).padStart(6)} ms cpu ${run.cpuUsPerRequest.toFixed(0).padStart(5)} µs/req errors ${r.errors} load ${run.load.toFixed(1)}\n`,
        );
      }
    }
  }
  return runs;
}

function report(runs: readonly Run[]): void {
  const names = [...new Set(runs.map((r) => r.target))];
  const rows: string[] = [];
  const ratio = (target: string, conns: number, f: (r: Run, base: Run) => number): number => {
    const values: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = runs.find((x) => x.round === round && x.target === target && x.conns === conns);
      const base = runs.find((x) => x.round === round && x.target === 'node_1proc' && x.conns === conns);
      if (r && base) values.push(f(r, base));
    }
    return median(values);
  };
  rows.push(
    '| target | conns | req/s | p99 ms | server CPU µs/req | req/s ÷ node_1proc (same round) | errors |',
  );
  rows.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const name of names) {
    for (const conns of CONNS) {
      const mine = runs.filter((r) => r.target === name && r.conns === conns);
      if (mine.length === 0) continue;
      rows.push(
        `| ${name} | ${conns} | ${Math.round(median(mine.map((r) => r.rps))).toLocaleString('en-US')} | ${(median(mine.map((r) => r.p99_us)) / 1000).toFixed(2)} | ${median(mine.map((r) => r.cpuUsPerRequest)).toFixed(0)} | ${ratio(name, conns, (r, b) => r.rps / b.rps).toFixed(2)} | ${mine.reduce((s, r) => s + r.errors, 0)} |`,
      );
    }
  }
  const same = (a: string, b: string, conns: number): number => {
    const values: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const x = runs.find((r) => r.round === round && r.target === a && r.conns === conns);
      const y = runs.find((r) => r.round === round && r.target === b && r.conns === conns);
      if (x && y) values.push(x.rps / y.rps);
    }
    return values.length > 0 ? median(values) : Number.NaN;
  };
  const cpu = (a: string, b: string, conns: number): number => {
    const values: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const x = runs.find((r) => r.round === round && r.target === a && r.conns === conns);
      const y = runs.find((r) => r.round === round && r.target === b && r.conns === conns);
      if (x && y) values.push(y.cpuUsPerRequest / x.cpuUsPerRequest);
    }
    return values.length > 0 ? median(values) : Number.NaN;
  };
  const lines = [
    `\n${machineLine()}; ${ROUNDS} rounds × ${DURATION} s, wrk -t1 pinned to CPU 1; load average during the runs ${median(runs.map((r) => r.load)).toFixed(1)} on ${cpus().length} cores\n`,
    ...rows,
    '',
    'Same-round ratios (median over rounds):',
    ...CONNS.flatMap((c) => [
      `- c=${c}, requests per server CPU-second (the figure least disturbed by the shared machine): keel_predict ÷ node_1proc ${cpu('keel_predict', 'node_1proc', c).toFixed(2)}; keel_predict_nolog ÷ node_1proc ${cpu('keel_predict_nolog', 'node_1proc', c).toFixed(2)}; keel_infer ÷ keel_predict ${cpu('keel_infer', 'keel_predict', c).toFixed(2)}; keel_ab ÷ keel_predict ${cpu('keel_ab', 'keel_predict', c).toFixed(2)}; keel_cached ÷ node_1proc ${cpu('keel_cached', 'node_1proc', c).toFixed(2)}; keel_predict ÷ fastapi_xgb_w2 ${cpu('keel_predict', 'fastapi_xgb_w2', c).toFixed(1)}`,
      `- c=${c}: keel_predict ÷ node_1proc ${same('keel_predict', 'node_1proc', c).toFixed(2)} (target ≥ 0.60); keel_infer ÷ keel_predict ${same('keel_infer', 'keel_predict', c).toFixed(2)} (target ≥ 0.80); keel_ab ÷ keel_predict ${same('keel_ab', 'keel_predict', c).toFixed(2)} (target ≥ 0.90); keel_cached ÷ node_1proc ${same('keel_cached', 'node_1proc', c).toFixed(2)}; keel_predict_w2 ÷ node_cluster2 ${same('keel_predict_w2', 'node_cluster2', c).toFixed(2)}; keel_predict ÷ fastapi_xgb_w2 ${same('keel_predict', 'fastapi_xgb_w2', c).toFixed(1)}; keel_predict_nolog ÷ node_1proc ${same('keel_predict_nolog', 'node_1proc', c).toFixed(2)}`,
    ]),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(join(SERVING_DATA, 'http-runs.json'), JSON.stringify(runs, null, 1));
}

process.on('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});
try {
  const targets = await startAll();
  report(await measure(targets));
} finally {
  await stopAll();
}

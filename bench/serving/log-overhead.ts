// What the prediction log costs a `keel serve` process at full load, against the same server with
// the log off (KEEL_LOG_SAMPLE_RATE=0), in the same run:
//   npm run build && npm run bench -- serving/log-overhead [--pairs 6] [--rounds 4] [--duration 6] [--warmup 10] [--conns 64]
// The serving benchmark's setup (bench project, 200-tree GBDT, records-API body, wrk -t1 pinned to
// CPU 1), but only these two servers, because the difference sought (a few percent) is smaller than
// what separates two rounds of the full benchmark on a shared 2-core machine. A process keeps its
// own luck (memory layout, JIT decisions), so the comparison runs over several pairs of fresh
// processes, with the logged server on the first port in even pairs and on the second in odd
// ones; within a pair rounds are interleaved and each round's ratio is logged ÷ unlogged.
// CPU per request is split into the serving (main) thread and the others (sink worker, V8 helpers,
// DuckDB, libuv), from /proc/<pid>/task. The logged server's own counters (/metrics) show that
// every request was logged and written.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { argText } from '../lib/args.js';
import { machineLine, median, peersDir } from '../lib/peers.js';
import { writeBodies } from './support/bodies.js';
import { type Proc, start, stopAll, threadCpu, waitUp } from './support/processes.js';
import { servingProject } from './support/project.js';
import { wrk } from './support/wrk.js';

const PAIRS = Number(argText('--pairs', '6'));
const ROUNDS = Number(argText('--rounds', '4'));
const DURATION = Number(argText('--duration', '6'));
// Long enough for the JIT to settle on the sink's once-a-second code as well as on the request path.
const WARMUP = Number(argText('--warmup', '10'));
const CONNS = Number(argText('--conns', '64'));

const repo = resolve(new URL('../..', import.meta.url).pathname);
const peers = peersDir();
const { predict: body } = writeBodies();

/** A counter's value from a Prometheus text page (summed over its series matching `labels`). */
function counter(page: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of page.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    if (labels && !line.includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

interface Side {
  readonly logged: boolean;
  readonly proc: Proc;
  readonly url: string;
  readonly base: string;
}

interface Round {
  readonly pair: number;
  readonly logged: boolean;
  readonly rps: number;
  readonly p99Ms: number;
  readonly mainUs: number;
  readonly othersUs: number;
}

async function pair(p: number, rounds: Round[], counts: string[]): Promise<void> {
  const project = await servingProject();
  const ports = [18221, 18222];
  // The logged server takes the first port in even pairs, the second in odd ones.
  const sides: Side[] = ports.map((port, i) => {
    const logged = (i === 0) === (p % 2 === 0);
    const proc = start(
      logged ? 'keel_logged' : 'keel_unlogged',
      process.execPath,
      [join(repo, 'bin/keel.js'), '--project', project, 'serve', '--port', String(port), '--grpc-port', '0'],
      project,
      logged ? {} : { KEEL_LOG_SAMPLE_RATE: '0' },
    );
    const base = `http://127.0.0.1:${port}`;
    return { logged, proc, base, url: `${base}/v1/deployments/fraud/predict` };
  });
  for (const s of sides) await waitUp(s.url, readFileSync(body, 'utf8'), 180_000, s.proc);
  for (const s of sides) await wrk(peers, s.url, body, 32, WARMUP);
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of r % 2 === 0 ? sides : [...sides].reverse()) {
      const pid = s.proc.child.pid!;
      const before = threadCpu(pid);
      const w = await wrk(peers, s.url, body, CONNS, DURATION);
      const after = threadCpu(pid);
      const n = Math.max(1, w.requests);
      const round: Round = {
        pair: p,
        logged: s.logged,
        rps: w.rps,
        p99Ms: w.p99_us / 1000,
        mainUs: ((after.main - before.main) / n) * 1e6,
        othersUs: ((after.others - before.others) / n) * 1e6,
      };
      rounds.push(round);
      process.stderr.write(
        `pair ${p} round ${r} ${s.logged ? 'logged  ' : 'unlogged'} ${Math.round(w.rps).toString().padStart(6)} req/s p99 ${round.p99Ms.toFixed(2).padStart(6)} ms cpu µs/req main ${round.mainUs.toFixed(1)} others ${round.othersUs.toFixed(1)} load ${loadavg()[0]!.toFixed(1)}\n`,
      );
    }
  }
  // Give the sink one flush interval to write what it holds, then read the logged server's counters.
  await new Promise((r) => setTimeout(r, 2_500));
  const logged = sides.find((s) => s.logged)!;
  const page = await (await fetch(`${logged.base}/metrics`)).text();
  counts.push(
    `pair ${p}: logged ${counter(page, 'keel_prediction_log_rows_total', 'result="enqueued"').toLocaleString('en-US')} requests, dropped ${counter(page, 'keel_prediction_log_rows_total', 'result="dropped"')}, Parquet rows written ${counter(page, 'keel_prediction_log_written_rows_total').toLocaleString('en-US')}`,
  );
  await stopAll();
}

function report(rounds: readonly Round[], counts: readonly string[]): void {
  const ratios = (f: (r: Round) => number, p?: number): number[] => {
    const out: number[] = [];
    for (let q = 0; q < PAIRS; q++) {
      if (p !== undefined && q !== p) continue;
      const mine = rounds.filter((r) => r.pair === q);
      const logged = mine.filter((r) => r.logged);
      const unlogged = mine.filter((r) => !r.logged);
      for (let i = 0; i < Math.min(logged.length, unlogged.length); i++)
        out.push(f(logged[i]!) / f(unlogged[i]!));
    }
    return out;
  };
  const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
  const side = (logged: boolean, f: (r: Round) => number): number =>
    median(rounds.filter((r) => r.logged === logged).map(f));
  const rps = ratios((r) => r.rps);
  const cpu = ratios((r) => r.mainUs + r.othersUs);
  const main = ratios((r) => r.mainUs);
  const lines = [
    `\n${machineLine()}; ${PAIRS} pairs of fresh servers × ${ROUNDS} interleaved rounds × ${DURATION} s at ${CONNS} connections, wrk -t1 pinned to CPU 1, ${cpus().length} cores`,
    '',
    '| server | req/s | p99 ms | serving thread CPU µs/req | other threads CPU µs/req |',
    '|---|---:|---:|---:|---:|',
    ...[true, false].map(
      (l) =>
        `| ${l ? 'every prediction logged' : 'log off (KEEL_LOG_SAMPLE_RATE=0)'} | ${Math.round(side(l, (r) => r.rps)).toLocaleString('en-US')} | ${side(l, (r) => r.p99Ms).toFixed(2)} | ${side(l, (r) => r.mainUs).toFixed(1)} | ${side(l, (r) => r.othersUs).toFixed(1)} |`,
    ),
    '',
    `Per pair, median of its rounds' logged ÷ unlogged req/s: ${Array.from({ length: PAIRS }, (_, p) => median(ratios((r) => r.rps, p)).toFixed(3)).join(', ')}`,
    `Throughput cost of the log (1 − median of all ${rps.length} paired rounds): ${pct(1 - median(rps))} (rounds ${pct(1 - Math.max(...rps))} … ${pct(1 - Math.min(...rps))}); target < 5%`,
    `CPU per request, logged ÷ unlogged (median of paired rounds): whole process ${pct(median(cpu) - 1)}, serving thread ${pct(median(main) - 1)}`,
    ...counts,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

process.on('SIGINT', () => {
  void stopAll().then(() => process.exit(130));
});
const rounds: Round[] = [];
const counts: string[] = [];
try {
  for (let p = 0; p < PAIRS; p++) await pair(p, rounds, counts);
  report(rounds, counts);
} finally {
  await stopAll();
}

// What monitoring costs the serving path, next to the bare engine call in the same run:
//   npm run bench -- monitor/logging-overhead [--iterations 50000]
// One-row records-API requests on a 200-tree depth-6 ensemble (the serving benchmark's model) through
// `engine.predictDeployment`:
//   A. the bare engine (nobody listens to its events: it does not even time requests);
//   B. + metrics: request series recorded as the server's hook does, and engine events feeding
//      `keel_prediction_rows_total` / `keel_inference_duration_seconds` (observeEngine without a log);
//   C. + metrics and the prediction log: every request enqueued, encoded and published to the
//      in-process stream at the next event-loop turn (the stream keeps only the last 16 messages,
//      as if a consumer took them for free);
//   D. C plus the Parquet sink on the serving thread (decode, frame, DuckDB write every second; its
//      DuckDB threads' CPU is counted too);
//   E. C plus the Parquet sink on a worker thread (`SinkWorker`): the serving thread only copies bytes.
// Process CPU counts every thread, so for E the wall-clock time per request (same interleaved rounds)
// is the figure that matters: what the serving thread can still do.
// Times are process CPU time per request, median of interleaved rounds; the loop yields to the event
// loop every 32 requests in every variant, as a server does between requests, so the deferred event
// and publish work is counted. Throughput loss = 1 − CPU(A) / CPU(variant).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, systemClock } from '../../src/core/index.js';
import {
  KeelMetrics,
  observeEngine,
  PredictionLogger,
  predictionLogSink,
  SinkWorker,
} from '../../src/monitor/index.js';
import { InferenceEngine, NativePredictor } from '../../src/serve/index.js';
import { MemoryStreamStore } from '../../src/storage/index.js';
import { MemoryRegistry, testLoaders } from '../../test/serve/helpers/memory-registry.js';
import { rng, TreeTestModel } from '../../test/serve/helpers/test-models.js';
import { argNumber } from '../lib/args.js';
import { machineLine, median } from '../lib/peers.js';

const ITER = argNumber('--iterations', 50_000);
const ROUNDS = argNumber('--rounds', 7);
const FEATURES = 12;
const model = new TreeTestModel(200, 6, FEATURES, 42);
const r = rng(9);
const records = Array.from({ length: 1024 }, () =>
  Object.fromEntries(model.features.map((f) => [f.name, r() * 2 - 1])),
);

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function engine(): Promise<InferenceEngine> {
  const registry = new MemoryRegistry();
  registry.add('trees', 'bench-trees', new Uint8Array(8), { kind: 'columns', inputs: [], outputs: [] });
  registry.put('live', { variants: [{ name: 'primary', ref: 'trees/1', weight: 1 }] });
  const e = new InferenceEngine({
    source: registry,
    deployments: registry,
    loaders: { ...testLoaders(), 'bench-trees': async () => new NativePredictor(model, 'bench-trees') },
    pollIntervalMs: 0,
  });
  await e.start();
  return e;
}

const bare = await engine();
const withMetrics = await engine();
const withLog = await engine();
const metricsB = new KeelMetrics();
observeEngine(withMetrics, { metrics: metricsB });
const metricsC = new KeelMetrics();
const stream = new MemoryStreamStore(new ManualClock(), { maxMessages: 16 });
const logger = new PredictionLogger({ stream, metrics: metricsC });
observeEngine(withLog, { metrics: metricsC, logger });
const withSink = await engine();
const metricsD = new KeelMetrics();
const sinkStream = new MemoryStreamStore(systemClock);
const loggerD = new PredictionLogger({ stream: sinkStream, metrics: metricsD });
observeEngine(withSink, { metrics: metricsD, logger: loggerD });
const offline = mkdtempSync(join(tmpdir(), 'keel-bench-log-'));
const sink = predictionLogSink({
  stream: sinkStream,
  offline,
  clock: systemClock,
  flushIntervalMs: 1_000,
  metrics: metricsD,
});
const withWorker = await engine();
const metricsE = new KeelMetrics();
const workerStream = new MemoryStreamStore(systemClock);
const loggerE = new PredictionLogger({ stream: workerStream, metrics: metricsE });
observeEngine(withWorker, { metrics: metricsE, logger: loggerE });
const sinkWorker = new SinkWorker();
const offlineE = mkdtempSync(join(tmpdir(), 'keel-bench-log-'));
const sinkE = predictionLogSink({
  stream: workerStream,
  offline: offlineE,
  clock: systemClock,
  flushIntervalMs: 1_000,
  worker: sinkWorker,
});
const route = '/v1/deployments/:name/predict';

/** One request as the server runs it: engine call, then (with metrics) the onResponse recording. */
const call = (e: InferenceEngine, m: KeelMetrics | null) => async (i: number) => {
  const t0 = m ? performance.now() : 0;
  const res = await e.predictDeployment('live', [records[i & 1023]!], { requestId: `req-${i}` });
  if (m) {
    m.request({
      deployment: 'live',
      model: res.model,
      version: res.version,
      variant: res.variant,
      route,
    }).record((performance.now() - t0) / 1000, 200);
  }
};

const wallRounds: number[][] = [];
async function roundUs(fn: (i: number) => Promise<void>, c = -1): Promise<number> {
  await turn();
  const w0 = performance.now();
  const t0 = cpuUs();
  for (let i = 0; i < ITER; i++) {
    await fn(i);
    if ((i & 31) === 31) await turn();
  }
  await turn();
  await logger.flush();
  // Each variant's deferred work is finished inside its own timed round: D and E write what their
  // round logged (one Parquet flush per round, about as often as the 1 s interval at this rate).
  await loggerD.flush();
  await loggerE.flush();
  if (c === 3 || c === -4) await sink.drain();
  if (c === 4 || c === -5) await sinkE.drain();
  if (c >= 0) (wallRounds[c] ??= []).push(((performance.now() - w0) * 1000) / ITER);
  return (cpuUs() - t0) / ITER;
}

const cases: [string, (i: number) => Promise<void>][] = [
  ['A. bare engine.predictDeployment', call(bare, null)],
  ['B. + metrics (request series, engine events)', call(withMetrics, metricsB)],
  ['C. + metrics + prediction log (enqueue, publish)', call(withLog, metricsC)],
  ['D. C + Parquet sink on the serving thread', call(withSink, metricsD)],
  ['E. C + Parquet sink on a worker thread', call(withWorker, metricsE)],
];
process.stdout.write(
  `Monitoring overhead on the serving path, one-row requests, 200 trees x depth 6 (${machineLine()})\n\n`,
);
// Warm-up: one round each (D and E write theirs too, untimed in the results).
for (let c = 0; c < cases.length; c++) await roundUs(cases[c]![1], -1 - c);
const rounds: number[][] = cases.map(() => []);
for (let k = 0; k < ROUNDS; k++)
  for (let c = 0; c < cases.length; c++) rounds[c]!.push(await roundUs(cases[c]![1], c));
const med = rounds.map((x) => median(x));
const wall = wallRounds.map((x) => median(x));
const loss = (c: number): number => median(rounds[c]!.map((v, k) => 1 - rounds[0]![k]! / v));
const wallLoss = (c: number): number => median(wallRounds[c]!.map((v, k) => 1 - wallRounds[0]![k]! / v));
cases.forEach(([label], c) => {
  const extra =
    c === 0
      ? ''
      : `  (CPU ${(100 * loss(c)).toFixed(1)}%, wall ${(100 * wallLoss(c)).toFixed(1)}% throughput loss)`;
  process.stdout.write(
    `${label.padEnd(46)} ${med[c]!.toFixed(2).padStart(6)} CPU µs ${wall[c]!.toFixed(2).padStart(6)} wall µs/request${extra}\n`,
  );
});
await sink.stop();
await sinkE.stop();
await sinkWorker.close();
// The server-level view: the serving benchmark's bare node:http server answers 29,709 req/s on this
// machine kind (../shared/bench/README.md), 33.7 µs a request before any engine work.
const bareHttpUs = 1e6 / 29_709;
const serverLoss = (c: number): number => 1 - (bareHttpUs + med[0]!) / (bareHttpUs + med[c]!);
process.stdout.write(
  `\nlogged ${logger.stats.published.toLocaleString('en')} requests per variant (dropped ${logger.stats.dropped + loggerD.stats.dropped + loggerE.stats.dropped}); Parquet rows written: ${sink.stats.rowsWritten.toLocaleString('en')} (D), ${sinkE.stats.rowsWritten.toLocaleString('en')} (E)\n`,
);
process.stdout.write(
  `projected loss at server level (bare http ${bareHttpUs.toFixed(1)} µs + engine, CPU): metrics ${(100 * serverLoss(1)).toFixed(1)}%, + log ${(100 * serverLoss(2)).toFixed(1)}%, + sink on the serving thread ${(100 * serverLoss(3)).toFixed(1)}% (target < 5%)\n\n`,
);
rmSync(offline, { recursive: true, force: true });
rmSync(offlineE, { recursive: true, force: true });
process.stdout.write(
  '| scenario | CPU µs/request | wall µs/request | loss (CPU) | loss (wall) |\n|---|---:|---:|---:|---:|\n',
);
cases.forEach(([label], c) => {
  const pct = (v: number): string => (c === 0 ? '—' : `${(100 * v).toFixed(1)}%`);
  process.stdout.write(
    `| ${label} | ${med[c]!.toFixed(2)} | ${wall[c]!.toFixed(2)} | ${pct(loss(c))} | ${pct(wallLoss(c))} |\n`,
  );
});
await Promise.all(
  [bare, withMetrics, withLog, withSink, withWorker].map((e) => e.shutdown({ timeoutMs: 100 })),
);

// Pipeline engine overhead per step: a fan-out pipeline (one source, N-1 independent steps reading it)
// run cold (every step executes), warm (every step is a cache hit), and on the queue runner (memory;
// BullMQ when KEEL_TEST_REDIS_URL is set, two in-process workers). The ceiling, in the same run, is
// the least a result-persisting engine must do per step: call the function, serialise its result and
// store it content-addressed in the same artifact store. Metadata on a SQLite file (WAL).
// Usage: npm run bench -- pipelines/overhead [steps=100] [repeats=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import {
  definePipeline,
  type Pipeline,
  type PipelineRunner,
  Pipelines,
  QueueRunner,
  startPipelineWorker,
  step,
} from '../../src/pipelines/index.js';
import { openStore } from '../../src/storage/index.js';
import { machineLine, median } from '../lib/peers.js';

const STEPS = Number(process.argv[2] ?? 100);
const REPEATS = Number(process.argv[3] ?? 3);
const root = mkdtempSync(join(tmpdir(), 'keel-bench-pipelines-'));
const log = silentLogger();
const options = { root, log, clock: systemClock };

/** A fan-out pipeline whose steps do trivial work (the engine's cost is what is measured). */
function fanOut(name: string): Pipeline {
  const source = step({
    name: 'source',
    params: { salt: name },
    run: async (_i, p) => ({ seed: p.salt, n: 7 }),
  });
  const leaves = Array.from({ length: STEPS - 1 }, (_, i) =>
    step({ name: `leaf-${i}`, inputs: { s: source }, run: async ({ s }) => ({ value: s.n * i }) }),
  );
  return definePipeline({ name, steps: [source, ...leaves], concurrency: 8 });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const metadata = await openStore('metadata', 'sqlite:bench.db', options);
  const artifacts = await openStore('artifacts', 'file:artifacts', options);
  const local = new Pipelines({ metadata, artifacts, clock: systemClock, log, root });
  const rows: [string, number][] = [];

  const ceiling: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    ceiling.push(
      await timed(async () => {
        for (let i = 0; i < STEPS; i++) {
          const value = await (async () => ({ value: 7 * i, run: r, nonce: randomHex(4) }))();
          await artifacts.put(Buffer.from(JSON.stringify(value)));
        }
      }),
    );
  }
  const ceilingMs = median(ceiling) / STEPS;

  const cold: number[] = [];
  const warm: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const p = fanOut(`fan-${randomHex(4)}`);
    cold.push(await timed(() => local.run(p)));
    warm.push(await timed(() => local.run(p)));
  }
  rows.push(['local runner, cold (every step runs)', median(cold) / STEPS]);
  rows.push(['local runner, warm (every step a cache hit)', median(warm) / STEPS]);

  const queueUrls: [string, string][] = [['memory', 'memory:']];
  const redis = process.env.KEEL_TEST_REDIS_URL;
  if (redis)
    queueUrls.push(['BullMQ', `${redis.replace(/^redis:/, 'bullmq:')}?prefix=keel-bench-${randomHex(4)}`]);
  for (const [label, url] of queueUrls) {
    const queue = await openStore('queue', url, options);
    const registry = new Map<string, Pipeline>();
    const queueName = `bench-${randomHex(4)}`;
    const workers = await Promise.all(
      ['w1', 'w2'].map((worker) =>
        startPipelineWorker({
          queue,
          metadata,
          artifacts,
          clock: systemClock,
          log,
          root,
          worker,
          queueName,
          concurrency: 4,
          resolve: async (t) => registry.get(t.pipeline)!,
        }),
      ),
    );
    const runner: PipelineRunner = new QueueRunner({
      queue,
      metadata,
      clock: systemClock,
      log,
      queueName,
      pollMs: 20,
    });
    const viaQueue = new Pipelines({ metadata, artifacts, clock: systemClock, log, root, runner });
    const times: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const p = fanOut(`q-${randomHex(4)}`);
      registry.set(p.name, p);
      times.push(await timed(() => viaQueue.run(p)));
    }
    rows.push([`queue runner (${label}, 2 workers × 4), cold`, median(times) / STEPS]);
    await Promise.all(workers.map((w) => w.close()));
    await queue.clear(queueName);
    await queue.close();
  }
  await Promise.all([metadata.close(), artifacts.close()]);
  rmSync(root, { recursive: true, force: true });

  process.stdout.write(`${machineLine()}\n${STEPS}-step fan-out pipeline, medians of ${REPEATS}\n`);
  process.stdout.write(
    `ceiling (call + serialise + content-addressed put): ${ceilingMs.toFixed(3)} ms/step\n\n`,
  );
  process.stdout.write('| scenario | ms per step | ceiling ms per step | ratio |\n|---|---|---|---|\n');
  for (const [label, ms] of rows) {
    process.stdout.write(
      `| ${label} | ${ms.toFixed(2)} | ${ceilingMs.toFixed(3)} | ${(ms / ceilingMs).toFixed(1)}x |\n`,
    );
  }
}

await main();

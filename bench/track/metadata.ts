// Metadata store throughput: a 1000-point metric batch and a run search over 10k runs, on SQLite
// and (when KEEL_TEST_POSTGRES_URL is set) PostgreSQL, each against the raw driver doing the same
// work in the same run (the ceiling). Targets from the reference: log-batch <= 20 ms, search <= 100 ms.
// Usage: npm run bench -- track/metadata [runs=10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { type MetadataStore, openStore } from '../../src/storage/index.js';
import { parseRunFilter, parseRunOrder } from '../../src/track/index.js';
import { machineLine, median } from '../lib/peers.js';

const RUNS = Number(process.argv[2] ?? 10_000);
const FILTER = parseRunFilter("metrics.auc > 0.9 and params.learner = 'gbdt'");
const ORDER = parseRunOrder('metrics.auc DESC');
const RAW_SEARCH = `SELECT r.id FROM keel_runs r JOIN keel_latest_metrics m ON m.run_id = r.id AND m.key = 'auc'
  JOIN keel_params p ON p.run_id = r.id AND p.key = 'learner' WHERE m.value > 0.9 AND p.value = 'gbdt'
  ORDER BY m.value DESC, r.start_time DESC, r.id LIMIT 100`;

interface Raw {
  /** Inserts `points` rows into keel_metrics for `runId` in one transaction, with the raw client. */
  logBatch(runId: string, points: number): Promise<void>;
  search(): Promise<number>;
}

async function time(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function seed(store: MetadataStore): Promise<string> {
  const exp = (await store.tracking.createExperiment({ name: 'bench', createdAt: 1 })).id;
  for (let start = 0; start < RUNS; start += 500) {
    await store.transaction(async (tx) => {
      for (let i = start; i < Math.min(RUNS, start + 500); i++) {
        const run = await tx.tracking.createRun({
          experimentId: exp,
          name: `run-${i}`,
          startTime: 1_700_000_000_000 + i,
        });
        await tx.tracking.logParams(run.id, {
          learner: i % 3 === 0 ? 'linear' : 'gbdt',
          lr: String((i % 10) / 100),
        });
        await tx.tracking.logMetrics(run.id, [
          { key: 'auc', value: 0.5 + ((i * 7919) % 5000) / 10_000, step: 0, timestamp: 1 },
          { key: 'loss', value: ((i * 104729) % 1000) / 1000, step: 0, timestamp: 1 },
        ]);
      }
    });
  }
  return exp;
}

async function measure(name: string, store: MetadataStore, raw: Raw): Promise<string[]> {
  const exp = await seed(store);
  const run = await store.tracking.createRun({ experimentId: exp, startTime: 1 });
  const points = Array.from({ length: 1000 }, (_, i) => ({
    key: `m${i % 20}`,
    value: Math.random(),
    step: i,
    timestamp: i,
  }));
  const ours = await time(() => store.tracking.logMetrics(run.id, points), 15);
  const rawRun = await store.tracking.createRun({ experimentId: exp, startTime: 1 });
  const ceiling = await time(() => raw.logBatch(rawRun.id, 1000), 15);
  let hits = 0;
  const search = await time(async () => {
    hits = (await store.tracking.searchRuns({ filter: FILTER, orderBy: ORDER, maxResults: 100 })).runs.length;
  }, 20);
  let rawHits = 0;
  const rawSearch = await time(async () => {
    rawHits = await raw.search();
  }, 20);
  if (hits !== rawHits) throw new Error(`${name}: search found ${hits} runs, raw SQL ${rawHits}`);
  const f = (x: number) => x.toFixed(1);
  process.stdout.write(
    `${name}: log-batch 1000 points ${f(ours)} ms (raw insert into keel_metrics ${f(ceiling)} ms, ${(ours / ceiling).toFixed(2)}x); ` +
      `search over ${RUNS} runs, page of ${hits} hydrated runs ${f(search)} ms (raw id query ${f(rawSearch)} ms, ${(search / rawSearch).toFixed(2)}x)\n`,
  );
  return [
    `| metadata ${name}: log-batch 1000 metric points | ${f(ours)} ms | raw insert ${f(ceiling)} ms | ${(ours / ceiling).toFixed(2)}x | target <= 20 ms |`,
    `| metadata ${name}: search ${RUNS} runs, 100 hydrated | ${f(search)} ms | raw id-only SQL ${f(rawSearch)} ms | ${(search / rawSearch).toFixed(2)}x | target <= 100 ms |`,
  ];
}

const rows: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'keel-bench-meta-'));
const options = { root: dir, log: silentLogger(), clock: systemClock };
try {
  const store = await openStore('metadata', 'sqlite:meta.db', options);
  const db = new Database(join(dir, 'meta.db'));
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    'INSERT INTO keel_metrics (run_id, key, value, is_nan, step, ts) VALUES (?, ?, ?, 0, ?, ?)',
  );
  const batch = db.transaction((runId: string, n: number) => {
    for (let i = 0; i < n; i++) insert.run(runId, `m${i % 20}`, Math.random(), i, i);
  });
  const searchStmt = db.prepare(RAW_SEARCH);
  rows.push(
    ...(await measure('sqlite', store, {
      logBatch: async (runId, n) => batch(runId, n),
      search: async () => searchStmt.all().length,
    })),
  );
  db.close();
  await store.close();

  const url = process.env.KEEL_TEST_POSTGRES_URL;
  if (url) {
    const schema = `keel_bench_${randomHex(4)}`;
    const u = new URL(url);
    u.searchParams.set('schema', schema);
    const pgStore = await openStore('metadata', u.toString(), options);
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      rows.push(
        ...(await measure('postgres', pgStore, {
          logBatch: async (runId, n) => {
            const values: unknown[] = [];
            const tuples: string[] = [];
            for (let i = 0; i < n; i++) {
              const b = i * 5;
              tuples.push(`($${b + 1}, $${b + 2}, $${b + 3}, 0, $${b + 4}, $${b + 5})`);
              values.push(runId, `m${i % 20}`, Math.random(), i, i);
            }
            await client.query('BEGIN');
            await client.query(
              `INSERT INTO keel_metrics (run_id, key, value, is_nan, step, ts) VALUES ${tuples.join(', ')}`,
              values,
            );
            await client.query('COMMIT');
          },
          search: async () => (await client.query(RAW_SEARCH)).rowCount ?? 0,
        })),
      );
    } finally {
      await pgStore.close();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    }
  } else process.stdout.write('postgres: skipped (set KEEL_TEST_POSTGRES_URL)\n');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(
  `\nRESULTS.md rows (${machineLine()}):\n| scenario | keel | ceiling | ratio | reference |\n|---|---|---|---|---|\n${rows.join('\n')}\n`,
);

// Online reads through the feature store, 10 features per entity, batches of 1 and 100 entities,
// on SQLite and (when Redis answers) Redis, each against its ceiling in the same run: a raw prepared
// SELECT on the same SQLite table, a raw pipelined HMGET from the same Redis client. Targets
// (in-process): p99 < 0.5 ms for 1 entity, < 5 ms for 100 (Feast Python + Redis: 7.2 ms and 125 ms).
// Usage: npm run bench -- features/online-read [entities=100000] [iterations=5000]
// Redis: KEEL_TEST_REDIS_URL (default redis://127.0.0.1:6379/0).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import { ManualClock, randomHex, silentLogger } from '../../src/core/index.js';
import {
  entity,
  FeatureStore,
  featureView,
  pushSource,
  repositoryFromDefinitions,
} from '../../src/features/index.js';
import { type OnlineStore, type OnlineWriteRow, openStore } from '../../src/storage/index.js';
import { machineLine } from '../lib/peers.js';

const ENTITIES = Number(process.argv[2] ?? 100_000);
const ITERATIONS = Number(process.argv[3] ?? 5000);
const FEATURES = Array.from({ length: 10 }, (_, i) => `f${i}`);
const NOW = Date.UTC(2024, 0, 2);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Timing {
  readonly p50: number;
  readonly p99: number;
}

/** Times `a` and `b` interleaved (a, b, a, b...), so both see the same machine noise. */
async function measurePair(
  a: (i: number) => Promise<unknown> | unknown,
  b: (i: number) => Promise<unknown> | unknown,
): Promise<[Timing, Timing]> {
  for (let i = 0; i < 500; i++) {
    await a(i);
    await b(i);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    let t = performance.now();
    await a(i);
    ta.push(performance.now() - t);
    t = performance.now();
    await b(i);
    tb.push(performance.now() - t);
  }
  const stats = (ms: number[]): Timing => {
    ms.sort((x, y) => x - y);
    return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
  };
  return [stats(ta), stats(tb)];
}

function report(label: string, t: Timing): void {
  process.stdout.write(`  ${label.padEnd(46)} p50 ${t.p50.toFixed(3)} ms  p99 ${t.p99.toFixed(3)} ms\n`);
}

function keysFor(i: number, batch: number): number[] {
  return Array.from({ length: batch }, (_, j) => ((i * 7919 + j * 104_729) % ENTITIES) + 1);
}

async function seed(online: OnlineStore): Promise<void> {
  for (let start = 1; start <= ENTITIES; start += 10_000) {
    const rows: OnlineWriteRow[] = [];
    for (let id = start; id < Math.min(ENTITIES + 1, start + 10_000); id++) {
      rows.push({
        entityKey: JSON.stringify([id]),
        eventTimestampMs: NOW - (id % 3600) * 1000,
        values: Object.fromEntries(FEATURES.map((f, k) => [f, ((id * (k + 1)) % 997) / 7])),
      });
    }
    await online.writeBatch('driver_stats', rows);
  }
}

function featureStore(
  online: OnlineStore,
  registry: Awaited<ReturnType<typeof openStore<'metadata'>>>,
): FeatureStore {
  return new FeatureStore({
    registry: registry.features,
    online,
    offline: () => Promise.reject(new Error('not used')),
    clock: new ManualClock(NOW),
  });
}

const rows: string[] = [];
async function run(
  backend: string,
  online: OnlineStore,
  ceiling: (keys: number[]) => Promise<unknown> | unknown,
): Promise<void> {
  const metadata = await openStore('metadata', 'sqlite::memory:', {
    root: '/',
    log: silentLogger(),
    clock: new ManualClock(NOW),
  });
  const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
  const view = featureView({
    name: 'driver_stats',
    entities: [driver],
    source: pushSource({ name: 'driver_events' }),
    ttl: '1d',
    schema: Object.fromEntries(FEATURES.map((f) => [f, 'float64' as const])),
  });
  const store = featureStore(online, metadata);
  await store.apply(repositoryFromDefinitions([view]));
  await seed(online);
  const refs = FEATURES.map((f) => `driver_stats:${f}`);
  process.stdout.write(`${backend} (${ENTITIES} entities, ${FEATURES.length} float features):\n`);
  for (const batch of [1, 100]) {
    const [keel, raw] = await measurePair(
      (i) => store.getOnlineFeatures({ driver_id: keysFor(i, batch) }, refs),
      (i) => ceiling(keysFor(i, batch)),
    );
    report(`keel getOnlineFeatures, batch ${batch}`, keel);
    report(`ceiling, batch ${batch}`, raw);
    rows.push(
      `| ${backend} | ${batch} | ${keel.p50.toFixed(3)} ms | ${keel.p99.toFixed(3)} ms | ${raw.p50.toFixed(3)} ms | ${raw.p99.toFixed(3)} ms | ${(keel.p50 / raw.p50).toFixed(2)}x | ${(keel.p99 / raw.p99).toFixed(2)}x | ${batch === 1 ? '< 0.5 ms' : '< 5 ms'} |`,
    );
  }
  await metadata.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-online-'));
  const options = { root: dir, log: silentLogger(), clock: new ManualClock(NOW) };
  try {
    const sqlite = await openStore('online', 'sqlite:online.db', options);
    const raw = new Database(join(dir, 'online.db'), { readonly: true });
    const statements = new Map<number, Database.Statement>();
    const ceiling = (keys: number[]): unknown => {
      let stmt = statements.get(keys.length);
      if (!stmt) {
        stmt = raw.prepare(
          `SELECT record FROM keel_online WHERE view = ? AND entity_key IN (${keys.map(() => '?').join(', ')})`,
        );
        statements.set(keys.length, stmt);
      }
      return stmt.all('driver_stats', ...keys.map((k) => JSON.stringify([k])));
    };
    await run('sqlite', sqlite, ceiling);
    raw.close();
    await sqlite.close();

    const base = process.env.KEEL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
    const prefix = `keel-bench-${randomHex(4)}:`;
    const redis = await openStore(
      'online',
      `${base}${base.includes('?') ? '&' : '?'}prefix=${prefix}`,
      options,
    ).catch(() => null);
    if (redis) {
      // The store's own client: the ceiling pays the same connection, only not Keel's code.
      const client = (redis as unknown as { client: Redis }).client;
      const fields = ['_ts', '_created', ...FEATURES];
      await run('redis', redis, async (keys) => {
        const pipeline = client.pipeline();
        for (const k of keys) pipeline.hmget(`${prefix}driver_stats:${JSON.stringify([k])}`, ...fields);
        return pipeline.exec();
      });
      await redis.clearView('driver_stats');
      await redis.close();
    } else process.stdout.write(`redis: not reachable at ${base}, skipped\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\n${machineLine()}\n| backend | batch | keel p50 | keel p99 | ceiling p50 | ceiling p99 | p50 ratio | p99 ratio | target p99 |\n|---|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
  );
}

await main();

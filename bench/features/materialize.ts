// Materialisation from a Parquet source (one row per entity, 5 float features) into the SQLite and
// Redis online stores at growing sizes, each size in a fresh child process so its peak memory (max
// RSS) is its own: rows/s and whether peak memory stays flat as rows grow (entity-hash partitions
// of 1,000,000 source rows). Usage: npm run bench -- features/materialize [sizes=1000000,3000000,10000000] [backends=sqlite,redis]
// Redis: KEEL_TEST_REDIS_URL (default redis://127.0.0.1:6379/0), a fresh key prefix, cleared afterwards.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, randomHex, silentLogger } from '../../src/core/index.js';
import {
  entity,
  FeatureStore,
  featureView,
  fileSource,
  repositoryFromDefinitions,
} from '../../src/features/index.js';
import { openDuckDBEngine, openStore } from '../../src/storage/index.js';
import { machineLine } from '../lib/peers.js';

const T0 = Date.UTC(2024, 0, 1);
const FEATURES = ['f0', 'f1', 'f2', 'f3', 'f4'];

interface ChildResult {
  readonly backend: string;
  readonly rows: number;
  readonly seconds: number;
  readonly written: number;
  readonly peakRssMb: number;
}

async function child(backend: string, rows: number, path: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-mat-'));
  const clock = new ManualClock(T0 + 86_400_000);
  const options = { root: dir, log: silentLogger(), clock };
  const base = process.env.KEEL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const url =
    backend === 'redis'
      ? `${base}${base.includes('?') ? '&' : '?'}prefix=keel-bench-${randomHex(4)}:`
      : 'sqlite:online.db';
  const [metadata, online, offline] = await Promise.all([
    openStore('metadata', 'sqlite::memory:', options),
    openStore('online', url, options),
    openStore('offline', 'duckdb::memory:', options),
  ]);
  const view = featureView({
    name: 'entity_stats',
    entities: [entity({ name: 'e', joinKeys: { id: 'int64' } })],
    source: fileSource({ name: 'stats', path, timestampField: 'event_timestamp' }),
    schema: Object.fromEntries(FEATURES.map((f) => [f, 'float64' as const])),
  });
  const store = new FeatureStore({ registry: metadata.features, online, offline, clock, root: dir });
  await store.apply(repositoryFromDefinitions([view]));
  const t = performance.now();
  const [result] = await store.materialize(T0, T0 + 86_400_000);
  const seconds = (performance.now() - t) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  if (backend === 'redis') await online.clearView('entity_stats');
  await Promise.all([metadata.close(), online.close(), offline.close()]);
  rmSync(dir, { recursive: true, force: true });
  const out: ChildResult = { backend, rows, seconds, written: result!.written, peakRssMb };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function parent(): Promise<void> {
  const sizes = (process.argv[2] ?? '1000000,3000000,10000000').split(',').map(Number);
  const backends = (process.argv[3] ?? 'sqlite,redis').split(',');
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-mat-src-'));
  const results: ChildResult[] = [];
  try {
    const engine = await openDuckDBEngine();
    for (const rows of sizes) {
      const path = join(dir, `src_${rows}.parquet`);
      await engine.exec(`COPY (SELECT i::BIGINT AS id,
          make_timestamp(${T0 * 1000}::BIGINT + (hash(i) % 86400000)::BIGINT * 1000)::TIMESTAMPTZ AS event_timestamp,
          ${FEATURES.map((f, k) => `(hash(i * ${k + 3}) % 100000) / 100.0 AS ${f}`).join(', ')}
        FROM range(${rows}) t(i)) TO '${path}' (FORMAT parquet)`);
      for (const backend of backends) {
        const stdout = execFileSync(
          process.execPath,
          [...process.execArgv, new URL(import.meta.url).pathname, '--child', backend, String(rows), path],
          {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'inherit'],
            maxBuffer: 1 << 20,
          },
        );
        const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
        if (r.written !== rows) throw new Error(`${backend}: wrote ${r.written} of ${rows}`);
        results.push(r);
        process.stdout.write(
          `${backend} ${rows} rows: ${r.seconds.toFixed(1)} s, ${Math.round(rows / r.seconds)} rows/s, peak RSS ${Math.round(r.peakRssMb)} MB\n`,
        );
      }
    }
    await engine.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\n${machineLine()}\n| backend | rows | time | rows/s | peak RSS |\n|---|---|---|---|---|\n${results
      .map(
        (r) =>
          `| ${r.backend} | ${r.rows} | ${r.seconds.toFixed(1)} s | ${Math.round(r.rows / r.seconds)} | ${Math.round(r.peakRssMb)} MB |`,
      )
      .join('\n')}\n`,
  );
}

if (process.argv[2] === '--child') await child(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
else await parent();

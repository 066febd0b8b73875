// A point-in-time training set: E entity rows against F feature rows (default 1,000,000 against
// 10,000,000), through getHistoricalFeatures (entity frame in, training-set frame out, fingerprint
// recorded) against the raw DuckDB ASOF query computing the same join inside DuckDB, in the same run.
// Target: keel within 1.5x of the raw query. Usage: npm run bench -- features/training-set [entities] [featureRows]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { categoricalColumn, Frame, ManualClock, numberColumn, silentLogger } from '../../src/core/index.js';
import {
  entity,
  FeatureStore,
  featureView,
  fileSource,
  repositoryFromDefinitions,
} from '../../src/features/index.js';
import { type DuckDBEngine, openDuckDBEngine, openStore } from '../../src/storage/index.js';
import { machineLine, median } from '../lib/peers.js';

const ENTITY_ROWS = Number(process.argv[2] ?? 1_000_000);
const FEATURE_ROWS = Number(process.argv[3] ?? 10_000_000);
const KEYS = 100_000;
const T0 = Date.UTC(2024, 0, 1);
const SPAN_MS = 30 * 86_400_000;
const TTL_MS = 2 * 86_400_000;
const REPEATS = 3;

/** Writes the feature rows with DuckDB itself: KEYS drivers, event and created times, four features. */
async function writeFeatures(engine: DuckDBEngine, path: string): Promise<void> {
  await engine.exec(`COPY (
    SELECT (i % ${KEYS})::BIGINT AS driver_id,
           make_timestamp(${T0 * 1000}::BIGINT + ((hash(i) % ${SPAN_MS}) * 1000)::BIGINT)::TIMESTAMPTZ AS event_timestamp,
           make_timestamp(${T0 * 1000}::BIGINT + ((hash(i * 7) % ${SPAN_MS}) * 1000)::BIGINT)::TIMESTAMPTZ AS created,
           (hash(i * 3) % 1000) / 1000.0 AS conv_rate,
           (hash(i * 5) % 500)::BIGINT AS trips,
           (hash(i * 11) % 10000) / 100.0 AS rating,
           (hash(i * 13) % 2 = 0) AS active
    FROM range(${FEATURE_ROWS}) t(i)) TO '${path}' (FORMAT parquet)`);
}

function entityFrame(): Frame {
  const ids = new Float64Array(ENTITY_ROWS);
  const ts = new Float64Array(ENTITY_ROWS);
  for (let i = 0; i < ENTITY_ROWS; i++) {
    ids[i] = (i * 7919) % KEYS;
    ts[i] = T0 + ((i * 104_729) % SPAN_MS);
  }
  return Frame.fromColumns([
    numberColumn('driver_id', ids, 'integer'),
    numberColumn('event_timestamp', ts, 'timestamp'),
    categoricalColumn(
      'label',
      Array.from({ length: ENTITY_ROWS }, (_, i) => (i % 3 === 0 ? 'yes' : 'no')),
    ),
  ]);
}

/** The same join written by hand: ASOF on (event, created), TTL on the match, every entity row kept. */
function rawQuery(path: string): string {
  return `CREATE OR REPLACE TEMP TABLE raw_result AS
  SELECT e.row_id,
    CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 2 DAY THEN f.conv_rate END AS conv_rate,
    CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 2 DAY THEN f.trips END AS trips,
    CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 2 DAY THEN f.rating END AS rating,
    CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 2 DAY THEN f.active END AS active
  FROM entities e ASOF LEFT JOIN (
    SELECT *, struct_pack(a := event_timestamp, b := coalesce(created, '-infinity'::TIMESTAMPTZ)) AS o
    FROM read_parquet('${path}')) f
  ON e.driver_id = f.driver_id AND struct_pack(a := e.event_timestamp, b := 'infinity'::TIMESTAMPTZ) >= f.o`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-pit-'));
  const path = join(dir, 'features.parquet');
  const clock = new ManualClock(T0);
  const options = { root: dir, log: silentLogger(), clock };
  try {
    const engine = await openDuckDBEngine();
    let t = performance.now();
    await writeFeatures(engine, path);
    process.stdout.write(
      `wrote ${FEATURE_ROWS} feature rows in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
    );
    const entities = entityFrame();
    // The ceiling: entity rows already inside DuckDB, the join materialised there (no transfer to JS).
    await engine.withSession(async (s) => {
      await s.writeTable(
        'entities',
        entities.withColumn(
          numberColumn(
            'row_id',
            Float64Array.from({ length: ENTITY_ROWS }, (_, i) => i),
            'integer',
          ),
        ),
        { temporary: true },
      );
    });
    const [metadata, online, offline] = await Promise.all([
      openStore('metadata', 'sqlite::memory:', options),
      openStore('online', 'sqlite::memory:', options),
      openStore('offline', 'duckdb::memory:', options),
    ]);
    const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
    const view = featureView({
      name: 'driver_stats',
      entities: [driver],
      source: fileSource({
        name: 'stats',
        path,
        timestampField: 'event_timestamp',
        createdTimestampField: 'created',
      }),
      ttl: TTL_MS,
      schema: { conv_rate: 'float64', trips: 'int64', rating: 'float64', active: 'bool' },
    });
    const store = new FeatureStore({ registry: metadata.features, online, offline, clock, root: dir });
    await store.apply(repositoryFromDefinitions([view]));
    const refs = [
      'driver_stats:conv_rate',
      'driver_stats:trips',
      'driver_stats:rating',
      'driver_stats:active',
    ];
    const keel: number[] = [];
    const raw: number[] = [];
    let matched = 0;
    for (let r = 0; r < REPEATS; r++) {
      t = performance.now();
      const set = await store.getHistoricalFeatures(entities, refs);
      keel.push(performance.now() - t);
      t = performance.now();
      await engine.exec(rawQuery(path));
      raw.push(performance.now() - t);
      const rows = await engine.queryRows('SELECT count(*) AS n, count(conv_rate) AS m FROM raw_result');
      if (Number(rows[0]!.n) !== set.frame.rowCount) throw new Error('row counts differ');
      const keelMatched =
        set.frame.rowCount - set.frame.numberColumn('conv_rate').values.filter(Number.isNaN).length;
      if (Number(rows[0]!.m) !== keelMatched)
        throw new Error(`matches differ: raw ${rows[0]!.m}, keel ${keelMatched}`);
      matched = keelMatched;
    }
    const k = median(keel);
    const c = median(raw);
    process.stdout.write(
      `keel getHistoricalFeatures: ${(k / 1000).toFixed(2)} s, raw DuckDB ASOF: ${(c / 1000).toFixed(2)} s, ratio ${(k / c).toFixed(2)}x (${matched} of ${ENTITY_ROWS} rows matched)\n`,
    );
    process.stdout.write(
      `\n${machineLine()}\n| entity rows | feature rows | keel (frame in, frame out) | raw ASOF in DuckDB | ratio | target |\n|---|---|---|---|---|---|\n| ${ENTITY_ROWS} | ${FEATURE_ROWS} | ${(k / 1000).toFixed(2)} s | ${(c / 1000).toFixed(2)} s | ${(k / c).toFixed(2)}x | <= 1.5x |\n`,
    );
    await Promise.all([metadata.close(), online.close(), offline.close(), engine.close()]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

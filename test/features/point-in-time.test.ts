import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { writeFrame } from '../../src/data/index.js';
import { entity, featureView, fileSource } from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-pit-');
const HOUR = 3_600_000;

/**
 * Hand-built point-in-time cases with the expected output written out. The feature rows:
 *
 * | driver | event_timestamp      | created              | conv_rate |
 * |--------|----------------------|----------------------|-----------|
 * | 1      | 2024-01-01T00:00Z    | 2024-01-01T01:00Z    | 0.1       |
 * | 1      | 2024-01-01T00:00Z    | 2024-01-01T02:00Z    | 0.2       |  same event, later created: wins the tie
 * | 1      | 2024-01-01T00:00Z    | (missing)            | 0.05      |  a missing created ranks lowest
 * | 1      | 2024-01-02T00:00Z    | 2024-01-02T00:00Z    | 0.3       |
 * | 2      | 2024-01-01T12:00Z    | 2024-01-01T12:00Z    | 0.5       |
 * | 3      | 2024-01-05T00:00Z    | 2024-01-05T00:00Z    | 0.9       |
 * | 5      | (missing)            | 2024-01-01T00:00Z    | 7.7       |  a missing event time never matches
 *
 * driver_stats has a TTL of 1 day; driver_profile (unbounded) has one row per driver long before.
 */
const stats = Frame.fromColumns([
  numberColumn('driver_id', [1, 1, 1, 1, 2, 3, 5], 'integer'),
  numberColumn(
    'event_timestamp',
    [
      at('2024-01-01T00:00'),
      at('2024-01-01T00:00'),
      at('2024-01-01T00:00'),
      at('2024-01-02T00:00'),
      at('2024-01-01T12:00'),
      at('2024-01-05T00:00'),
      null,
    ],
    'timestamp',
  ),
  numberColumn(
    'created',
    [
      at('2024-01-01T01:00'),
      at('2024-01-01T02:00'),
      null,
      at('2024-01-02T00:00'),
      at('2024-01-01T12:00'),
      at('2024-01-05T00:00'),
      at('2024-01-01T00:00'),
    ],
    'timestamp',
  ),
  numberColumn('conv_rate', [0.1, 0.2, 0.05, 0.3, 0.5, 0.9, 7.7]),
]);
const profile = Frame.fromColumns([
  numberColumn('driver_id', [1, 2], 'integer'),
  numberColumn('ts', [at('2020-01-01T00:00'), at('2023-12-31T00:00')], 'timestamp'),
  textColumn('tier', ['gold', 'silver']),
]);
const daily = Frame.fromColumns([
  numberColumn('day', [at('2024-01-01T00:00'), at('2024-01-02T00:00')], 'timestamp'),
  numberColumn('fleet_size', [10, 12], 'integer'),
]);

/** Entity rows: unsorted, with an exact duplicate, an entity with no history and rows at every boundary. */
const entityRows = [
  { driver_id: 1, event_timestamp: '2024-01-02T00:00:00Z', label: 'a' }, //     exact event tie: <= counts → 0.3
  { driver_id: 1, event_timestamp: '2024-01-01T23:59:59.999Z', label: 'b' }, // created tie-break → 0.2
  { driver_id: 2, event_timestamp: '2024-01-02T12:00:00Z', label: 'c' }, //     exactly TTL old: included → 0.5
  { driver_id: 2, event_timestamp: '2024-01-02T12:00:00.001Z', label: 'd' }, // 1 ms past the TTL → null
  { driver_id: 1, event_timestamp: '2023-12-31T23:59:59.999Z', label: 'e' }, // before any row → null
  { driver_id: 4, event_timestamp: '2024-01-03T00:00:00Z', label: 'f' }, //     no history → null
  { driver_id: 1, event_timestamp: '2024-01-02T00:00:00Z', label: 'a' }, //     duplicate of the first row
  { driver_id: 3, event_timestamp: '2024-01-04T23:59:59.999Z', label: 'g' }, // only a later row → null
  { driver_id: 1, event_timestamp: '2024-01-01T00:00:00+00:00', label: 'h' }, // the tied event itself → 0.2
  { driver_id: 5, event_timestamp: '2024-01-03T00:00:00Z', label: 'i' }, //     only a row without event time → null
];

const expected = [
  { driver_id: 1, label: 'a', conv_rate: 0.3, tier: 'gold', fleet_size: 12 },
  { driver_id: 1, label: 'b', conv_rate: 0.2, tier: 'gold', fleet_size: 10 },
  { driver_id: 2, label: 'c', conv_rate: 0.5, tier: 'silver', fleet_size: 12 },
  { driver_id: 2, label: 'd', conv_rate: null, tier: 'silver', fleet_size: 12 },
  { driver_id: 1, label: 'e', conv_rate: null, tier: 'gold', fleet_size: null },
  { driver_id: 4, label: 'f', conv_rate: null, tier: null, fleet_size: 12 },
  { driver_id: 1, label: 'a', conv_rate: 0.3, tier: 'gold', fleet_size: 12 },
  { driver_id: 3, label: 'g', conv_rate: null, tier: null, fleet_size: 12 },
  { driver_id: 1, label: 'h', conv_rate: 0.2, tier: 'gold', fleet_size: 10 },
  { driver_id: 5, label: 'i', conv_rate: null, tier: null, fleet_size: 12 },
];

async function definitions(format: 'parquet' | 'csv') {
  const statsPath = join(dir, `stats.${format}`);
  await writeFrame(stats, statsPath);
  await writeFrame(profile, join(dir, `profile.${format}`));
  await writeFrame(daily, join(dir, `daily.${format}`));
  const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
  const driverStats = featureView({
    name: 'driver_stats',
    entities: [driver],
    source: fileSource({
      name: 'stats_source',
      path: statsPath,
      timestampField: 'event_timestamp',
      createdTimestampField: 'created',
    }),
    schema: { conv_rate: 'float64' },
    ttl: '1d',
  });
  const driverProfile = featureView({
    name: 'driver_profile',
    entities: [driver],
    source: fileSource({
      name: 'profile_source',
      path: join(dir, `profile.${format}`),
      timestampField: 'ts',
    }),
    schema: { tier: 'string' },
  });
  const fleet = featureView({
    name: 'fleet',
    entities: [],
    source: fileSource({ name: 'daily_source', path: join(dir, `daily.${format}`), timestampField: 'day' }),
    schema: { fleet_size: 'int64' },
  });
  return [driverStats, driverProfile, fleet];
}

describe('point-in-time joins: hand-built cases', () => {
  const open = useFeatureStore();

  for (const format of ['parquet', 'csv'] as const) {
    it(`returns every entity row in input order with Feast's semantics (${format} source)`, async () => {
      const { store } = await open(await definitions(format));
      const set = await store.getHistoricalFeatures(entityRows, [
        'driver_stats:conv_rate',
        'driver_profile:tier',
        'fleet:fleet_size',
      ]);
      expect(set.frame.names).toEqual([
        'driver_id',
        'event_timestamp',
        'label',
        'conv_rate',
        'tier',
        'fleet_size',
      ]);
      expect(set.frame.toRecords().map(({ event_timestamp: _, ...r }) => r)).toEqual(expected);
      expect(set.frame.column('event_timestamp').type).toBe('timestamp');
      expect(set.frame.column('conv_rate').type).toBe('numeric');
      expect(set.frame.column('fleet_size').type).toBe('integer');
      expect(set.frame.column('tier').type).toBe('categorical');
    });
  }

  it('is the same frame, and fingerprint, whatever the source format', async () => {
    const a = await (await open(await definitions('parquet'))).store.getHistoricalFeatures(entityRows, [
      'driver_stats:conv_rate',
    ]);
    const b = await (await open(await definitions('csv'))).store.getHistoricalFeatures(entityRows, [
      'driver_stats:conv_rate',
    ]);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names features view__feature with full feature names and keeps rows when there are many of them', async () => {
    const { store } = await open(await definitions('parquet'));
    const many = Array.from({ length: 5000 }, (_, i) => entityRows[i % entityRows.length]!);
    const set = await store.getHistoricalFeatures(many, ['driver_stats:conv_rate'], {
      fullFeatureNames: true,
    });
    expect(set.frame.names).toContain('driver_stats__conv_rate');
    const got = set.frame.column('driver_stats__conv_rate');
    expect(Array.from({ length: 20 }, (_, i) => set.frame.row(i).driver_stats__conv_rate)).toEqual(
      Array.from({ length: 20 }, (_, i) => expected[i % expected.length]!.conv_rate),
    );
    expect(got.type).toBe('numeric');
  });

  it('takes a frame with epoch-ms timestamps and records the training set for lineage', async () => {
    const { store, metadata } = await open(await definitions('parquet'));
    const frame = Frame.fromColumns([
      numberColumn('driver_id', [2, 1], 'integer'),
      numberColumn('ts', [at('2024-01-02T11:00'), at('2024-01-02T00:00') + HOUR], 'timestamp'),
    ]);
    const set = await store.getHistoricalFeatures(frame, ['driver_stats:conv_rate']);
    expect(set.frame.toRecords().map((r) => r.conv_rate)).toEqual([0.5, 0.3]);
    const record = await metadata.features.getTrainingSet(set.fingerprint);
    expect(record).toMatchObject({
      features: ['driver_stats:conv_rate'],
      rows: 2,
      featureService: null,
      entityFingerprint: set.entityFingerprint,
    });
  });
});

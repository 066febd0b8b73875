import { describe, expect, it } from 'vitest';
import { Frame, numberColumn, textColumn } from '../../src/core/index.js';
import { repositoryFromDefinitions } from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';
import { driverDefinitions } from './fixtures.js';
import { useFeatureStore } from './helpers.js';

const dir = tempDir('keel-bad-input-');
const row = { driver_id: 1, event_timestamp: '2024-01-01T10:00:00Z' };

describe('bad input: clear errors with codes, nothing half-written', () => {
  const open = useFeatureStore();

  it('names unknown views and features, missing keys, wrong types and zoneless times in training-set requests', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all);
    const cases: [string, Promise<unknown>, string, RegExp][] = [
      [
        'unknown view',
        store.getHistoricalFeatures([row], ['nope:x']),
        'KEEL_FEATURE_VIEW_NOT_FOUND',
        /No feature view named "nope"\. Known: driver_history, driver_live, driver_stats, ride_score/,
      ],
      [
        'unknown feature',
        store.getHistoricalFeatures([row], ['driver_stats:speed']),
        'KEEL_FEATURE_NOT_FOUND',
        /has no feature "speed"\. Its features: conv_rate, trips, city/,
      ],
      [
        'not a reference',
        store.getHistoricalFeatures([row], ['conv_rate']),
        'KEEL_FEATURE_NOT_FOUND',
        /<view>:<feature>/,
      ],
      [
        'unknown service',
        store.getHistoricalFeatures([row], { featureService: 'x' }),
        'KEEL_FEATURE_SERVICE_NOT_FOUND',
        /Known: ride_model/,
      ],
      [
        'missing join key',
        store.getHistoricalFeatures(
          [{ driver: 1, event_timestamp: row.event_timestamp }],
          ['driver_stats:trips'],
        ),
        'KEEL_FEATURE_MISSING_JOIN_KEY',
        /lack join key column "driver_id", needed by driver_stats/,
      ],
      [
        'wrong key type',
        store.getHistoricalFeatures([{ ...row, driver_id: 'one' }], ['driver_stats:trips']),
        'KEEL_FEATURE_BAD_VALUE',
        /Entity row 0: join key "driver_id" must be a whole number, got "one"/,
      ],
      [
        'no time zone',
        store.getHistoricalFeatures(
          [{ ...row, event_timestamp: '2024-01-01 10:00:00' }],
          ['driver_stats:trips'],
        ),
        'KEEL_FEATURE_NO_TIMEZONE',
        /has no time zone\. Write it as "2024-01-01 10:00:00Z"/,
      ],
      [
        'date only',
        store.getHistoricalFeatures([{ ...row, event_timestamp: '2024-01-01' }], ['driver_stats:trips']),
        'KEEL_FEATURE_NO_TIMEZONE',
        /2024-01-01T00:00:00Z/,
      ],
      [
        'not a time',
        store.getHistoricalFeatures([{ ...row, event_timestamp: 'yesterday' }], ['driver_stats:trips']),
        'KEEL_FEATURE_BAD_VALUE',
        /is not a timestamp/,
      ],
      [
        'no timestamp',
        store.getHistoricalFeatures([{ driver_id: 1 }], ['driver_stats:trips']),
        'KEEL_INVALID_ARGUMENT',
        /need an "event_timestamp"/,
      ],
      [
        'missing request field',
        store.getHistoricalFeatures([row], { featureService: 'ride_model' }),
        'KEEL_INVALID_ARGUMENT',
        /lack request field "distance"/,
      ],
      [
        'name collision',
        store.getHistoricalFeatures([row], ['driver_stats:trips', 'driver_history:trips']),
        'KEEL_FEATURE_NAME_COLLISION',
        /driver_stats:trips and driver_history:trips would both be named "trips"/,
      ],
      [
        'column collision',
        store.getHistoricalFeatures([{ ...row, trips: 3 }], ['driver_stats:trips']),
        'KEEL_FEATURE_NAME_COLLISION',
        /already have a column "trips"/,
      ],
      [
        'zoneless text column in a frame',
        store.getHistoricalFeatures(
          Frame.fromColumns([
            numberColumn('driver_id', [1], 'integer'),
            textColumn('event_timestamp', ['2024-01-01T10:00']),
          ]),
          ['driver_stats:trips'],
        ),
        'KEEL_FEATURE_NO_TIMEZONE',
        /Entity row 0/,
      ],
      [
        'online read of an offline view',
        store.getOnlineFeatures([{ driver_id: 1 }], ['driver_history:trips']),
        'KEEL_FEATURE_VIEW_NOT_ONLINE',
        /not online/,
      ],
      [
        'push to a file source',
        store.push('stats', [row]),
        'KEEL_INVALID_ARGUMENT',
        /only to push and stream sources/,
      ],
    ];
    for (const [label, promise, code, message] of cases) {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, label).toMatchObject({ code });
      expect((error as Error).message, label).toMatch(message);
    }
  });

  it('refuses a definition change that would drop data unless forced', async () => {
    const defs = await driverDefinitions(dir);
    const { store, metadata } = await open(defs.all);
    const revision = await metadata.features.revision();
    const withoutStats = repositoryFromDefinitions([defs.driverLive, defs.driverHistory]);
    const error = await store.apply(withoutStats).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'KEEL_FEATURE_DESTRUCTIVE_CHANGE',
      message: expect.stringContaining(
        'delete feature view "driver_stats": deleting the view drops its online values',
      ),
    });
    expect(await metadata.features.revision()).toBe(revision);
    expect((await store.catalog()).views.has('driver_stats')).toBe(true);
  });
});

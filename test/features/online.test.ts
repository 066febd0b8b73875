import { describe, expect, it } from 'vitest';
import { onlineRows } from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';
import { driverDefinitions } from './fixtures.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-online-');

describe('online features', () => {
  const open = useFeatureStore();

  it('returns values with statuses, enforcing the TTL with an inclusive boundary', async () => {
    const defs = await driverDefinitions(dir);
    const { store, clock } = await open(defs.all, { startMs: at('2024-01-01T10:30') });
    await store.materialize(0, at('2024-01-01T10:30'));
    const refs = ['driver_stats:conv_rate', 'driver_stats:trips', 'driver_stats:city'];
    const result = await store.getOnlineFeatures({ driver_id: [1, 2, 3, 9] }, refs);
    expect(result.featureNames).toEqual(['driver_id', 'conv_rate', 'trips', 'city']);
    expect(result.results[0]).toEqual({
      values: [1, 2, 3, 9],
      statuses: ['PRESENT', 'PRESENT', 'PRESENT', 'PRESENT'],
      eventTimestamps: [null, null, null, null],
    });
    expect(result.results[1]).toEqual({
      values: [0.4, 0.7, null, null],
      statuses: ['PRESENT', 'PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
      eventTimestamps: [at('2024-01-01T10:00'), at('2024-01-01T09:30'), at('2024-01-01T09:00'), null],
    });
    expect(result.results[3]!.values).toEqual(['Oslo', 'Lima', null, null]);
    const stale = await store.getOnlineFeatures([{ driver_id: 3 }], refs, { serveStale: true });
    expect(onlineRows(stale)).toEqual([{ driver_id: 3, conv_rate: null, trips: 2, city: 'Pune' }]);
    expect(stale.results[2]!.statuses).toEqual(['OUTSIDE_MAX_AGE']);
    await clock.advance(1);
    const later = await store.getOnlineFeatures([{ driver_id: '2' }], ['driver_stats:conv_rate']);
    expect(later.results[1]).toMatchObject({ values: [null], statuses: ['OUTSIDE_MAX_AGE'] });
  });

  it('says NULL_VALUE for a stored null and keeps full feature names apart', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all, { startMs: at('2024-01-01T09:30') });
    await store.materialize(0, at('2024-01-01T09:30'));
    const result = await store.getOnlineFeatures(
      [{ driver_id: 3 }, { driver_id: 2 }],
      ['driver_stats:conv_rate', 'driver_stats:trips'],
      { fullFeatureNames: true },
    );
    expect(result.featureNames).toEqual(['driver_id', 'driver_stats__conv_rate', 'driver_stats__trips']);
    expect(result.results[1]).toMatchObject({ values: [null, 0.7], statuses: ['NULL_VALUE', 'PRESENT'] });
    expect(result.results[2]).toMatchObject({ values: [2, 5], statuses: ['PRESENT', 'PRESENT'] });
  });

  it('computes on-demand features online with the same code and values as the training set', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all, { startMs: at('2024-01-01T10:30') });
    await store.materialize(0, at('2024-01-01T10:30'));
    const rides = [
      { driver_id: 1, distance: 12 },
      { driver_id: 2, distance: 5 },
      { driver_id: 3, distance: 30 },
    ];
    const online = await store.getOnlineFeatures(
      rides.map((r) => ({ driver_id: r.driver_id })),
      { featureService: 'ride_model' },
      { requestData: rides.map((r) => ({ distance: r.distance })) },
    );
    const training = await store.getHistoricalFeatures(
      rides.map((r) => ({ ...r, event_timestamp: at('2024-01-01T10:30') })),
      { featureService: 'ride_model' },
    );
    expect(online.featureNames).toEqual(['driver_id', 'conv_rate', 'trips', 'score', 'long_ride']);
    const rows = onlineRows(online);
    expect(rows).toEqual([
      { driver_id: 1, conv_rate: 0.4, trips: 8, score: 0.4 * 12, long_ride: true },
      { driver_id: 2, conv_rate: 0.7, trips: 5, score: 0.7 * 5, long_ride: false },
      { driver_id: 3, conv_rate: null, trips: null, score: null, long_ride: true },
    ]);
    expect(online.results[3]!.statuses).toEqual(['PRESENT', 'PRESENT', 'NULL_VALUE']);
    for (const name of ['conv_rate', 'trips', 'score', 'long_ride']) {
      expect(
        training.frame.toRecords().map((r) => r[name]),
        name,
      ).toEqual(rows.map((r) => r[name]));
    }
    expect(training.featureService).toBe('ride_model');
  });

  it('refuses views that are not online and requests missing request data', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all);
    await expect(store.getOnlineFeatures([{ driver_id: 1 }], ['driver_history:trips'])).rejects.toMatchObject(
      { code: 'KEEL_FEATURE_VIEW_NOT_ONLINE' },
    );
    await expect(
      store.getOnlineFeatures([{ driver_id: 1 }], { featureService: 'ride_model' }),
    ).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    await expect(
      store.getOnlineFeatures(
        [{ driver_id: 1 }],
        { featureService: 'ride_model' },
        { requestData: [{ distance: 'far' }] },
      ),
    ).rejects.toMatchObject({ code: 'KEEL_FEATURE_BAD_VALUE' });
  });

  it('reports freshness per online view', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all, { startMs: at('2024-01-01T10:30') });
    expect(await store.freshness()).toEqual([
      { view: 'driver_live', newestEventMs: null, ageSeconds: null },
      { view: 'driver_stats', newestEventMs: null, ageSeconds: null },
    ]);
    await store.materialize(0, at('2024-01-01T10:30'));
    expect((await store.freshness()).find((f) => f.view === 'driver_stats')).toEqual({
      view: 'driver_stats',
      newestEventMs: at('2024-01-01T10:00'),
      ageSeconds: 1800,
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { KeelError } from '../../src/core/index.js';
import { tempDir } from '../helpers/tmp.js';
import { driverDefinitions } from './fixtures.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-push-');
const good = (driver: number, speed: number, time: string, extra: Record<string, unknown> = {}) => ({
  driver_id: driver,
  speed,
  status: 'driving',
  on_shift: true,
  event_timestamp: time,
  ...extra,
});

describe('push ingestion', () => {
  const open = useFeatureStore();

  it('writes online and to the offline log, where training sets see it', async () => {
    const defs = await driverDefinitions(dir);
    const { store, clock } = await open(defs.all, { startMs: at('2024-01-01T10:05') });
    const result = await store.push('driver_events', [
      good(1, 42.5, '2024-01-01T10:00:00Z'),
      good(2, 10, '2024-01-01T11:01:00+01:00'),
    ]);
    expect(result).toEqual({
      source: 'driver_events',
      accepted: 2,
      rejected: [],
      views: [{ view: 'driver_live', written: 2, skipped: 0 }],
    });
    const online = await store.getOnlineFeatures({ driver_id: [1, 2] }, [
      'driver_live:speed',
      'driver_live:status',
    ]);
    expect(online.results[1]).toMatchObject({ values: [42.5, 10], statuses: ['PRESENT', 'PRESENT'] });
    const set = await store.getHistoricalFeatures(
      [
        { driver_id: 1, event_timestamp: '2024-01-01T10:00:00Z' },
        { driver_id: 1, event_timestamp: '2024-01-01T09:59:59Z' },
        { driver_id: 2, event_timestamp: '2024-01-01T10:05:00Z' },
      ],
      ['driver_live:speed', 'driver_live:on_shift'],
    );
    expect(set.frame.toRecords().map((r) => [r.speed, r.on_shift])).toEqual([
      [42.5, true],
      [null, null],
      [10, true],
    ]);
    // A later correction of the same event wins (its created time is later); an older event does not.
    await clock.advance(60_000);
    await store.push('driver_events', [
      good(1, 40, '2024-01-01T10:00:00Z'),
      good(2, 99, '2024-01-01T08:00:00Z'),
    ]);
    const after = await store.getOnlineFeatures({ driver_id: [1, 2] }, ['driver_live:speed']);
    expect(after.results[1]!.values).toEqual([40, 10]);
    const corrected = await store.getHistoricalFeatures(
      [{ driver_id: 1, event_timestamp: '2024-01-01T10:00:00Z' }],
      ['driver_live:speed'],
    );
    expect(corrected.frame.row(0).speed).toBe(40);
    expect(store.pushCounts()).toEqual({ driver_events: { accepted: 4, rejected: 0 } });
  });

  it('rejects bad events with a reason and code, writing nothing of the call by default', async () => {
    const defs = await driverDefinitions(dir);
    const { store, online } = await open(defs.all, { startMs: at('2024-01-01T10:05') });
    const events = [
      good(1, 1, '2024-01-01T10:00:00Z'),
      good(2, 2, '2024-01-01T10:00:00'),
      { ...good(3, 3, '2024-01-01T10:00:00Z'), speed: 'fast' },
      { ...good(4, 4, '2024-01-01T10:00:00Z'), colour: 'red' },
      { speed: 5, status: 'x', on_shift: false, event_timestamp: '2024-01-01T10:00:00Z' },
      { driver_id: 6, speed: 6, on_shift: true, event_timestamp: '2024-01-01T10:00:00Z' },
      { ...good(7, 7, '2024-01-01T10:00:00Z'), driver_id: 'seven' },
      'not an object',
    ];
    let error: KeelError | undefined;
    await store.push('driver_events', events).catch((e: KeelError) => {
      error = e;
    });
    expect(error?.code).toBe('KEEL_FEATURE_PUSH_REJECTED');
    const rejected = error!.details.rejected as { index: number; code: string; reason: string }[];
    expect(rejected.map((r) => [r.index, r.code])).toEqual([
      [1, 'KEEL_FEATURE_NO_TIMEZONE'],
      [2, 'KEEL_FEATURE_BAD_VALUE'],
      [3, 'KEEL_FEATURE_BAD_VALUE'],
      [4, 'KEEL_FEATURE_MISSING_JOIN_KEY'],
      [5, 'KEEL_FEATURE_BAD_VALUE'],
      [6, 'KEEL_FEATURE_BAD_VALUE'],
      [7, 'KEEL_FEATURE_BAD_VALUE'],
    ]);
    expect(rejected[1]!.reason).toContain('feature "speed": expected a finite number, got "fast"');
    expect(rejected[2]!.reason).toContain('unknown field "colour"');
    expect(rejected[4]!.reason).toContain('lacks feature "status"');
    expect(await online.readLatest('driver_live', ['[1]'], ['speed'])).toEqual([null]);
    const history = await store.getHistoricalFeatures(
      [{ driver_id: 1, event_timestamp: '2024-01-01T11:00:00Z' }],
      ['driver_live:speed'],
    );
    expect(history.frame.row(0).speed).toBeNull();
    const partial = await store.push('driver_events', events, { allOrNothing: false });
    expect(partial.accepted).toBe(1);
    expect(partial.rejected).toHaveLength(7);
    expect((await online.readLatest('driver_live', ['[1]'], ['speed']))[0]?.values).toEqual([1]);
    expect(store.pushCounts()).toEqual({ driver_events: { accepted: 1, rejected: 15 } });
  });

  it('refuses sources that cannot be pushed to and views that are not online', async () => {
    const defs = await driverDefinitions(dir);
    const offlineOnly = { ...defs.driverLive, name: 'live_offline', online: false };
    const { store } = await open([defs.driverStats, { ...offlineOnly }]);
    await expect(store.push('stats', [])).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    await expect(store.push('driver_events', [good(1, 1, '2024-01-01T10:00:00Z')])).rejects.toMatchObject({
      code: 'KEEL_FEATURE_VIEW_NOT_ONLINE',
    });
    const offline = await store.push('driver_events', [good(1, 1, '2024-01-01T10:00:00Z')], {
      to: 'offline',
    });
    expect(offline).toMatchObject({ accepted: 1, views: [] });
    await expect(store.push('nope', [])).rejects.toMatchObject({ code: 'KEEL_NOT_FOUND' });
  });
});

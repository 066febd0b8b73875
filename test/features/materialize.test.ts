import { describe, expect, it } from 'vitest';
import type { MaterializeProgress } from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';
import { driverDefinitions } from './fixtures.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-materialize-');

describe('materialize', () => {
  const open = useFeatureStore();

  it('writes the latest row per entity in the interval, in partitions, with progress', async () => {
    const defs = await driverDefinitions(dir);
    const { store, online } = await open(defs.all, { startMs: at('2024-01-01T12:00') });
    const progress: MaterializeProgress[] = [];
    const results = await store.materialize(at('2024-01-01T00:00'), at('2024-01-01T09:00'), {
      views: ['driver_stats'],
      partitionRows: 1,
      batchRows: 1,
      onProgress: (p) => progress.push(p),
    });
    // Rows in [00:00, 09:00]: driver 1 @00:00, driver 3 @08:00 and @09:00 (inclusive end).
    expect(results).toEqual([
      {
        view: 'driver_stats',
        startMs: at('2024-01-01T00:00'),
        endMs: at('2024-01-01T09:00'),
        written: 2,
        skipped: 0,
        sourceRows: 3,
      },
    ]);
    const records = await online.readLatest(
      'driver_stats',
      ['[1]', '[2]', '[3]'],
      ['conv_rate', 'trips', 'city'],
    );
    expect(records.map((r) => r && [r.values, r.eventTimestampMs])).toEqual([
      [[0.1, 3, 'Oslo'], at('2024-01-01T00:00')],
      null,
      [[null, 2, 'Pune'], at('2024-01-01T09:00')],
    ]);
    expect(progress.at(-1)).toMatchObject({
      view: 'driver_stats',
      written: 2,
      partitions: 3,
      partitionsDone: 3,
      sourceRows: 3,
    });
    expect(progress.length).toBeGreaterThanOrEqual(3);
  });

  it('is idempotent, never replaces a newer online value, and continues incrementally', async () => {
    const defs = await driverDefinitions(dir);
    const { store, online, metadata } = await open(defs.all, { startMs: at('2024-01-01T12:00') });
    await store.materialize(at('2024-01-01T00:00'), at('2024-01-01T09:00'), { views: ['driver_stats'] });
    const again = await store.materialize(at('2024-01-01T00:00'), at('2024-01-01T09:00'), {
      views: ['driver_stats'],
    });
    expect(again[0]).toMatchObject({ written: 2, skipped: 0 });
    // A newer value written meanwhile (e.g. by a push) survives an older materialization.
    await online.writeBatch('driver_stats', [
      {
        entityKey: '[1]',
        eventTimestampMs: at('2024-01-01T11:00'),
        values: { conv_rate: 0.9, trips: 1, city: 'Rome' },
      },
    ]);
    const incremental = await store.materializeIncremental(at('2024-01-01T12:00'), {
      views: ['driver_stats'],
    });
    expect(incremental[0]).toMatchObject({
      startMs: at('2024-01-01T09:00'),
      endMs: at('2024-01-01T12:00'),
      written: 2,
      skipped: 1,
    });
    const records = await online.readLatest('driver_stats', ['[1]', '[2]', '[3]'], ['conv_rate']);
    expect(records.map((r) => r?.values[0])).toEqual([0.9, 0.7, null]);
    expect(
      (await metadata.features.materializations('driver_stats')).map((m) => [m.startMs, m.endMs]),
    ).toEqual([
      [at('2024-01-01T00:00'), at('2024-01-01T09:00')],
      [at('2024-01-01T00:00'), at('2024-01-01T09:00')],
      [at('2024-01-01T09:00'), at('2024-01-01T12:00')],
    ]);
  });

  it('starts a first incremental run at end - TTL, and refuses views without either', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open([defs.driverStats, defs.driverHistory], { startMs: at('2024-01-01T12:00') });
    const [result] = await store.materializeIncremental(at('2024-01-01T10:00'));
    // [09:00, 10:00] holds drivers 3 (09:00), 2 (09:30) and 1 (10:00).
    expect(result).toMatchObject({ startMs: at('2024-01-01T09:00'), written: 3 });
    const { store: noTtl } = await open([{ ...defs.driverStats, ttlMs: null }]);
    await expect(noTtl.materializeIncremental(at('2024-01-01T10:00'))).rejects.toMatchObject({
      code: 'KEEL_INVALID_ARGUMENT',
      message: expect.stringContaining('never been materialized'),
    });
    await expect(store.materialize(0, 1, { views: ['driver_history'] })).rejects.toMatchObject({
      code: 'KEEL_FEATURE_VIEW_NOT_ONLINE',
    });
    await expect(store.materialize(0, 1, { views: ['nope'] })).rejects.toMatchObject({
      code: 'KEEL_FEATURE_VIEW_NOT_FOUND',
    });
    await expect(store.materialize(5, 1)).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyPlan,
  featureService,
  featureView,
  fileSource,
  project,
  repositoryFromDefinitions,
} from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';
import { driverDefinitions } from './fixtures.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-plan-');

describe('plan and apply', () => {
  const open = useFeatureStore();

  it('creates, is idempotent, and describes updates', async () => {
    const defs = await driverDefinitions(dir);
    const { store, metadata } = await open(defs.all, { apply: false });
    const first = await store.plan();
    expect(first.changes.map((c) => `${c.action} ${c.kind}:${c.name}`)).toEqual([
      'create entity:driver',
      'create dataSource:driver_events',
      'create dataSource:ride',
      'create dataSource:stats',
      'create featureView:driver_history',
      'create featureView:driver_live',
      'create featureView:driver_stats',
      'create onDemandFeatureView:ride_score',
      'create featureService:ride_model',
    ]);
    await store.apply();
    const revision = await metadata.features.revision();
    expect((await store.apply()).plan).toEqual({ changes: [], unchanged: 9 });
    expect(await metadata.features.revision()).toBe(revision);

    const changed = repositoryFromDefinitions([
      defs.rideModel,
      defs.driverLive,
      {
        ...defs.driverHistory,
        ttlMs: 3_600_000,
        description: 'trips',
        features: [...defs.driverHistory.features, { name: 'city', type: 'string' }],
      },
    ]);
    const plan = await store.plan(changed);
    const update = plan.changes.find((c) => c.name === 'driver_history')!;
    expect(update).toMatchObject({ action: 'update', destructive: [], expectedVersion: 1 });
    expect(update.details).toEqual([
      'description "" → "trips"',
      'feature city added (string)',
      'ttl unbounded → 1h',
    ]);
    await store.apply(changed);
    expect((await metadata.features.get('featureView', 'driver_history'))?.version).toBe(2);
  });

  it('refuses destructive changes without force, then drops the stale online values with it', async () => {
    const defs = await driverDefinitions(dir);
    const { store, online, metadata } = await open(defs.all, { startMs: at('2024-01-01T10:30') });
    await store.materialize(0, at('2024-01-01T10:30'));
    const retyped = featureView({
      name: 'driver_stats',
      entities: [defs.driver],
      source: fileSource({ name: 'stats', path: join(dir, 'stats.parquet'), timestampField: 'ts' }),
      ttl: '1h',
      schema: { conv_rate: 'string', trips: 'int64' },
    });
    const changed = repositoryFromDefinitions([
      featureService({ name: 'ride_model', features: [project(retyped, ['trips'])] }),
      defs.driverLive,
    ]);
    const plan = await store.plan(changed);
    expect(
      plan.changes.filter((c) => c.destructive.length > 0).map((c) => [c.action, c.name, c.destructive]),
    ).toEqual([
      [
        'update',
        'driver_stats',
        [
          'feature conv_rate type float64 → string (stored values no longer fit)',
          'feature city removed (its values are no longer served)',
        ],
      ],
    ]);
    const revision = await metadata.features.revision();
    await expect(store.apply(changed)).rejects.toMatchObject({
      code: 'KEEL_FEATURE_DESTRUCTIVE_CHANGE',
      message: expect.stringContaining('driver_stats'),
    });
    expect(await metadata.features.revision()).toBe(revision);
    expect((await online.readLatest('driver_stats', ['[1]'], ['trips']))[0]?.values).toEqual([8]);
    const applied = await store.apply(changed, { force: true });
    expect(applied.clearedViews).toEqual(['driver_stats']);
    expect(await online.readLatest('driver_stats', ['[1]'], ['trips'])).toEqual([null]);
    expect(plan.changes.filter((c) => c.action === 'delete').map((c) => c.name)).toEqual([
      'ride_score',
      'driver_history',
      'ride',
    ]);
    const catalog = await store.catalog();
    expect([...catalog.views.keys()].sort()).toEqual(['driver_live', 'driver_stats']);
  });

  it('fails with KEEL_STORE_CONFLICT when another writer changed an object after the plan', async () => {
    const defs = await driverDefinitions(dir);
    const { store, metadata, online } = await open(defs.all);
    const changed = repositoryFromDefinitions([
      defs.rideModel,
      defs.driverLive,
      { ...defs.driverHistory, description: 'mine' },
    ]);
    const plan = await store.plan(changed);
    const record = (await metadata.features.get('featureView', 'driver_history'))!;
    await metadata.features.applyChanges(
      [
        {
          kind: 'featureView',
          name: 'driver_history',
          spec: { ...record.spec, description: 'theirs' },
          digest: 'x'.repeat(64),
        },
      ],
      { actor: 'other', at: 1 },
    );
    const ctx = { registry: metadata.features, online, clock: { now: () => 2 }, actor: 'me' };
    await expect(applyPlan(ctx as never, plan)).rejects.toMatchObject({ code: 'KEEL_STORE_CONFLICT' });
    expect((await metadata.features.get('featureView', 'driver_history'))?.spec.description).toBe('theirs');
  });
});

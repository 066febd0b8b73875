import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, numberColumn } from '../../src/core/index.js';
import { writeFrame } from '../../src/data/index.js';
import {
  entity,
  featureService,
  featureView,
  fileSource,
  onlineRows,
  project,
} from '../../src/features/index.js';
import { tempDir } from '../helpers/tmp.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-alias-');

describe('entity aliasing: one view joined twice under other names', () => {
  const open = useFeatureStore();

  it('reads the origin and destination airports of a flight from one airport view', async () => {
    const path = join(dir, 'airports.parquet');
    await writeFrame(
      Frame.fromColumns([
        categoricalColumn('iata', ['SFO', 'JFK', 'SFO']),
        numberColumn(
          'ts',
          [at('2024-01-01T00:00'), at('2024-01-01T00:00'), at('2024-01-02T00:00')],
          'timestamp',
        ),
        numberColumn('delay_rate', [0.1, 0.3, 0.2]),
      ]),
      path,
    );
    const airport = entity({ name: 'airport', joinKeys: ['iata'] });
    const stats = featureView({
      name: 'airport_stats',
      entities: [airport],
      source: fileSource({ name: 'airports', path, timestampField: 'ts' }),
      schema: { delay_rate: 'float64' },
    });
    const svc = featureService({
      name: 'route',
      features: [
        project(stats, ['delay_rate'], { alias: 'origin_stats', joinKeyMap: { iata: 'origin' } }),
        project(stats, ['delay_rate'], { alias: 'dest_stats', joinKeyMap: { iata: 'destination' } }),
      ],
    });
    const { store } = await open([svc], { startMs: at('2024-01-02T01:00') });
    const rows = [
      { origin: 'SFO', destination: 'JFK', event_timestamp: '2024-01-01T12:00:00Z' },
      { origin: 'JFK', destination: 'SFO', event_timestamp: '2024-01-02T12:00:00Z' },
    ];
    const set = await store.getHistoricalFeatures(
      rows,
      { featureService: 'route' },
      { fullFeatureNames: true },
    );
    expect(set.frame.toRecords().map((r) => [r.origin_stats__delay_rate, r.dest_stats__delay_rate])).toEqual([
      [0.1, 0.3],
      [0.3, 0.2],
    ]);
    await expect(store.getHistoricalFeatures(rows, { featureService: 'route' })).rejects.toMatchObject({
      code: 'KEEL_FEATURE_NAME_COLLISION',
    });
    await store.materialize(0, at('2024-01-02T01:00'));
    const online = await store.getOnlineFeatures(
      [{ origin: 'JFK', destination: 'SFO' }],
      { featureService: 'route' },
      { fullFeatureNames: true },
    );
    expect(online.featureNames).toEqual([
      'origin',
      'destination',
      'origin_stats__delay_rate',
      'dest_stats__delay_rate',
    ]);
    expect(onlineRows(online)).toEqual([
      { origin: 'JFK', destination: 'SFO', origin_stats__delay_rate: 0.3, dest_stats__delay_rate: 0.2 },
    ]);
  });
});

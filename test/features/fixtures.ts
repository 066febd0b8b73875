import { join } from 'node:path';
import { categoricalColumn, Frame, numberColumn } from '../../src/core/index.js';
import { writeFrame } from '../../src/data/index.js';
import {
  entity,
  featureService,
  featureView,
  fileSource,
  onDemandFeatureView,
  project,
  pushSource,
  requestSource,
} from '../../src/features/index.js';
import { at } from './helpers.js';

/** Driver stats rows (Parquet): drivers 1-3 at a few times. */
export const STATS = Frame.fromColumns([
  numberColumn('driver_id', [1, 1, 2, 3, 3], 'integer'),
  numberColumn(
    'ts',
    [
      at('2024-01-01T00:00'),
      at('2024-01-01T10:00'),
      at('2024-01-01T09:30'),
      at('2024-01-01T08:00'),
      at('2024-01-01T09:00'),
    ],
    'timestamp',
  ),
  numberColumn('conv_rate', [0.1, 0.4, 0.7, 0.2, null]),
  numberColumn('trips', [3, 8, 5, 1, 2], 'integer'),
  categoricalColumn('city', ['Oslo', 'Oslo', 'Lima', 'Pune', 'Pune']),
]);

/**
 * The drivers definitions over a Parquet file written into `dir`: driver_stats (TTL 1h, online),
 * driver_history (offline only), driver_live (push source with created times, TTL 10m), the
 * on-demand ride_score (conv_rate × request distance) and the ride_model service.
 */
export async function driverDefinitions(dir: string) {
  const path = join(dir, 'stats.parquet');
  await writeFrame(STATS, path);
  const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
  const stats = fileSource({ name: 'stats', path, timestampField: 'ts' });
  const driverStats = featureView({
    name: 'driver_stats',
    entities: [driver],
    source: stats,
    ttl: '1h',
    schema: { conv_rate: 'float64', trips: 'int64', city: 'string' },
  });
  const driverHistory = featureView({
    name: 'driver_history',
    entities: [driver],
    source: stats,
    online: false,
    schema: { trips: 'int64' },
  });
  const events = pushSource({ name: 'driver_events', createdTimestampField: 'created' });
  const driverLive = featureView({
    name: 'driver_live',
    entities: [driver],
    source: events,
    ttl: '10m',
    schema: { speed: 'float64', status: 'string', on_shift: 'bool' },
  });
  const ride = requestSource({ name: 'ride', schema: { distance: 'float64' } });
  const rideScore = onDemandFeatureView({
    name: 'ride_score',
    sources: [driverStats, ride],
    schema: { score: 'float64', long_ride: 'bool' },
    transform: (r) => ({
      score: r.conv_rate === null || r.distance === null ? null : r.conv_rate * r.distance,
      long_ride: r.distance === null ? null : r.distance > 10,
    }),
  });
  const rideModel = featureService({
    name: 'ride_model',
    features: [project(driverStats, ['conv_rate', 'trips']), rideScore],
  });
  return {
    driver,
    driverStats,
    driverHistory,
    driverLive,
    rideScore,
    rideModel,
    all: [rideModel, driverHistory, driverLive],
  };
}

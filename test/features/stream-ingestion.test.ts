import { describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { entity, featureView, type RejectedEvent, streamSource } from '../../src/features/index.js';
import { openStore, type StreamStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';
import { serviceUrl } from '../helpers/services.js';
import { at, useFeatureStore } from './helpers.js';

const natsUrl = serviceUrl('nats');
const bytes = (value: unknown): Uint8Array =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

function definitions(topic: string) {
  const driver = entity({ name: 'driver', joinKeys: { driver_id: 'int64' } });
  const source = streamSource({ name: 'driver_stream', topic, createdTimestampField: 'created' });
  return [
    featureView({
      name: 'driver_speed',
      entities: [driver],
      source,
      ttl: '1h',
      schema: { speed: 'float64' },
    }),
  ];
}

function ingestionCases(name: string, openStream: () => Promise<StreamStore>): void {
  describe(`stream ingestion: ${name}`, () => {
    const open = useFeatureStore();

    it('consumes JSON events into the online store and the offline log, rejecting and counting bad ones', async () => {
      const topic = `drv_${randomHex(4)}`;
      const { store } = await open(definitions(topic), { startMs: at('2024-01-01T10:05') });
      const stream = await openStream();
      const rejected: RejectedEvent[] = [];
      const ingestion = await store.startStreamIngestion(stream, {
        waitMs: 100,
        onRejected: (_, r) => rejected.push(...r),
      });
      try {
        expect(ingestion.sources).toEqual([{ source: 'driver_stream', topic }]);
        await stream.publish(topic, [
          bytes([
            { driver_id: 1, speed: 10, event_timestamp: '2024-01-01T10:00:00Z' },
            { driver_id: 2, speed: 20, event_timestamp: '2024-01-01T10:01:00Z' },
          ]),
          bytes('{not json'),
          bytes({ driver_id: 3, speed: 'fast', event_timestamp: '2024-01-01T10:02:00Z' }),
          bytes({ driver_id: 1, speed: 11, event_timestamp: '2024-01-01T10:03:00Z' }),
        ]);
        await waitFor(
          () =>
            store.pushCounts().driver_stream?.accepted === 3 &&
            store.pushCounts().driver_stream?.rejected === 2,
          20_000,
        );
        const online = await store.getOnlineFeatures({ driver_id: [1, 2, 3] }, ['driver_speed:speed']);
        expect(online.results[1]).toMatchObject({
          values: [11, 20, null],
          statuses: ['PRESENT', 'PRESENT', 'NOT_FOUND'],
        });
        const history = await store.getHistoricalFeatures(
          [{ driver_id: 1, event_timestamp: '2024-01-01T10:01:00Z' }],
          ['driver_speed:speed'],
        );
        expect(history.frame.row(0).speed).toBe(10);
        expect(rejected.map((r) => r.code).sort()).toEqual([
          'KEEL_FEATURE_BAD_VALUE',
          'KEEL_FEATURE_BAD_VALUE',
        ]);
        expect(rejected.some((r) => r.reason.includes('not JSON'))).toBe(true);
      } finally {
        await ingestion.close();
        await stream.deleteTopic(topic);
        await stream.close();
      }
    });
  });
}

ingestionCases('in-process stream', () =>
  openStore('stream', 'memory:', { root: '/', log: silentLogger(), clock: systemClock }),
);

describe.skipIf(!natsUrl)('NATS JetStream', () => {
  const prefix = `keeltest_${randomHex(4)}`;
  const url = `${natsUrl}${natsUrl?.includes('?') ? '&' : '?'}prefix=${prefix}`;
  ingestionCases('nats', () =>
    openStore('stream', url, { root: '/', log: silentLogger(), clock: systemClock }),
  );
});

import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { toKeelError } from '../../src/core/index.js';
import { checkServiceMatchesSignature } from '../../src/features/index.js';
import { featuresPlugin } from '../../src/server/features-routes.js';
import { sendKeelError } from '../../src/server/http-errors.js';
import { tempDir } from '../helpers/tmp.js';
import { driverDefinitions } from './fixtures.js';
import { at, useFeatureStore } from './helpers.js';

const dir = tempDir('keel-serving-');

describe('serving integration', () => {
  const open = useFeatureStore();

  it('resolves a feature service and fetches its features (on-demand included) for entity keys', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all, { startMs: at('2024-01-01T10:30') });
    await store.materialize(0, at('2024-01-01T10:30'));
    const service = await store.resolveFeatureService('ride_model');
    expect(service).toMatchObject({
      name: 'ride_model',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      entityColumns: [{ name: 'driver_id', type: 'int64' }],
      requestFields: [{ name: 'distance', type: 'float64' }],
      features: [
        { name: 'conv_rate', type: 'float64', ref: 'driver_stats:conv_rate' },
        { name: 'trips', type: 'int64', ref: 'driver_stats:trips' },
        { name: 'score', type: 'float64', ref: 'ride_score:score' },
        { name: 'long_ride', type: 'bool', ref: 'ride_score:long_ride' },
      ],
    });
    const fetched = await store.fetchOnlineFeatures(
      service,
      [{ driver_id: 2 }, { driver_id: 42 }],
      [{ distance: 20 }, { distance: 1 }],
    );
    expect(fetched.rows).toEqual([
      { conv_rate: 0.7, trips: 5, score: 14, long_ride: true },
      { conv_rate: null, trips: null, score: null, long_ride: false },
    ]);
    expect(fetched.statuses[1]).toEqual({
      conv_rate: 'NOT_FOUND',
      trips: 'NOT_FOUND',
      score: 'NULL_VALUE',
      long_ride: 'PRESENT',
    });
    await expect(store.resolveFeatureService('nope')).rejects.toMatchObject({
      code: 'KEEL_FEATURE_SERVICE_NOT_FOUND',
    });
  });

  it('refuses a service that no longer matches the model signature, naming the feature', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all);
    const service = await store.resolveFeatureService('ride_model');
    const inputs = [
      { name: 'conv_rate', type: 'numeric' as const },
      { name: 'trips', type: 'integer' as const },
      { name: 'score', type: 'numeric' as const },
      { name: 'distance', type: 'numeric' as const },
    ];
    const signature = {
      kind: 'columns' as const,
      inputs,
      outputs: [{ name: 'y', type: 'numeric' as const }],
    };
    expect(() => checkServiceMatchesSignature(service, signature)).not.toThrow();
    // An input the service does not provide is a request feature: the caller sends it.
    const withRequest = { ...signature, inputs: [...inputs, { name: 'rating', type: 'numeric' as const }] };
    expect(() => checkServiceMatchesSignature(service, withRequest)).not.toThrow();
    const unrelated = { ...signature, inputs: [{ name: 'rating', type: 'numeric' as const }] };
    expect(() => checkServiceMatchesSignature(service, unrelated)).toThrow(
      expect.objectContaining({
        code: 'KEEL_DEPLOY_FEATURE_MISMATCH',
        details: expect.objectContaining({ feature: 'rating' }),
      }),
    );
    expect(() => checkServiceMatchesSignature(service, unrelated)).toThrow(
      /provides none of the model's inputs/,
    );
    const retyped = { ...signature, inputs: [{ name: 'long_ride', type: 'categorical' as const }] };
    expect(() => checkServiceMatchesSignature(service, retyped)).toThrow(/feature "long_ride" is bool/);
    const tensor = {
      kind: 'tensors' as const,
      inputs: [{ name: 'x', type: 'numeric' as const, shape: [-1, 3] }],
      outputs: [],
    };
    expect(() => store.checkServiceMatchesSignature(service, tensor)).toThrow(
      /3 wide but the service has 4 features/,
    );
  });

  it('serves POST /v1/features/online and /v1/features/push over HTTP', async () => {
    const defs = await driverDefinitions(dir);
    const { store } = await open(defs.all, { startMs: at('2024-01-01T10:05') });
    const app = Fastify();
    app.setErrorHandler((error, _request, reply) => sendKeelError(reply, toKeelError(error)));
    await featuresPlugin(store)(app, {} as never);
    try {
      const pushed = await app.inject({
        method: 'POST',
        url: '/v1/features/push',
        payload: {
          push_source_name: 'driver_events',
          df: {
            driver_id: [1, 2],
            speed: [3.5, 4],
            status: ['a', null],
            on_shift: [true, false],
            event_timestamp: ['2024-01-01T10:00:00Z', '2024-01-01T10:01:00Z'],
          },
        },
      });
      expect(pushed.statusCode).toBe(200);
      expect(pushed.json()).toMatchObject({
        accepted: 2,
        rejected: [],
        views: [{ view: 'driver_live', written: 2 }],
      });
      const online = await app.inject({
        method: 'POST',
        url: '/v1/features/online',
        payload: {
          entities: { driver_id: [1, 2, 3] },
          features: ['driver_live:speed', 'driver_live:status'],
        },
      });
      expect(online.statusCode).toBe(200);
      expect(online.json()).toEqual({
        metadata: { feature_names: ['driver_id', 'speed', 'status'] },
        results: [
          {
            values: [1, 2, 3],
            statuses: ['PRESENT', 'PRESENT', 'PRESENT'],
            event_timestamps: [null, null, null],
          },
          {
            values: [3.5, 4, null],
            statuses: ['PRESENT', 'PRESENT', 'NOT_FOUND'],
            event_timestamps: ['2024-01-01T10:00:00.000Z', '2024-01-01T10:01:00.000Z', null],
          },
          {
            values: ['a', null, null],
            statuses: ['PRESENT', 'NULL_VALUE', 'NOT_FOUND'],
            event_timestamps: ['2024-01-01T10:00:00.000Z', '2024-01-01T10:01:00.000Z', null],
          },
        ],
      });
      const rows = await app.inject({
        method: 'POST',
        url: '/v1/features/online?layout=rows',
        payload: { entities: [{ driver_id: 1 }], features: ['driver_live:speed'] },
      });
      expect(rows.json()).toEqual({
        metadata: { feature_names: ['driver_id', 'speed'] },
        rows: [{ driver_id: 1, speed: 3.5 }],
        statuses: [{ driver_id: 'PRESENT', speed: 'PRESENT' }],
      });
      const bad = await app.inject({
        method: 'POST',
        url: '/v1/features/push',
        payload: {
          push_source_name: 'driver_events',
          events: [
            { driver_id: 1, speed: 1, status: 'x', on_shift: true, event_timestamp: '2024-01-01T10:02:00' },
          ],
        },
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({
        code: 'KEEL_FEATURE_PUSH_REJECTED',
        details: { rejected: [{ index: 0, code: 'KEEL_FEATURE_NO_TIMEZONE' }] },
      });
      const unknown = await app.inject({
        method: 'POST',
        url: '/v1/features/online',
        payload: { entities: { driver_id: [1] }, features: ['driver_live:nope'] },
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('KEEL_FEATURE_NOT_FOUND');
      const typo = await app.inject({
        method: 'POST',
        url: '/v1/features/online',
        payload: { entity: { driver_id: [1] }, features: ['driver_live:speed'] },
      });
      expect(typo.statusCode).toBe(400);
      expect(typo.json().error).toContain('unknown field "entity"');
    } finally {
      await app.close();
    }
  });
});

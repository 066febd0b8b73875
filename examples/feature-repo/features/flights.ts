// Departures per origin airport (Jan-Mar 2001), in TypeScript, with an on-demand feature view that
// runs the same function for training sets and online reads. The helpers come from the feature
// module's definitions entry (define.js), which loads fast because it pulls in no stores.
import {
  entity,
  featureService,
  featureView,
  fileSource,
  onDemandFeatureView,
  project,
  pushSource,
  requestSource,
} from '../../../src/features/define.js';

export const airport = entity({
  name: 'airport',
  description: 'An origin airport (IATA code).',
  joinKeys: ['origin'],
});

const flightsFile = fileSource({
  name: 'flights_file',
  path: '../../test/fixtures/datasets/flights/flights.csv',
  timestampField: 'date',
});

/** Live departures are pushed (POST /v1/features/push); history comes from the file. */
export const departures = pushSource({ name: 'departures', batchSource: flightsFile });

export const lastDeparture = featureView({
  name: 'last_departure',
  description: 'The latest departure from the airport: its distance and delay.',
  entities: [airport],
  source: departures,
  ttl: '6h',
  schema: { distance: 'int64', delay: 'int64' },
});

export const flightRequest = requestSource({
  name: 'flight_request',
  schema: { planned_distance: 'int64' },
});

export const delayRisk = onDemandFeatureView({
  name: 'delay_risk',
  description: 'Was the last departure late, and how much longer is the planned flight?',
  sources: [lastDeparture, flightRequest],
  schema: { last_was_late: 'bool', extra_distance: 'int64' },
  transform: (row) => ({
    last_was_late: row.delay === null ? null : row.delay > 15,
    extra_distance:
      row.distance === null || row.planned_distance === null ? null : row.planned_distance - row.distance,
  }),
});

export const flightDelay = featureService({
  name: 'flight_delay',
  description: 'Features of the departure-delay model.',
  features: [project(lastDeparture, ['delay']), delayRisk],
});

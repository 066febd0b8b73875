import { KeelError } from '../core/index.js';
import type { FeatureStore } from './feature-store.js';
import type { OnlineFeaturesResult, RowsInput } from './online-read.js';
import type { PushResult, PushTarget } from './push.js';
import type { FeatureRequest } from './selection.js';

/** What a route answers: a status and a JSON body. Errors are thrown as `KeelError`s. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

type Body = Record<string, unknown>;

function objectBody(body: unknown, route: string): Body {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${route} takes a JSON object body.`);
  }
  return body as Body;
}

function pick(body: Body, snake: string, camel: string): unknown {
  return body[snake] ?? body[camel];
}

function checkKeys(body: Body, known: readonly string[], route: string): void {
  const unknown = Object.keys(body).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${route}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}. Known: ${known.join(', ')}.`,
      {
        details: { unknown },
      },
    );
  }
}

function rowsField(value: unknown, field: string, route: string): RowsInput {
  if (Array.isArray(value) || (value !== null && typeof value === 'object')) return value as RowsInput;
  throw new KeelError(
    'KEEL_INVALID_ARGUMENT',
    `${route}: "${field}" must be an object of columns ({"location": ["Seattle"]}) or a list of rows.`,
    {
      details: { field },
    },
  );
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

const ONLINE_FIELDS = [
  'entities',
  'features',
  'feature_service',
  'featureService',
  'full_feature_names',
  'fullFeatureNames',
  'request_data',
  'requestData',
  'serve_stale',
  'serveStale',
];

/** The answer as Feast's column-major `GetOnlineFeaturesResponse` (timestamps as ISO strings; null when unknown). */
function columnMajor(result: OnlineFeaturesResult): Body {
  return {
    metadata: { feature_names: result.featureNames },
    results: result.results.map((c) => ({
      values: c.values,
      statuses: c.statuses,
      event_timestamps: c.eventTimestamps.map(isoOrNull),
    })),
  };
}

/** The answer row by row: `rows[i][name]` and `statuses[i][name]`. */
function rowMajor(result: OnlineFeaturesResult): Body {
  const rows = Array.from({ length: result.rowCount }, (_, i) =>
    Object.fromEntries(result.featureNames.map((n, j) => [n, result.results[j]!.values[i] ?? null])),
  );
  const statuses = Array.from({ length: result.rowCount }, (_, i) =>
    Object.fromEntries(result.featureNames.map((n, j) => [n, result.results[j]!.statuses[i]])),
  );
  return { metadata: { feature_names: result.featureNames }, rows, statuses };
}

/**
 * `POST /v1/features/online` (Feast's `/get-online-features` body): `{ "entities": { "location":
 * ["Seattle"] } | [rows], "features": ["view:feature"] | "feature_service": "name",
 * "full_feature_names"?, "request_data"?, "serve_stale"? }`. Answers Feast's column-major layout, or
 * rows with `?layout=rows`. Every error is a `KeelError` (400/404 with a code naming the problem).
 */
export async function handleOnlineFeatures(
  store: FeatureStore,
  body: unknown,
  query: { readonly layout?: string } = {},
): Promise<HttpAnswer> {
  const route = 'POST /v1/features/online';
  const b = objectBody(body, route);
  checkKeys(b, ONLINE_FIELDS, route);
  const features = b.features;
  const service = pick(b, 'feature_service', 'featureService');
  if ((features === undefined) === (service === undefined)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${route}: give either "features" (["view:feature"]) or "feature_service".`,
    );
  }
  if (features !== undefined && (!Array.isArray(features) || features.some((f) => typeof f !== 'string'))) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${route}: "features" must be a list of "view:feature" strings.`,
    );
  }
  if (service !== undefined && typeof service !== 'string')
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${route}: "feature_service" must be a name.`);
  const request: FeatureRequest =
    service !== undefined ? { featureService: service as string } : (features as string[]);
  const requestData = pick(b, 'request_data', 'requestData');
  const result = await store.getOnlineFeatures(rowsField(b.entities, 'entities', route), request, {
    fullFeatureNames: pick(b, 'full_feature_names', 'fullFeatureNames') === true,
    serveStale: pick(b, 'serve_stale', 'serveStale') === true,
    ...(requestData === undefined ? {} : { requestData: rowsField(requestData, 'request_data', route) }),
  });
  if (query.layout !== undefined && query.layout !== 'rows' && query.layout !== 'columns') {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${route}: layout must be "columns" (default) or "rows", not ${JSON.stringify(query.layout)}.`,
    );
  }
  return { status: 200, body: query.layout === 'rows' ? rowMajor(result) : columnMajor(result) };
}

const PUSH_FIELDS = [
  'push_source_name',
  'pushSourceName',
  'df',
  'events',
  'to',
  'all_or_nothing',
  'allOrNothing',
];

function pushEvents(b: Body, route: string): unknown[] {
  if ((b.df === undefined) === (b.events === undefined)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${route}: give the events as "df" (columns: {"speed": [1.5]}) or "events" (a list of objects).`,
    );
  }
  if (b.events !== undefined) {
    if (!Array.isArray(b.events))
      throw new KeelError('KEEL_INVALID_ARGUMENT', `${route}: "events" must be a list of objects.`);
    return b.events;
  }
  const df = b.df;
  if (df === null || typeof df !== 'object' || Array.isArray(df))
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${route}: "df" must map column names to lists of values.`);
  const columns = Object.entries(df as Record<string, unknown>);
  const n = Array.isArray(columns[0]?.[1]) ? (columns[0]![1] as unknown[]).length : 0;
  for (const [name, values] of columns) {
    if (!Array.isArray(values) || values.length !== n) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `${route}: df column "${name}" must be a list of ${n} values like the others.`,
        { details: { column: name } },
      );
    }
  }
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(columns.map(([k, v]) => [k, (v as unknown[])[i]])),
  );
}

/**
 * `POST /v1/features/push` (Feast's `/push` body): `{ "push_source_name": "...", "df": { column:
 * [values] } | "events": [objects], "to"?: "online" | "offline" | "online_and_offline",
 * "all_or_nothing"?: true }`. Answers `200 { accepted, rejected, views }`; with `all_or_nothing`
 * (default) one bad event fails the request with `422 KEEL_FEATURE_PUSH_REJECTED` listing every
 * rejected event, and nothing is written.
 */
export async function handlePush(store: FeatureStore, body: unknown): Promise<HttpAnswer> {
  const route = 'POST /v1/features/push';
  const b = objectBody(body, route);
  checkKeys(b, PUSH_FIELDS, route);
  const source = pick(b, 'push_source_name', 'pushSourceName');
  if (typeof source !== 'string')
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${route}: "push_source_name" is required.`);
  const all = pick(b, 'all_or_nothing', 'allOrNothing');
  const result: PushResult = await store.push(source, pushEvents(b, route), {
    ...(b.to === undefined ? {} : { to: b.to as PushTarget }),
    ...(all === undefined ? {} : { allOrNothing: all !== false }),
  });
  return { status: 200, body: result };
}

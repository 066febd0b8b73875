import { KeelError, type Scalar } from '../core/index.js';
import type { OnlineRecord, OnlineValue } from '../storage/index.js';
import { coerceKey, entityKeyOf } from './entity-keys.js';
import type { FeatureContext } from './internal/context.js';
import { evaluateOnDemand } from './on-demand.js';
import type { FeatureRequest, FeatureSelection, ViewRequest } from './selection.js';
import { parseInstant } from './timestamps.js';
import { valueProblem } from './value-types.js';

/**
 * Status of one online value (Feast's `FieldStatus`): `PRESENT`; `NULL_VALUE` (the entity is
 * known but the value was stored null); `NOT_FOUND` (no record for the entity, or the record lacks
 * the feature); `OUTSIDE_MAX_AGE` (older than the view's TTL: the value is withheld unless
 * `serveStale`).
 */
export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

/** Rows given as row objects, or column-major (`{ location: ["Seattle", "New York"] }`, Feast's form). */
export type RowsInput =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, readonly unknown[]>>;

/** Options for `getOnlineFeatures`. */
export interface OnlineOptions {
  /** Name features `view__feature` (default false). */
  readonly fullFeatureNames?: boolean;
  /** Request-time fields for on-demand views, one row per entity row (same forms as entity rows). */
  readonly requestData?: RowsInput;
  /** Return values older than the TTL anyway (still with status `OUTSIDE_MAX_AGE`). Default false. */
  readonly serveStale?: boolean;
}

/** One output column: a value, a status and an event time (epoch ms, or null) per entity row. */
export interface OnlineFeatureColumn {
  readonly values: OnlineValue[];
  readonly statuses: FeatureStatus[];
  readonly eventTimestamps: (number | null)[];
}

/** The answer of `getOnlineFeatures`, column-major like Feast's: join-key columns first, then features. */
export interface OnlineFeaturesResult {
  readonly featureNames: readonly string[];
  readonly results: readonly OnlineFeatureColumn[];
  readonly rowCount: number;
}

/** Normalises row objects or column-major input into row objects. */
export function toRows(input: RowsInput, what: string): Readonly<Record<string, unknown>>[] {
  if (Array.isArray(input)) return input as Readonly<Record<string, unknown>>[];
  if (input === null || typeof input !== 'object') {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `${what} must be a list of rows or an object of columns.`);
  }
  const columns = Object.entries(input as Record<string, readonly unknown[]>);
  const n = columns[0]?.[1]?.length ?? 0;
  for (const [name, values] of columns) {
    if (!Array.isArray(values) || values.length !== n) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `${what}: column "${name}" must be a list of ${n} values like the others.`,
        {
          details: { column: name },
        },
      );
    }
  }
  return Array.from({ length: n }, (_, i) => Object.fromEntries(columns.map(([k, v]) => [k, v[i]])));
}

interface ViewRead {
  readonly records: (OnlineRecord | null)[];
  readonly ttlMs: number | null;
}

async function readViews(
  ctx: FeatureContext,
  selection: FeatureSelection,
  rows: readonly Readonly<Record<string, unknown>>[],
): Promise<Map<ViewRequest, ViewRead>> {
  const reads = await Promise.all(
    selection.views.map(async (request) => {
      const keys = rows.map((row, i) =>
        entityKeyOf(
          request.keyColumns.map((k) =>
            coerceKey(row[k.column], { name: k.column, type: k.key.type }, `Entity row ${i}`),
          ),
        ),
      );
      const features = request.features.map((f) => f.name);
      const records = await ctx.online.readLatest(request.view.spec.name, keys, features);
      return [request, { records, ttlMs: request.view.spec.ttlMs }] as const;
    }),
  );
  return new Map(reads);
}

function cell(
  read: ViewRead,
  row: number,
  index: number,
  now: number,
  serveStale: boolean,
): [OnlineValue, FeatureStatus, number | null] {
  const record = read.records[row];
  if (!record) return [null, 'NOT_FOUND', null];
  const value = record.values[index];
  const ts = record.eventTimestampMs;
  if (value === undefined) return [null, 'NOT_FOUND', ts];
  // Same boundary as offline: a value exactly TTL old still counts.
  if (read.ttlMs !== null && now - ts > read.ttlMs) return [serveStale ? value : null, 'OUTSIDE_MAX_AGE', ts];
  return [value, value === null ? 'NULL_VALUE' : 'PRESENT', ts];
}

function checkRequestData(
  selection: FeatureSelection,
  data: Readonly<Record<string, unknown>>[],
  rows: number,
): void {
  if (selection.requestFields.length === 0) return;
  if (data.length !== rows) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Request data has ${data.length} rows but there are ${rows} entity rows; give one per entity row.`,
    );
  }
  data.forEach((row, i) => {
    for (const f of selection.requestFields) {
      if (!(f.name in row)) {
        throw new KeelError(
          'KEEL_INVALID_ARGUMENT',
          `Request data row ${i} lacks "${f.name}", read by an on-demand feature view.`,
          {
            details: { row: i, field: f.name },
          },
        );
      }
      const v =
        f.type === 'timestamp' && row[f.name] != null
          ? parseInstant(row[f.name], `Request data row ${i}, "${f.name}"`)
          : row[f.name];
      const problem = valueProblem(v, f.type);
      if (problem)
        throw new KeelError('KEEL_FEATURE_BAD_VALUE', `Request data row ${i}, "${f.name}": ${problem}.`, {
          details: { row: i, field: f.name },
        });
    }
  });
}

/**
 * Reads the latest feature values of entities from the online store (Feast's `get_online_features`),
 * every view in parallel, then computes on-demand views with the same code training sets use. Each
 * value carries a status; values older than their view's TTL (relative to the store's clock) are
 * `OUTSIDE_MAX_AGE` and withheld unless `serveStale` (Feast's Python server returns them as present).
 * Fails with `KEEL_FEATURE_MISSING_JOIN_KEY`, `KEEL_FEATURE_BAD_VALUE` or `KEEL_FEATURE_VIEW_NOT_ONLINE`.
 */
export async function getOnlineFeatures(
  ctx: FeatureContext,
  entityRows: RowsInput,
  request: FeatureRequest,
  options: OnlineOptions = {},
): Promise<OnlineFeaturesResult> {
  const selection = await ctx.select(request, options.fullFeatureNames === true);
  for (const v of selection.views) {
    if (!v.view.spec.online) {
      throw new KeelError(
        'KEEL_FEATURE_VIEW_NOT_ONLINE',
        `Feature view "${v.view.spec.name}" is not online, so it has no online values. Set online: true and materialize it, or read it offline with getHistoricalFeatures.`,
        { details: { view: v.view.spec.name } },
      );
    }
  }
  const rows = toRows(entityRows, 'Entity rows');
  const data = options.requestData ? toRows(options.requestData, 'Request data') : [];
  checkRequestData(selection, data, rows.length);
  const reads = await readViews(ctx, selection, rows);
  const now = ctx.clock.now();
  const serveStale = options.serveStale === true;
  const keyColumns = selection.entityColumns.map((k) => ({
    values: rows.map((r) => (r[k.name] ?? null) as OnlineValue),
    statuses: rows.map((): FeatureStatus => 'PRESENT'),
    eventTimestamps: rows.map(() => null),
  }));
  const computed = new Map<string, Scalar[]>();
  for (const od of selection.onDemand) {
    const values = evaluateOnDemand(od, rows.length, {
      feature: (row, req, f) => cell(reads.get(req)!, row, req.features.indexOf(f), now, serveStale)[0],
      requestField: (row, field) => {
        const v = data[row]?.[field.name] ?? null;
        return field.type === 'timestamp' && v !== null
          ? parseInstant(v, `Request data row ${row}`)
          : (v as Scalar);
      },
    });
    od.odfv.spec.features.forEach((f, j) => {
      computed.set(`${od.name}:${f.name}`, values[j]!);
    });
  }
  const featureColumns = selection.features.map((s): OnlineFeatureColumn => {
    if (s.onDemand) {
      const values = computed.get(s.ref)!;
      return {
        values,
        statuses: values.map((v) => (v === null ? 'NULL_VALUE' : 'PRESENT')),
        eventTimestamps: values.map(() => null),
      };
    }
    const read = reads.get(s.request!)!;
    const index = s.request!.features.indexOf(s.feature);
    const column: OnlineFeatureColumn = { values: [], statuses: [], eventTimestamps: [] };
    for (let i = 0; i < rows.length; i++) {
      const [value, status, ts] = cell(read, i, index, now, serveStale);
      column.values.push(value);
      column.statuses.push(status);
      column.eventTimestamps.push(ts);
    }
    return column;
  });
  return {
    featureNames: [
      ...selection.entityColumns.map((k) => k.name),
      ...selection.features.map((f) => f.outputName),
    ],
    results: [...keyColumns, ...featureColumns],
    rowCount: rows.length,
  };
}

/** The result as row objects: output name → value (statuses dropped). */
export function onlineRows(result: OnlineFeaturesResult): Record<string, OnlineValue>[] {
  return Array.from({ length: result.rowCount }, (_, i) =>
    Object.fromEntries(result.featureNames.map((n, j) => [n, result.results[j]!.values[i] ?? null])),
  );
}

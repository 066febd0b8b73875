import type {
  LatestRowsRequest,
  OfflineColumn,
  OfflineSource,
  OfflineTable,
  OfflineValueType,
  PointInTimeView,
} from '../../contracts/index.js';
import { quoteIdent, quoteLiteral } from '../sql.js';

/** Column names Keel adds; source columns never use them (they start with `__keel`). */
export const ROW = '__keel_row';
export const ENTITY_TS = '__keel_ts';
export const EVENT = '__keel_event';
export const CREATED = '__keel_created';
const ORDER = '__keel_order';

/** The DuckDB type a declared offline type is read as. */
export function duckType(type: OfflineValueType): string {
  switch (type) {
    case 'int64':
      return 'BIGINT';
    case 'float64':
      return 'DOUBLE';
    case 'bool':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    default:
      return 'VARCHAR';
  }
}

/** How a table is read: resolves a log to its file glob, or null when the log has no files yet. */
export type TableResolver = (table: OfflineTable) => string | null;

function cast(column: string, type: OfflineValueType, as: string): string {
  return `CAST(${quoteIdent(column)} AS ${duckType(type)}) AS ${quoteIdent(as)}`;
}

/**
 * The source as one relation with `columns` (cast and renamed) plus `__keel_event` and, when the
 * source has one, `__keel_created`; rows without an event time are left out, and `where` (over the
 * output names) filters further. Tables are unioned by name; logs without files are skipped.
 */
export function sourceSql(
  source: OfflineSource,
  columns: readonly OfflineColumn[],
  resolve: TableResolver,
  where: readonly string[] = [],
): string {
  const select = [
    ...columns.map((c) => cast(c.column, c.type, c.name)),
    cast(source.timestampColumn, 'timestamp', EVENT),
    ...(source.createdTimestampColumn ? [cast(source.createdTimestampColumn, 'timestamp', CREATED)] : []),
  ].join(', ');
  const parts = source.tables
    .map(resolve)
    .filter((from): from is string => from !== null)
    .map((from) => `SELECT ${select} FROM ${from}`);
  // An empty source still has the right columns: a typed zero-row relation.
  if (parts.length === 0) {
    const empty = [
      ...columns.map((c) => `CAST(NULL AS ${duckType(c.type)}) AS ${quoteIdent(c.name)}`),
      `CAST(NULL AS TIMESTAMPTZ) AS ${EVENT}`,
      ...(source.createdTimestampColumn ? [`CAST(NULL AS TIMESTAMPTZ) AS ${CREATED}`] : []),
    ];
    parts.push(`SELECT ${empty.join(', ')} WHERE false`);
  }
  const filters = [`${EVENT} IS NOT NULL`, ...where];
  return `SELECT * FROM (${parts.join(' UNION ALL BY NAME ')}) WHERE ${filters.join(' AND ')}`;
}

/** A TIMESTAMPTZ literal from epoch ms (sub-millisecond parts kept). */
export function tsLiteral(ms: number): string {
  return `make_timestamp(${Math.round(ms * 1000)}::BIGINT)::TIMESTAMPTZ`;
}

/** Alias of the n-th view's relation in the join. */
function viewAlias(i: number): string {
  return `v${i}`;
}

/** The per-view CTE: the source with keys and features, pre-filtered to the entity time range. */
function viewCte(view: PointInTimeView, i: number, range: TimeRange, resolve: TableResolver): string {
  const where = [`${EVENT} <= ${tsLiteral(range.maxMs)}`];
  if (view.ttlMs !== null) where.push(`${EVENT} >= ${tsLiteral(range.minMs - view.ttlMs)}`);
  const keys = view.joinKeys.map((k) => ({ ...k, name: `__k${i}_${k.name}` }));
  const features = view.features.map((f, j) => ({ ...f, name: `__f${i}_${j}` }));
  where.push(...keys.map((k) => `${quoteIdent(k.name)} IS NOT NULL`));
  const inner = sourceSql(view.source, [...keys, ...features], resolve, where);
  // With a created time the ASOF inequality runs on (event, created), so the newest created wins a tie.
  const order = view.source.createdTimestampColumn
    ? `struct_pack(a := ${EVENT}, b := coalesce(${CREATED}, '-infinity'::TIMESTAMPTZ))`
    : EVENT;
  return `${viewAlias(i)} AS (SELECT *, ${order} AS ${ORDER} FROM (${inner}))`;
}

/** The earliest and latest entity time, for pre-filtering sources (only an optimisation). */
export interface TimeRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/**
 * The point-in-time join over an entity table holding `__keel_row`, the join-key columns and
 * `__keel_ts`: one DuckDB ASOF LEFT JOIN per view (largest event ≤ entity time, ties by created),
 * the TTL applied to the match (if the newest candidate is too old, every older one is too); the
 * result holds `__keel_row` and the feature columns, in no particular order.
 */
export function pointInTimeSql(
  entityTable: string,
  views: readonly PointInTimeView[],
  range: TimeRange,
  resolve: TableResolver,
): string {
  const ctes = views.map((v, i) => viewCte(v, i, range, resolve));
  const joins = views.map((v, i) => {
    const a = viewAlias(i);
    const keys = v.joinKeys.map(
      (k) => `CAST(e.${quoteIdent(k.name)} AS ${duckType(k.type)}) = ${a}.${quoteIdent(`__k${i}_${k.name}`)}`,
    );
    const entityOrder = v.source.createdTimestampColumn
      ? `struct_pack(a := e.${ENTITY_TS}, b := 'infinity'::TIMESTAMPTZ)`
      : `e.${ENTITY_TS}`;
    return `ASOF LEFT JOIN ${a} ON ${[...keys, `${entityOrder} >= ${a}.${ORDER}`].join(' AND ')}`;
  });
  const outputs = views.flatMap((v, i) =>
    v.features.map((f, j) => {
      const value = `${viewAlias(i)}.${quoteIdent(`__f${i}_${j}`)}`;
      const expr =
        v.ttlMs === null
          ? value
          : `CASE WHEN ${viewAlias(i)}.${EVENT} >= e.${ENTITY_TS} - to_milliseconds(${Math.round(v.ttlMs)}::BIGINT) THEN ${value} END`;
      return `${expr} AS ${quoteIdent(f.name)}`;
    }),
  );
  // No ORDER BY: the caller puts rows back in input order by `__keel_row` (cheaper than a sort).
  return `WITH ${ctes.join(',\n')}
SELECT ${[`e.${ROW} AS ${ROW}`, ...outputs].join(', ')} FROM ${quoteIdent(entityTable)} e
${joins.join('\n')}`;
}

/** `count(*)` of source rows with event time in [start, end]. */
export function countSql(
  source: OfflineSource,
  startMs: number,
  endMs: number,
  resolve: TableResolver,
): string {
  const where = [`${EVENT} >= ${tsLiteral(startMs)}`, `${EVENT} <= ${tsLiteral(endMs)}`];
  return `SELECT count(*) AS n FROM (${sourceSql(source, [], resolve, where)})`;
}

/**
 * The latest row of every entity in partition `partition` of `partitions` (by a hash of the join
 * keys): keys, features, `event_timestamp`, `created_timestamp` (null without a created column).
 */
export function latestSql(
  request: LatestRowsRequest,
  partition: number,
  partitions: number,
  resolve: TableResolver,
): string {
  const keys = request.joinKeys.map((k) => quoteIdent(k.name));
  const where = [
    `${EVENT} >= ${tsLiteral(request.startMs)}`,
    `${EVENT} <= ${tsLiteral(request.endMs)}`,
    ...keys.map((k) => `${k} IS NOT NULL`),
  ];
  if (partitions > 1) {
    where.push(`hash(${keys.length > 0 ? keys.join(', ') : "''"}) % ${partitions} = ${partition}`);
  }
  const inner = sourceSql(request.source, [...request.joinKeys, ...request.features], resolve, where);
  const created = request.source.createdTimestampColumn ? CREATED : 'CAST(NULL AS TIMESTAMPTZ)';
  const partitionBy = keys.length > 0 ? `PARTITION BY ${keys.join(', ')} ` : '';
  const columns = [...request.joinKeys, ...request.features].map((c) => quoteIdent(c.name));
  // Key order gives the online store's B-tree writes locality (random inserts thrash its page cache).
  return `SELECT ${[...columns, `${EVENT} AS event_timestamp`, `${created} AS created_timestamp`].join(', ')}
FROM (${inner})
QUALIFY row_number() OVER (${partitionBy}ORDER BY ${EVENT} DESC, ${created} DESC NULLS LAST) = 1${keys.length > 0 ? `\nORDER BY ${keys.join(', ')}` : ''}`;
}

/** `read_parquet` / `read_csv` / `read_json` of a file the store reads natively. */
export function fileRelation(format: 'parquet' | 'csv' | 'jsonl', path: string): string {
  if (format === 'parquet') return `read_parquet(${quoteLiteral(path)})`;
  if (format === 'csv') return `read_csv(${quoteLiteral(path)}, header = true)`;
  return `read_json(${quoteLiteral(path)}, format = 'newline_delimited')`;
}

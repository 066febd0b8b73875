import {
  type Column,
  columnFromValues,
  type ErrorCode,
  Frame,
  isKeelError,
  KeelError,
  type Scalar,
} from '../core/index.js';
import type { OnlineWriteResult } from '../storage/index.js';
import type { ResolvedView } from './catalog.js';
import { coerceKey, entityKeyOf, type KeyValue } from './entity-keys.js';
import type { FeatureContext } from './internal/context.js';
import { layoutOf } from './internal/offline-sources.js';
import type { FieldSpec } from './specs.js';
import { parseInstant } from './timestamps.js';
import { describe, frameTypeOf, valueProblem } from './value-types.js';

/** Where pushed events go (Feast's `to`): the online store, the offline log, or both (the default). */
export type PushTarget = 'online' | 'offline' | 'online_and_offline';

/** Options for `push`. */
export interface PushOptions {
  readonly to?: PushTarget;
  /**
   * True (default): one bad event rejects the whole call with `KEEL_FEATURE_PUSH_REJECTED` and
   * nothing is written. False: good events are written, bad ones rejected and counted.
   */
  readonly allOrNothing?: boolean;
}

/** An event left out, with why. */
export interface RejectedEvent {
  /** Position in the pushed list. */
  readonly index: number;
  readonly code: ErrorCode;
  readonly reason: string;
}

/** What a push did. */
export interface PushResult {
  readonly source: string;
  readonly accepted: number;
  readonly rejected: readonly RejectedEvent[];
  /** Online writes per view (absent when pushing to the offline log only). */
  readonly views: readonly ({ readonly view: string } & OnlineWriteResult)[];
}

/** Running totals of pushed events per source, for metrics. */
export type PushCounters = Map<string, { accepted: number; rejected: number }>;

interface Column_ {
  readonly column: string;
  readonly field: FieldSpec;
  readonly key: boolean;
}

interface CheckedEvent {
  readonly values: Map<string, Scalar>;
  readonly event: number;
  readonly created: number | null;
}

function columnsOf(views: readonly ResolvedView[]): Column_[] {
  const out = new Map<string, Column_>();
  for (const v of views) {
    const layout = layoutOf(v);
    for (const k of v.joinKeys)
      out.set(layout.column(k.name), { column: layout.column(k.name), field: k, key: true });
    for (const f of v.spec.features)
      out.set(layout.column(f.name), { column: layout.column(f.name), field: f, key: false });
  }
  return [...out.values()];
}

function checkEvent(
  raw: unknown,
  i: number,
  columns: readonly Column_[],
  ts: string,
  created: string | undefined,
): CheckedEvent {
  const where = `Event ${i}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KeelError('KEEL_FEATURE_BAD_VALUE', `${where} is ${describe(raw)}, not an object of fields.`);
  }
  const event = raw as Record<string, unknown>;
  const known = new Set([...columns.map((c) => c.column), ts, ...(created ? [created] : [])]);
  const unknown = Object.keys(event).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new KeelError(
      'KEEL_FEATURE_BAD_VALUE',
      `${where} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}. Known: ${[...known].join(', ')}.`,
    );
  }
  if (event[ts] === undefined || event[ts] === null) {
    throw new KeelError('KEEL_FEATURE_BAD_VALUE', `${where} lacks its timestamp "${ts}".`);
  }
  const values = new Map<string, Scalar>();
  for (const c of columns) {
    const v = event[c.column];
    if (c.key) {
      values.set(c.column, coerceKey(v, c.field, where));
      continue;
    }
    if (v === undefined) {
      throw new KeelError(
        'KEEL_FEATURE_BAD_VALUE',
        `${where} lacks feature "${c.column}" (send null for a missing value).`,
      );
    }
    const parsed =
      c.field.type === 'timestamp' && v !== null ? parseInstant(v, `${where}, "${c.column}"`) : v;
    const problem = valueProblem(parsed, c.field.type);
    if (problem)
      throw new KeelError(
        'KEEL_FEATURE_BAD_VALUE',
        `${where}, feature "${c.column}": ${problem} (declared ${c.field.type}).`,
      );
    values.set(c.column, parsed as Scalar);
  }
  const createdValue =
    created && event[created] != null ? parseInstant(event[created], `${where}, "${created}"`) : null;
  return { values, event: parseInstant(event[ts], `${where}, "${ts}"`), created: createdValue };
}

function logFrame(
  events: readonly CheckedEvent[],
  columns: readonly Column_[],
  ts: string,
  created: string | undefined,
  now: number,
): Frame {
  const cols: Column[] = columns.map((c) =>
    columnFromValues(
      {
        name: c.column,
        type: c.key && c.field.type === 'string' ? 'text' : frameTypeOf(c.field.type),
        nullable: true,
      },
      events.map((e) => e.values.get(c.column) ?? null),
    ),
  );
  cols.push(
    columnFromValues(
      { name: ts, type: 'timestamp', nullable: false },
      events.map((e) => e.event),
    ),
  );
  // Events without a created time get the time they arrived, so a later correction wins ties.
  if (created)
    cols.push(
      columnFromValues(
        { name: created, type: 'timestamp', nullable: true },
        events.map((e) => e.created ?? now),
      ),
    );
  return Frame.fromColumns(cols);
}

/**
 * Ingests events for a push or stream source: each is checked against the schemas of the views fed
 * by the source (join keys, every feature — null allowed —, a timestamp with a time zone, no
 * unknown fields), then good events are appended to the source's offline log and written to the
 * online store of each online view (conflict rule: newest event wins). Bad events are rejected with
 * a code and reason and counted; with `allOrNothing` (default) one bad event rejects the call.
 */
export async function push(
  ctx: FeatureContext,
  counters: PushCounters,
  sourceName: string,
  events: readonly unknown[],
  options: PushOptions = {},
): Promise<PushResult> {
  const catalog = await ctx.catalog();
  const source = catalog.source(sourceName);
  if (source.type !== 'push' && source.type !== 'stream') {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Data source "${sourceName}" is a ${source.type} source; events can be pushed only to push and stream sources.`,
      {
        details: { source: sourceName, type: source.type },
      },
    );
  }
  const to = options.to ?? 'online_and_offline';
  if (!['online', 'offline', 'online_and_offline'].includes(to)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Push target must be online, offline or online_and_offline, not ${JSON.stringify(to)}.`,
    );
  }
  const views = catalog.viewsOfSource(sourceName);
  if (views.length === 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `No feature view reads source "${sourceName}", so pushed events would have no schema. Define a view on it first.`,
      {
        details: { source: sourceName },
      },
    );
  }
  const online = views.filter((v) => v.spec.online);
  if (to !== 'offline' && online.length === 0) {
    throw new KeelError(
      'KEEL_FEATURE_VIEW_NOT_ONLINE',
      `No online feature view reads source "${sourceName}"${views.length > 0 ? ` (${views.map((v) => v.spec.name).join(', ')} are offline only)` : ''}. Set online: true on one, or push with to=offline.`,
      { details: { source: sourceName } },
    );
  }
  if (!Array.isArray(events)) throw new KeelError('KEEL_INVALID_ARGUMENT', 'Push takes a list of events.');
  const layout = layoutOf(views[0]!);
  const ts = layout.timestampField;
  const created = layout.createdTimestampField;
  const columns = columnsOf(views);
  const good: CheckedEvent[] = [];
  const rejected: RejectedEvent[] = [];
  events.forEach((raw, index) => {
    try {
      good.push(checkEvent(raw, index, columns, ts, created));
    } catch (error) {
      if (!isKeelError(error)) throw error;
      rejected.push({ index, code: error.code, reason: error.message });
    }
  });
  const count = counters.get(sourceName) ?? { accepted: 0, rejected: 0 };
  counters.set(sourceName, count);
  if (rejected.length > 0 && options.allOrNothing !== false) {
    count.rejected += events.length;
    throw new KeelError(
      'KEEL_FEATURE_PUSH_REJECTED',
      `${rejected.length} of ${events.length} events pushed to "${sourceName}" were rejected; nothing was written. First: ${rejected[0]!.reason}`,
      { details: { source: sourceName, rejected: rejected.slice(0, 100) } },
    );
  }
  count.rejected += rejected.length;
  const written: ({ view: string } & OnlineWriteResult)[] = [];
  if (good.length > 0) {
    const now = ctx.clock.now();
    // The offline log first: if the online write then fails, pushing again is safe (the rule makes it idempotent).
    if (to !== 'online')
      await (await ctx.offline()).appendLog(sourceName, logFrame(good, columns, ts, created, now));
    if (to !== 'offline') {
      for (const view of online) {
        const l = layoutOf(view);
        const rows = good.map((e) => ({
          entityKey: entityKeyOf(view.joinKeys.map((k) => e.values.get(l.column(k.name)) as KeyValue)),
          values: Object.fromEntries(
            view.spec.features.map((f) => [f.name, e.values.get(l.column(f.name)) ?? null]),
          ),
          eventTimestampMs: e.event,
          createdTimestampMs: created ? (e.created ?? now) : null,
        }));
        written.push({ view: view.spec.name, ...(await ctx.online.writeBatch(view.spec.name, rows)) });
      }
    }
  }
  count.accepted += good.length;
  return { source: sourceName, accepted: good.length, rejected, views: written };
}

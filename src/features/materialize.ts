import { type Frame, KeelError, valueAt } from '../core/index.js';
import type { OnlineValue, OnlineWriteRow } from '../storage/index.js';
import type { ResolvedView } from './catalog.js';
import { entityKeyOf, type KeyValue } from './entity-keys.js';
import type { FeatureContext } from './internal/context.js';
import { layoutOf, resolveOfflineSource } from './internal/offline-sources.js';
import { formatTtl } from './timestamps.js';
import { offlineTypeOf } from './value-types.js';

/** Where a materialisation stands, reported after every written batch. */
export interface MaterializeProgress {
  readonly view: string;
  /** Entities written to the online store so far (this view). */
  readonly written: number;
  /** Entities left as they were because the online value was newer. */
  readonly skipped: number;
  /** Entity-hash partitions done, of `partitions`. */
  readonly partitionsDone: number;
  readonly partitions: number;
  /** Source rows in the interval (the work to do). */
  readonly sourceRows: number;
}

/** Options for `materialize` and `materializeIncremental`. */
export interface MaterializeOptions {
  /** Only these views (default: every online view). */
  readonly views?: readonly string[];
  /** Entities per online write (default 10,000). */
  readonly batchRows?: number;
  /** Source rows per entity-hash partition: bounds memory (default 1,000,000). */
  readonly partitionRows?: number;
  readonly onProgress?: (progress: MaterializeProgress) => void;
}

/** What a materialisation did for one view. */
export interface MaterializeResult {
  readonly view: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly written: number;
  readonly skipped: number;
  readonly sourceRows: number;
}

function viewsToMaterialize(
  views: ReadonlyMap<string, ResolvedView>,
  names: readonly string[] | undefined,
): ResolvedView[] {
  if (names === undefined) return [...views.values()].filter((v) => v.spec.online);
  return names.map((name) => {
    const view = views.get(name);
    if (!view) {
      throw new KeelError(
        'KEEL_FEATURE_VIEW_NOT_FOUND',
        `No feature view named "${name}". Known: ${[...views.keys()].join(', ') || '(none)'}.`,
        {
          details: { view: name },
        },
      );
    }
    if (!view.spec.online) {
      throw new KeelError(
        'KEEL_FEATURE_VIEW_NOT_ONLINE',
        `Feature view "${name}" is not online; set online: true to materialize it.`,
        {
          details: { view: name },
        },
      );
    }
    return view;
  });
}

function rowsOf(frame: Frame, keys: readonly string[], features: readonly string[]): OnlineWriteRow[] {
  const keyColumns = keys.map((k) => frame.column(k));
  const featureColumns = features.map((f) => frame.column(f));
  const event = frame.numberColumn('event_timestamp').values;
  const created = frame.numberColumn('created_timestamp').values;
  const rows = new Array<OnlineWriteRow>(frame.rowCount);
  for (let i = 0; i < frame.rowCount; i++) {
    const values: Record<string, OnlineValue> = {};
    for (let j = 0; j < features.length; j++) values[features[j]!] = valueAt(featureColumns[j]!, i);
    const c = created[i]!;
    rows[i] = {
      entityKey: entityKeyOf(keyColumns.map((col) => valueAt(col, i) as KeyValue)),
      values,
      eventTimestampMs: event[i]!,
      createdTimestampMs: Number.isNaN(c) ? null : c,
    };
  }
  return rows;
}

async function materializeView(
  ctx: FeatureContext,
  view: ResolvedView,
  startMs: number,
  endMs: number,
  options: MaterializeOptions,
): Promise<MaterializeResult> {
  const layout = layoutOf(view);
  const offline = await ctx.offline();
  const source = await resolveOfflineSource(
    view,
    [...view.joinKeys, ...view.spec.features],
    offline,
    ctx.root,
  );
  const name = view.spec.name;
  const batchRows = options.batchRows ?? 10_000;
  let written = 0;
  let skipped = 0;
  let sourceRows = 0;
  let partitions = 0;
  try {
    const batches = offline.pullLatest({
      source: source.source,
      joinKeys: view.joinKeys.map((k) => ({
        name: k.name,
        column: layout.column(k.name),
        type: offlineTypeOf(k.type),
      })),
      features: view.spec.features.map((f) => ({
        name: f.name,
        column: layout.column(f.name),
        type: offlineTypeOf(f.type),
      })),
      startMs,
      endMs,
      batchRows,
      ...(options.partitionRows === undefined ? {} : { partitionRows: options.partitionRows }),
    });
    const keys = view.joinKeys.map((k) => k.name);
    const features = view.spec.features.map((f) => f.name);
    for await (const batch of batches) {
      sourceRows = batch.sourceRows;
      const result = await ctx.online.writeBatch(name, rowsOf(batch.frame, keys, features));
      written += result.written;
      skipped += result.skipped;
      partitions = batch.partitions;
      options.onProgress?.({
        view: name,
        written,
        skipped,
        partitionsDone: batch.partition,
        partitions,
        sourceRows,
      });
    }
    options.onProgress?.({
      view: name,
      written,
      skipped,
      partitionsDone: partitions,
      partitions,
      sourceRows,
    });
  } finally {
    await source.release();
  }
  await ctx.registry.recordMaterialization({
    view: name,
    startMs,
    endMs,
    rows: written,
    at: ctx.clock.now(),
  });
  return { view: name, startMs, endMs, written, skipped, sourceRows };
}

/**
 * Moves the latest value of every entity whose rows fall in [startMs, endMs] from the offline
 * source into the online store, view by view, in entity-hash partitions (memory stays flat as
 * sources grow) and batches. Online writes follow the store's conflict rule, so re-running is
 * idempotent and never replaces a newer value (e.g. one pushed meanwhile). The interval is recorded
 * in the registry for `materializeIncremental`.
 */
export async function materialize(
  ctx: FeatureContext,
  startMs: number,
  endMs: number,
  options: MaterializeOptions = {},
): Promise<MaterializeResult[]> {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Materialization needs finite start <= end (epoch ms), got ${startMs} .. ${endMs}.`,
      {
        details: { startMs, endMs },
      },
    );
  }
  const catalog = await ctx.catalog();
  const results: MaterializeResult[] = [];
  for (const view of viewsToMaterialize(catalog.views, options.views)) {
    results.push(await materializeView(ctx, view, startMs, endMs, options));
  }
  return results;
}

/**
 * Materialises each view from where its last materialisation ended (Feast's
 * `materialize-incremental`) up to `endMs`; a view never materialised starts at `endMs` − its TTL.
 * A view with neither fails with `KEEL_INVALID_ARGUMENT`: run `materialize` with a start first.
 */
export async function materializeIncremental(
  ctx: FeatureContext,
  endMs: number,
  options: MaterializeOptions = {},
): Promise<MaterializeResult[]> {
  const catalog = await ctx.catalog();
  const results: MaterializeResult[] = [];
  for (const view of viewsToMaterialize(catalog.views, options.views)) {
    const history = await ctx.registry.materializations(view.spec.name);
    const last = history.reduce<number | null>((m, r) => (m === null || r.endMs > m ? r.endMs : m), null);
    const startMs = last ?? (view.spec.ttlMs === null ? null : endMs - view.spec.ttlMs);
    if (startMs === null) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Feature view "${view.spec.name}" has never been materialized and has no TTL (${formatTtl(null)}), so there is no start. Run \`keel features materialize --start <time> --end <time>\` once.`,
        { details: { view: view.spec.name } },
      );
    }
    results.push(await materializeView(ctx, view, Math.min(startMs, endMs), endMs, options));
  }
  return results;
}

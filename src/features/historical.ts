import { type Column, columnFromValues, type Frame, KeelError, type Scalar, valueAt } from '../core/index.js';
import { fingerprint, writeFrame } from '../data/index.js';
import type { PointInTimeView } from '../storage/index.js';
import { type EntityRows, prepareEntities } from './entity-rows.js';
import type { FeatureContext } from './internal/context.js';
import { specDigest } from './internal/normalize.js';
import { layoutOf, type ResolvedOfflineSource, resolveOfflineSource } from './internal/offline-sources.js';
import { evaluateOnDemand } from './on-demand.js';
import type { FeatureRequest, FeatureSelection, ViewRequest } from './selection.js';
import { frameTypeOf, offlineTypeOf } from './value-types.js';

/** Options for `getHistoricalFeatures`. */
export interface HistoricalOptions {
  /** Name output columns `view__feature` instead of `feature` (default false). */
  readonly fullFeatureNames?: boolean;
  /** The entity rows' timestamp column (default `event_timestamp`, or the only timestamp column). */
  readonly timestampColumn?: string;
  /** Also write the training set to this Parquet (or CSV/JSONL) file. */
  readonly outputPath?: string;
  /** Record the training set's fingerprint in the registry for lineage (default true). */
  readonly record?: boolean;
}

/** A point-in-time correct training set and what identifies it for lineage. */
export interface TrainingSet {
  /** The entity rows (all their columns, in input order) followed by the features in request order. */
  readonly frame: Frame;
  /** sha256 fingerprint of the frame (schema and content): the dataset digest a model version links to. */
  readonly fingerprint: string;
  /** Fingerprint of the entity rows it was built from. */
  readonly entityFingerprint: string;
  /** The feature service used, or null when features were listed. */
  readonly featureService: string | null;
  /** Feature references in output order. */
  readonly features: readonly string[];
  /** The file written, when `outputPath` was given. */
  readonly outputPath: string | null;
}

function internalName(i: number, feature: string): string {
  return `__keel_r${i}__${feature}`;
}

async function joinViews(
  ctx: FeatureContext,
  selection: FeatureSelection,
  entities: Frame,
  timestampColumn: string,
): Promise<Frame> {
  const resolved: ResolvedOfflineSource[] = [];
  const offline = await ctx.offline();
  try {
    const views: PointInTimeView[] = [];
    for (const [i, request] of selection.views.entries()) {
      const layout = layoutOf(request.view);
      const keys = request.keyColumns.map((k) => k.key);
      const source = await resolveOfflineSource(
        request.view,
        [...keys, ...request.features],
        offline,
        ctx.root,
      );
      resolved.push(source);
      views.push({
        name: request.view.spec.name,
        source: source.source,
        joinKeys: request.keyColumns.map((k) => ({
          name: k.column,
          column: layout.column(k.key.name),
          type: offlineTypeOf(k.key.type),
        })),
        features: request.features.map((f) => ({
          name: internalName(i, f.name),
          column: layout.column(f.name),
          type: offlineTypeOf(f.type),
        })),
        ttlMs: request.view.spec.ttlMs,
      });
    }
    return await offline.getHistoricalFeatures({ entities, timestampColumn, views });
  } finally {
    for (const r of resolved) await r.release();
  }
}

function outputColumns(selection: FeatureSelection, joined: Frame, entities: Frame): Column[] {
  const index = new Map<ViewRequest, number>(selection.views.map((v, i) => [v, i]));
  const computed = new Map<string, Scalar[]>();
  for (const od of selection.onDemand) {
    const values = evaluateOnDemand(od, entities.rowCount, {
      feature: (row, request, f) => valueAt(joined.column(internalName(index.get(request)!, f.name)), row),
      requestField: (row, field) => valueAt(entities.column(field.name), row),
    });
    od.odfv.spec.features.forEach((f, j) => {
      computed.set(`${od.name}:${f.name}`, values[j]!);
    });
  }
  return selection.features.map((s) => {
    const type = frameTypeOf(s.feature.type);
    if (s.onDemand) {
      return columnFromValues({ name: s.outputName, type, nullable: true }, computed.get(s.ref)!);
    }
    return { ...joined.column(internalName(index.get(s.request!)!, s.feature.name)), name: s.outputName };
  });
}

/**
 * Builds a point-in-time correct training set (Feast's `get_historical_features`): for every entity
 * row and view, the feature row with the same join keys whose event time is the latest ≤ the row's
 * timestamp and ≥ that timestamp − the view's TTL (both bounds inclusive), ties broken by the
 * largest created timestamp; missing where nothing matches. Every entity row is returned, in input
 * order (duplicates kept), with its own columns first. On-demand views are computed on the joined
 * rows by the same code online reads use. The result's fingerprint is recorded in the registry.
 */
export async function getHistoricalFeatures(
  ctx: FeatureContext,
  entityRows: EntityRows,
  request: FeatureRequest,
  options: HistoricalOptions = {},
): Promise<TrainingSet> {
  const selection = await ctx.select(request, options.fullFeatureNames === true);
  const { frame: entities, timestampColumn } = prepareEntities(
    entityRows,
    selection,
    options.timestampColumn,
  );
  for (const name of selection.features.map((f) => f.outputName)) {
    if (entities.has(name)) {
      throw new KeelError(
        'KEEL_FEATURE_NAME_COLLISION',
        `The entity rows already have a column "${name}", the name of a requested feature. Rename the column or ask for full feature names.`,
        { details: { column: name } },
      );
    }
  }
  const joined = await joinViews(ctx, selection, entities, timestampColumn);
  let frame = entities;
  for (const c of outputColumns(selection, joined, entities)) frame = frame.withColumn(c);
  const digest = fingerprint(frame);
  const entityDigest = fingerprint(entities);
  const service = selection.service;
  const features = selection.features.map((f) => f.ref);
  if (options.record !== false) {
    await ctx.registry.recordTrainingSet({
      fingerprint: digest,
      featureService: service?.name ?? null,
      featureServiceDigest: service ? specDigest(service) : null,
      features,
      rows: frame.rowCount,
      entityFingerprint: entityDigest,
      createdAt: ctx.clock.now(),
    });
  }
  const outputPath = options.outputPath ? (await writeFrame(frame, options.outputPath)).path : null;
  return {
    frame,
    fingerprint: digest,
    entityFingerprint: entityDigest,
    featureService: service?.name ?? null,
    features,
    outputPath,
  };
}

import { type DataType, KeelError } from '../core/index.js';
import type { ModelSignature, OnlineValue } from '../storage/index.js';
import type { FeatureContext } from './internal/context.js';
import { specDigest } from './internal/normalize.js';
import { type FeatureStatus, getOnlineFeatures, type RowsInput } from './online-read.js';
import type { FieldSpec } from './specs.js';
import { frameTypeOf, type ValueType } from './value-types.js';

/** A feature service ready for serving: what a request must carry and what the model receives. */
export interface ResolvedFeatureService {
  readonly name: string;
  /** Digest of the service definition: recorded in lineage, compared at deploy time. */
  readonly digest: string;
  /** Entity-row columns a request must carry (join keys), with their types. */
  readonly entityColumns: readonly FieldSpec[];
  /** Request-time fields the on-demand views need. */
  readonly requestFields: readonly FieldSpec[];
  /** The features the model receives, in order: output name, type, reference. */
  readonly features: readonly { readonly name: string; readonly type: ValueType; readonly ref: string }[];
}

/** Online features for a prediction: one record per entity row, plus each value's status. */
export interface FetchedFeatures {
  /** Feature name → value, per entity row (only features: join keys and request fields are not repeated). */
  readonly rows: Record<string, OnlineValue>[];
  /** Feature name → status, per entity row. */
  readonly statuses: Record<string, FeatureStatus>[];
}

/** Resolves a feature service by name (`KEEL_FEATURE_SERVICE_NOT_FOUND` listing the known ones). */
export async function resolveFeatureService(
  ctx: FeatureContext,
  name: string,
): Promise<ResolvedFeatureService> {
  const selection = await ctx.select({ featureService: name }, false);
  return {
    name,
    digest: specDigest(selection.service!),
    entityColumns: selection.entityColumns,
    requestFields: selection.requestFields,
    features: selection.features.map((f) => ({ name: f.outputName, type: f.feature.type, ref: f.ref })),
  };
}

/**
 * The features of a service for entity rows at serving time: online values (TTL enforced) and
 * on-demand views computed from them and `requestData` by the same code the training set used.
 */
export async function fetchOnlineFeatures(
  ctx: FeatureContext,
  service: ResolvedFeatureService | string,
  entityKeys: RowsInput,
  requestData?: RowsInput,
): Promise<FetchedFeatures> {
  const resolved = typeof service === 'string' ? await resolveFeatureService(ctx, service) : service;
  const result = await getOnlineFeatures(
    ctx,
    entityKeys,
    { featureService: resolved.name },
    requestData ? { requestData } : {},
  );
  // Join-key columns come first; the features are the last ones.
  const first = result.featureNames.length - resolved.features.length;
  const names = result.featureNames.slice(first);
  const columns = result.results.slice(first);
  const rows: Record<string, OnlineValue>[] = [];
  const statuses: Record<string, FeatureStatus>[] = [];
  for (let i = 0; i < result.rowCount; i++) {
    const row: Record<string, OnlineValue> = {};
    const status: Record<string, FeatureStatus> = {};
    names.forEach((n, j) => {
      row[n] = columns[j]!.values[i] ?? null;
      status[n] = columns[j]!.statuses[i]!;
    });
    rows.push(row);
    statuses.push(status);
  }
  return { rows, statuses };
}

/** Model input types each feature type can feed. */
const COMPATIBLE: Readonly<Record<DataType, readonly ValueType[]>> = {
  numeric: ['float32', 'float64', 'int32', 'int64'],
  integer: ['int32', 'int64'],
  boolean: ['bool'],
  timestamp: ['timestamp'],
  categorical: ['string'],
  text: ['string'],
};

function mismatch(
  service: string,
  feature: string,
  why: string,
  details: Record<string, unknown>,
): KeelError {
  return new KeelError(
    'KEEL_DEPLOY_FEATURE_MISMATCH',
    `Feature service "${service}" does not match the model's signature: ${why}. Update the service (keel features apply) or deploy a model trained on it.`,
    { details: { featureService: service, feature, ...details } },
  );
}

/**
 * Checks at deploy time that a feature service fits the model's signature: every service feature
 * (or request field) the model reads has a compatible type (a float feature cannot feed a
 * categorical input), and the service gives the model at least one of its inputs. Inputs the
 * service does not provide are request features: the caller sends them with the entity keys (the
 * engine's input check refuses a request without them). For tensor signatures, a single 2-D input
 * must be as wide as the service has features. Fails with `KEEL_DEPLOY_FEATURE_MISMATCH` naming
 * the feature.
 */
export function checkServiceMatchesSignature(
  service: ResolvedFeatureService,
  signature: ModelSignature,
): void {
  const available = new Map<string, ValueType>();
  for (const f of service.requestFields) available.set(f.name, f.type);
  for (const f of service.features) available.set(f.name, f.type);
  if (signature.kind === 'tensors') {
    const [input, ...more] = signature.inputs;
    const width = input?.shape?.[1];
    if (
      input &&
      more.length === 0 &&
      width !== undefined &&
      width !== -1 &&
      width !== service.features.length
    ) {
      throw mismatch(
        service.name,
        input.name,
        `tensor "${input.name}" is ${width} wide but the service has ${service.features.length} features`,
        {
          width,
          features: service.features.length,
        },
      );
    }
    return;
  }
  if (!signature.inputs.some((input) => available.has(input.name))) {
    const first = signature.inputs[0]?.name ?? '';
    throw mismatch(
      service.name,
      first,
      `the service provides none of the model's inputs (it has ${[...available.keys()].join(', ')}; the model reads ${signature.inputs.map((i) => i.name).join(', ')})`,
      { provided: [...available.keys()] },
    );
  }
  for (const input of signature.inputs) {
    const type = available.get(input.name);
    // Not from the store: a request feature the caller sends.
    if (type === undefined) continue;
    if (!COMPATIBLE[input.type].includes(type)) {
      throw mismatch(
        service.name,
        input.name,
        `feature "${input.name}" is ${type} (${frameTypeOf(type)}) but the model expects ${input.type}`,
        {
          expected: input.type,
          actual: type,
        },
      );
    }
  }
}

import { createHash } from 'node:crypto';
import type {
  DataSourceSpec,
  EntitySpec,
  FeatureServiceSpec,
  FeatureViewSpec,
  FieldSpec,
  OnDemandFeatureViewSpec,
  OnDemandTransform,
  ProjectionSpec,
} from './specs.js';
import { parseTtl } from './timestamps.js';
import type { ValueType } from './value-types.js';

/** Definitions a definition refers to, so a repository finds them even when only the referrer is exported. */
export const REFS: unique symbol = Symbol.for('keel.features.refs') as never;
/** The transform function of an on-demand feature view (kept out of the stored spec). */
export const TRANSFORM: unique symbol = Symbol.for('keel.features.transform') as never;

/** A schema written in TypeScript: feature name → value type, in order. */
export type SchemaInput = Readonly<Record<string, ValueType>>;

type TsValue<T extends ValueType> = T extends 'string' ? string : T extends 'bool' ? boolean : number;

/** The values of a schema's features as a transform sees or returns them (null when missing). */
export type FeatureValues<S extends SchemaInput> = { -readonly [K in keyof S]: TsValue<S[K]> | null };

/** Fields every definition may carry. */
export interface CommonInput {
  readonly name: string;
  readonly description?: string;
  readonly owner?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface Refs {
  readonly [REFS]?: readonly object[];
}

/** A data source definition (any kind). */
export type DataSource = DataSourceSpec & Refs;
/** A request source: fields only known at request time, with their types. */
export type RequestSource<S extends SchemaInput = SchemaInput> = DataSourceSpec &
  Refs & { readonly __schema?: S };
/** A feature view definition; `S` types its features for on-demand transforms. */
export type FeatureView<S extends SchemaInput = SchemaInput> = FeatureViewSpec &
  Refs & { readonly __schema?: S };
/** A use of some of a view's features (see `project`). */
export type Projection<S extends SchemaInput = SchemaInput> = ProjectionSpec &
  Refs & { readonly __schema?: S };
/** An on-demand feature view definition. */
export type OnDemandFeatureView<S extends SchemaInput = SchemaInput> = OnDemandFeatureViewSpec &
  Refs & { readonly [TRANSFORM]: OnDemandTransform; readonly __schema?: S };

function common(input: CommonInput): {
  name: string;
  description: string;
  owner: string;
  tags: Record<string, string>;
} {
  return {
    name: input.name,
    description: input.description ?? '',
    owner: input.owner ?? '',
    tags: { ...(input.tags ?? {}) },
  };
}

function fields(schema: SchemaInput): FieldSpec[] {
  return Object.entries(schema).map(([name, type]) => ({ name, type }));
}

/**
 * An entity (Feast's `Entity`): `joinKeys` are its key columns, as names (typed by `valueType`,
 * default `string`) or as `{ name: type }`; default one key named like the entity.
 */
export function entity(
  input: CommonInput & {
    readonly joinKeys?: readonly string[] | SchemaInput;
    readonly valueType?: ValueType;
  },
): EntitySpec {
  const keys = input.joinKeys ?? [input.name];
  const joinKeys = Array.isArray(keys)
    ? (keys as readonly string[]).map((name) => ({ name, type: input.valueType ?? 'string' }))
    : fields(keys as SchemaInput);
  return { kind: 'entity', ...common(input), joinKeys };
}

interface TimedInput extends CommonInput {
  /** Column with each row's event time (default `event_timestamp`). */
  readonly timestampField?: string;
  /** Column with the created time, the tie-breaker among rows with the same event time. */
  readonly createdTimestampField?: string;
  /** Source column → feature or key name. */
  readonly fieldMapping?: Readonly<Record<string, string>>;
}

function timed(
  input: TimedInput,
  defaultTimestamp: string | undefined = 'event_timestamp',
): Pick<DataSourceSpec, 'timestampField' | 'createdTimestampField' | 'fieldMapping'> {
  const timestampField = input.timestampField ?? defaultTimestamp;
  return {
    ...(timestampField === undefined ? {} : { timestampField }),
    ...(input.createdTimestampField === undefined
      ? {}
      : { createdTimestampField: input.createdTimestampField }),
    fieldMapping: { ...(input.fieldMapping ?? {}) },
  };
}

/** A CSV, Parquet or JSON Lines file (Feast's `FileSource`); `path` is relative to the project root; format from the extension unless given. */
export function fileSource(
  input: TimedInput & { readonly path: string; readonly format?: 'csv' | 'parquet' | 'jsonl' },
): DataSource {
  return {
    kind: 'dataSource',
    type: 'file',
    ...common(input),
    path: input.path,
    ...(input.format === undefined ? {} : { format: input.format }),
    ...timed(input),
  };
}

/** A PostgreSQL table or query (exactly one of `table`, `query`), read through the data module. */
export function postgresSource(
  input: TimedInput & { readonly url: string; readonly table?: string; readonly query?: string },
): DataSource {
  return {
    kind: 'dataSource',
    type: 'postgres',
    ...common(input),
    url: input.url,
    ...(input.table === undefined ? {} : { table: input.table }),
    ...(input.query === undefined ? {} : { query: input.query }),
    ...timed(input),
  };
}

function withBatch(source: DataSource | undefined): { batchSource?: string; [REFS]?: readonly object[] } {
  return source ? { batchSource: source.name, [REFS]: [source] } : {};
}

/**
 * A push source (Feast's `PushSource`): events pushed over HTTP or the SDK; `batchSource` holds older
 * history, and then events use its column names (timestamp field included).
 */
export function pushSource(input: TimedInput & { readonly batchSource?: DataSource }): DataSource {
  const time = timed(input, input.batchSource ? undefined : 'event_timestamp');
  return { kind: 'dataSource', type: 'push', ...common(input), ...time, ...withBatch(input.batchSource) };
}

/** A stream source: JSON events read from the stream store's `topic` (NATS JetStream subject `<prefix>.<topic>`). */
export function streamSource(
  input: TimedInput & { readonly topic: string; readonly batchSource?: DataSource },
): DataSource {
  return {
    kind: 'dataSource',
    type: 'stream',
    ...common(input),
    topic: input.topic,
    ...timed(input, input.batchSource ? undefined : 'event_timestamp'),
    ...withBatch(input.batchSource),
  };
}

/** A request source (Feast's `RequestSource`): fields a request carries, for on-demand transforms. */
export function requestSource<const S extends SchemaInput>(
  input: CommonInput & { readonly schema: S },
): RequestSource<S> {
  return {
    kind: 'dataSource',
    type: 'request',
    ...common(input),
    schema: fields(input.schema),
    fieldMapping: {},
  };
}

/**
 * A feature view (Feast's `FeatureView`): `schema` lists the features; `ttl` (ms or `"3d"`, default
 * unbounded) bounds the offline look-back and the online age; `online` (default true) enables
 * materialisation, push and online reads.
 */
export function featureView<const S extends SchemaInput>(
  input: CommonInput & {
    readonly entities: readonly EntitySpec[];
    readonly source: DataSource;
    readonly schema: S;
    readonly ttl?: number | string;
    readonly online?: boolean;
  },
): FeatureView<S> {
  return {
    kind: 'featureView',
    ...common(input),
    entities: input.entities.map((e) => e.name),
    features: fields(input.schema),
    source: input.source.name,
    ttlMs: parseTtl(input.ttl, `Feature view "${input.name}"`),
    online: input.online ?? true,
    [REFS]: [...input.entities, input.source],
  };
}

/**
 * Some of a view's features (Feast's `fv[["a", "b"]]`), optionally under another name (`alias`) or
 * with its join keys read from other entity-row columns (`joinKeyMap`, Feast's `with_join_key_map`).
 */
export function project<S extends SchemaInput, const K extends keyof S & string>(
  view: FeatureView<S> | OnDemandFeatureView<S>,
  features?: readonly K[],
  options: { readonly alias?: string; readonly joinKeyMap?: Readonly<Record<string, string>> } = {},
): Projection<Pick<S, K>> {
  return {
    view: view.name,
    ...(features === undefined ? {} : { features: [...features] }),
    ...(options.alias === undefined ? {} : { alias: options.alias }),
    ...(options.joinKeyMap === undefined ? {} : { joinKeyMap: { ...options.joinKeyMap } }),
    [REFS]: [view],
  };
}

type Input = FeatureView | Projection | RequestSource;
type ValuesOf<X> = X extends { readonly __schema?: infer S }
  ? S extends SchemaInput
    ? FeatureValues<S>
    : never
  : never;
type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** The row an on-demand transform receives: every source's features and request fields by name. */
export type TransformInput<Src extends readonly Input[]> = Intersect<ValuesOf<Src[number]>> &
  Readonly<Record<string, number | string | boolean | null>>;

/** sha256 of a function's source with whitespace runs collapsed: the fingerprint the registry keeps. */
export function transformHash(fn: (...args: never[]) => unknown): string {
  return createHash('sha256').update(fn.toString().replace(/\s+/g, ' ').trim()).digest('hex');
}

/**
 * An on-demand feature view (Feast's `OnDemandFeatureView`, Python mode, one row at a time): `transform`
 * gets one row of its sources' features and request fields and returns `schema`'s features. The same
 * function runs for training sets and online reads; the registry stores only its hash.
 */
export function onDemandFeatureView<const Src extends readonly Input[], const O extends SchemaInput>(
  input: CommonInput & {
    readonly sources: Src;
    readonly schema: O;
    readonly transform: (row: TransformInput<Src>) => FeatureValues<O>;
  },
): OnDemandFeatureView<O> {
  const views: ProjectionSpec[] = [];
  const requestSources: string[] = [];
  for (const s of input.sources as readonly Input[]) {
    if ('kind' in s && s.kind === 'dataSource') requestSources.push(s.name);
    else if ('kind' in s && s.kind === 'featureView') views.push({ view: s.name });
    else {
      const { view, features, alias, joinKeyMap } = s as ProjectionSpec;
      views.push({
        view,
        ...(features === undefined ? {} : { features }),
        ...(alias === undefined ? {} : { alias }),
        ...(joinKeyMap === undefined ? {} : { joinKeyMap }),
      });
    }
  }
  const transform = input.transform as unknown as OnDemandTransform;
  return {
    kind: 'onDemandFeatureView',
    ...common(input),
    sources: views,
    requestSources,
    features: fields(input.schema),
    transformHash: transformHash(transform),
    [TRANSFORM]: transform,
    [REFS]: [...input.sources],
  };
}

/** A feature service (Feast's `FeatureService`): the features one model uses, as views, projections or on-demand views. */
export function featureService(
  input: CommonInput & { readonly features: readonly (FeatureView | Projection | OnDemandFeatureView)[] },
): FeatureServiceSpec & Refs {
  return {
    kind: 'featureService',
    ...common(input),
    features: input.features.map((f) => {
      if ('kind' in f) return { view: f.name };
      const { view, features, alias, joinKeyMap } = f;
      return {
        view,
        ...(features === undefined ? {} : { features }),
        ...(alias === undefined ? {} : { alias }),
        ...(joinKeyMap === undefined ? {} : { joinKeyMap }),
      };
    }),
    [REFS]: [...input.features],
  };
}

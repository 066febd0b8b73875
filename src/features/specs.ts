import type { ValueType } from './value-types.js';

/**
 * The stored form of feature definitions: plain JSON, references by name, one record per object in
 * the registry. TypeScript helpers and YAML files both produce these; everything else (validation,
 * plan, retrieval) works from them, so both kinds of definitions behave exactly alike.
 */

/** A named, typed column: a feature, a join key or a request field. */
export interface FieldSpec {
  readonly name: string;
  readonly type: ValueType;
}

/** What every object carries besides its own fields. */
export interface CommonSpec {
  readonly name: string;
  readonly description: string;
  readonly owner: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** An entity: the thing features describe (a location, an airport), identified by its join keys. */
export interface EntitySpec extends CommonSpec {
  readonly kind: 'entity';
  /** The physical key columns, in order; most entities have one. */
  readonly joinKeys: readonly FieldSpec[];
}

/** The kinds of data source. */
export type SourceType = 'file' | 'postgres' | 'push' | 'stream' | 'request';

/** A data source: where a feature view's rows come from. */
export interface DataSourceSpec extends CommonSpec {
  readonly kind: 'dataSource';
  readonly type: SourceType;
  /** `file`: the path (relative paths resolve against the project root) and format. */
  readonly path?: string;
  readonly format?: 'csv' | 'parquet' | 'jsonl';
  /** `postgres`: connection URL and a table or a query. */
  readonly url?: string;
  readonly table?: string;
  readonly query?: string;
  /** `stream`: the stream topic events arrive on (NATS JetStream subject `<prefix>.<topic>`). */
  readonly topic?: string;
  /** `push`/`stream`: the source holding history from before ingestion started (optional). */
  readonly batchSource?: string;
  /** `request`: the fields a request carries. */
  readonly schema?: readonly FieldSpec[];
  /** Column with each row's event time (all but `request`). */
  readonly timestampField?: string;
  /** Column with the created time, the tie-breaker among rows of equal event time. */
  readonly createdTimestampField?: string;
  /** Source column → feature or key name, for sources whose columns are named differently. */
  readonly fieldMapping: Readonly<Record<string, string>>;
}

/** A feature view: typed features of some entities, from one source, with a TTL. */
export interface FeatureViewSpec extends CommonSpec {
  readonly kind: 'featureView';
  /** Entity names; zero entities makes an entity-less view joined on time only. */
  readonly entities: readonly string[];
  readonly features: readonly FieldSpec[];
  /** Data source name. */
  readonly source: string;
  /** Look-back bound in ms (offline) and maximum age (online); null = unbounded. */
  readonly ttlMs: number | null;
  /** Whether the view is materialised to, pushed to and read from the online store. */
  readonly online: boolean;
}

/** A use of a feature view: some of its features, optionally renamed and with its join keys mapped. */
export interface ProjectionSpec {
  /** A feature view (or, in a feature service, an on-demand feature view) name. */
  readonly view: string;
  /** The features to use; absent = all of them, in the view's order. */
  readonly features?: readonly string[];
  /** Name used in output feature names instead of the view's (Feast's `with_name`). */
  readonly alias?: string;
  /** View join key → entity-row column (Feast's `with_join_key_map`), e.g. `{ origin: "destination" }`. */
  readonly joinKeyMap?: Readonly<Record<string, string>>;
}

/** An on-demand feature view: a TypeScript function of other features and request data. */
export interface OnDemandFeatureViewSpec extends CommonSpec {
  readonly kind: 'onDemandFeatureView';
  /** Feature views whose features the transform reads. */
  readonly sources: readonly ProjectionSpec[];
  /** Request sources whose fields the transform reads. */
  readonly requestSources: readonly string[];
  readonly features: readonly FieldSpec[];
  /** sha256 of the transform's source text: the registry keeps no code, only this fingerprint. */
  readonly transformHash: string;
}

/** A feature service: the named set of features a model uses. */
export interface FeatureServiceSpec extends CommonSpec {
  readonly kind: 'featureService';
  readonly features: readonly ProjectionSpec[];
}

/** Any stored definition. */
export type ObjectSpec =
  | EntitySpec
  | DataSourceSpec
  | FeatureViewSpec
  | OnDemandFeatureViewSpec
  | FeatureServiceSpec;

/** The kinds of stored definition, in dependency order (apply order). */
export const OBJECT_KINDS = [
  'entity',
  'dataSource',
  'featureView',
  'onDemandFeatureView',
  'featureService',
] as const;

/** A kind of stored definition. */
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** Names of kinds for people (`feature view`). */
export const KIND_LABELS: Readonly<Record<ObjectKind, string>> = {
  entity: 'entity',
  dataSource: 'data source',
  featureView: 'feature view',
  onDemandFeatureView: 'on-demand feature view',
  featureService: 'feature service',
};

/** A row-wise on-demand transform: input features and request fields by name (and `view__feature`), output features by name. */
export type OnDemandTransform = (
  row: Readonly<Record<string, number | string | boolean | null>>,
) => Record<string, number | string | boolean | null>;

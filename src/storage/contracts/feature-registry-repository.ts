/**
 * The feature registry inside the metadata store: applied feature definitions (one JSON record per
 * object, with a digest and a version for optimistic concurrency), their change history,
 * materialisation intervals, and the training sets built from them (for lineage).
 */

/** The kinds of feature definition the registry keeps. */
export type FeatureObjectKind =
  | 'entity'
  | 'dataSource'
  | 'featureView'
  | 'onDemandFeatureView'
  | 'featureService';

/** One applied definition. */
export interface FeatureObjectRecord {
  readonly kind: FeatureObjectKind;
  readonly name: string;
  /** The definition as JSON (the feature module's canonical spec). */
  readonly spec: Readonly<Record<string, unknown>>;
  /** sha256 of the canonical spec: equal digests mean equal definitions. */
  readonly digest: string;
  /** 1 when created, +1 on every update. */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One change of an `applyChanges` call. */
export interface FeatureObjectChange {
  readonly kind: FeatureObjectKind;
  readonly name: string;
  /** The new spec and digest, or null to delete the object. */
  readonly spec: Readonly<Record<string, unknown>> | null;
  readonly digest: string | null;
  /** The version the caller planned against: 0 = must not exist yet; absent = no check. */
  readonly expectedVersion?: number;
}

/** A change as kept in the history. */
export interface FeatureChangeEvent {
  /** Increasing with every change; the largest is the registry's revision. */
  readonly seq: number;
  readonly kind: FeatureObjectKind;
  readonly name: string;
  readonly action: 'create' | 'update' | 'delete';
  readonly digest: string | null;
  readonly actor: string;
  readonly at: number;
}

/** One materialisation of a view: the interval moved to the online store. */
export interface MaterializationRecord {
  readonly view: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Rows written (entities), and rows skipped by the conflict rule. */
  readonly rows: number;
  readonly at: number;
}

/** A training set built by a point-in-time join, kept for lineage. */
export interface TrainingSetRecord {
  /** The frame fingerprint (sha256 of schema and content). */
  readonly fingerprint: string;
  /** The feature service used, or null when features were listed. */
  readonly featureService: string | null;
  /** The feature service's definition digest at the time, or null. */
  readonly featureServiceDigest: string | null;
  /** Feature references (`view:feature`), in output order. */
  readonly features: readonly string[];
  readonly rows: number;
  /** Fingerprint of the entity rows the set was built from. */
  readonly entityFingerprint: string;
  readonly createdAt: number;
}

/** The feature registry (see the module doc). Backends: every metadata store. */
export interface FeatureRegistryRepository {
  /** Every applied object, ordered by kind then name; only `kind` when given. */
  list(kind?: FeatureObjectKind): Promise<FeatureObjectRecord[]>;
  /** One object, or null. */
  get(kind: FeatureObjectKind, name: string): Promise<FeatureObjectRecord | null>;
  /**
   * Applies changes in one transaction and records each in the history: all or nothing. A change
   * whose `expectedVersion` does not match fails the whole call with `KEEL_STORE_CONFLICT`. A
   * change to the same digest is a no-op (no new version, no event). Returns the records written.
   */
  applyChanges(
    changes: readonly FeatureObjectChange[],
    by: { readonly actor: string; readonly at: number },
  ): Promise<FeatureObjectRecord[]>;
  /** The largest change sequence number so far (0 for an empty registry): cheap to poll for cache invalidation. */
  revision(): Promise<number>;
  /** Changes with `seq` greater than `afterSeq`, oldest first (at most `limit`, default 1000). */
  history(afterSeq?: number, limit?: number): Promise<FeatureChangeEvent[]>;
  /** Records a materialisation. */
  recordMaterialization(record: MaterializationRecord): Promise<void>;
  /** A view's materialisations, oldest first. */
  materializations(view: string): Promise<MaterializationRecord[]>;
  /** Records a training set (idempotent on the fingerprint: a second record of it is ignored). */
  recordTrainingSet(record: TrainingSetRecord): Promise<void>;
  /** A training set by fingerprint, or null. */
  getTrainingSet(fingerprint: string): Promise<TrainingSetRecord | null>;
}

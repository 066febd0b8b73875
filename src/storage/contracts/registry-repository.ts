import type { DataType } from '../../core/index.js';

/**
 * The model-registry part of the metadata store: registered models, their numbered
 * versions, aliases (with an audit history of every move) and tags.
 * All times are epoch milliseconds (UTC).
 */

/**
 * One input or output of a model signature. Column models (Keel's native learners) use
 * `type` (+ `levels` for categoricals); tensor models (ONNX) also give the Open Inference
 * Protocol `datatype` and `shape` (-1 = variable dimension).
 */
export interface SignatureField {
  readonly name: string;
  readonly type: DataType;
  readonly nullable?: boolean;
  /** Known levels of a categorical input; unseen levels are treated as missing. */
  readonly levels?: readonly string[];
  /** OIP datatype of a tensor (FP32, INT64, BYTES...). */
  readonly datatype?: string;
  /** Tensor shape; -1 marks a variable dimension. */
  readonly shape?: readonly number[];
}

/** What a model takes and returns. */
export interface ModelSignature {
  /** `columns`: named columns, one value per row. `tensors`: named tensors (ONNX). */
  readonly kind: 'columns' | 'tensors';
  readonly inputs: readonly SignatureField[];
  readonly outputs: readonly SignatureField[];
  /** Class labels of a classifier, in output order. */
  readonly classes?: readonly string[];
  /** `binary`, `multiclass`, `regression`, or absent when unknown (some ONNX models). */
  readonly task?: 'binary' | 'multiclass' | 'regression';
}

/** Where a model version came from. */
export interface ModelLineage {
  readonly runId: string | null;
  readonly datasetFingerprints: readonly string[];
  readonly featureService: string | null;
  readonly gitCommit: string | null;
  readonly params: Readonly<Record<string, string>>;
}

/** A registered model. `aliases` maps alias → version. */
export interface RegisteredModel {
  readonly name: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, number>>;
  /** Highest version number ever created (deleted ones included), or null when none. */
  readonly latestVersion: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One immutable version of a registered model. */
export interface ModelVersion {
  readonly model: string;
  readonly version: number;
  /** Model format: `keel-gbdt`, `keel-linear`, `onnx`. */
  readonly flavor: string;
  /** sha256 of the model file in the artifact store. */
  readonly artifactDigest: string;
  readonly artifactSize: number;
  readonly signature: ModelSignature;
  readonly metrics: Readonly<Record<string, number>>;
  readonly lineage: ModelLineage;
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string;
  /** Aliases currently pointing at this version. */
  readonly aliases: readonly string[];
  readonly createdAt: number;
  readonly createdBy: string;
}

/** One move of an alias, kept forever for audit. */
export interface AliasEvent {
  readonly model: string;
  readonly alias: string;
  /** Version the alias pointed at before, or null when it was new. */
  readonly fromVersion: number | null;
  /** Version it points at after, or null when the alias was removed. */
  readonly toVersion: number | null;
  readonly actor: string;
  readonly reason: string;
  readonly at: number;
}

/** Who did something and why, recorded with alias moves. */
export interface Attribution {
  readonly actor: string;
  readonly reason: string;
  readonly at: number;
}

/** Fields of a new model version; the store assigns `version` = latest + 1. */
export interface CreateVersionInput {
  readonly flavor: string;
  readonly artifactDigest: string;
  readonly artifactSize: number;
  readonly signature: ModelSignature;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly lineage: ModelLineage;
  readonly tags?: Readonly<Record<string, string>>;
  readonly description?: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

/** Registered models, versions and aliases. */
export interface RegistryRepository {
  /** Creates a model; `KEEL_REGISTRY_MODEL_EXISTS` when the name is taken. */
  createModel(input: {
    readonly name: string;
    readonly description?: string;
    readonly tags?: Readonly<Record<string, string>>;
    readonly createdAt: number;
  }): Promise<RegisteredModel>;
  /** The model; `KEEL_REGISTRY_MODEL_NOT_FOUND` otherwise. */
  getModel(name: string): Promise<RegisteredModel>;
  /** The model or null. */
  findModel(name: string): Promise<RegisteredModel | null>;
  /** All models ordered by name. */
  listModels(): Promise<RegisteredModel[]>;
  /** Updates a model's description. */
  updateModel(
    name: string,
    patch: { readonly description?: string; readonly updatedAt: number },
  ): Promise<void>;
  /** Sets (or overwrites) model tags. */
  setModelTags(name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Removes a model tag; absent tags are ignored. */
  deleteModelTag(name: string, key: string): Promise<void>;
  /** Deletes a model with all versions; `KEEL_REGISTRY_VERSION_IN_USE` when a deployment uses any version. */
  deleteModel(name: string): Promise<void>;

  /** Creates the next version atomically: concurrent callers get distinct numbers. */
  createVersion(model: string, input: CreateVersionInput): Promise<ModelVersion>;
  /** The version; `KEEL_REGISTRY_VERSION_NOT_FOUND` otherwise. */
  getVersion(model: string, version: number): Promise<ModelVersion>;
  /** Versions of a model, newest first. */
  listVersions(model: string): Promise<ModelVersion[]>;
  /** Sets (or overwrites) version tags. */
  setVersionTags(model: string, version: number, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Removes a version tag; absent tags are ignored. */
  deleteVersionTag(model: string, version: number, key: string): Promise<void>;
  /**
   * Deletes a version and the aliases that point at it (each removal recorded in the alias history).
   * `KEEL_REGISTRY_VERSION_IN_USE` when a deployment uses it.
   */
  deleteVersion(model: string, version: number, by: Attribution): Promise<void>;

  /** Points `alias` at `version` (creating or moving it) and records the move. */
  setAlias(model: string, alias: string, version: number, by: Attribution): Promise<AliasEvent>;
  /** Removes an alias and records it; `KEEL_REGISTRY_ALIAS_NOT_FOUND` when absent. */
  deleteAlias(model: string, alias: string, by: Attribution): Promise<AliasEvent>;
  /** The version the alias points at; `KEEL_REGISTRY_ALIAS_NOT_FOUND` otherwise. */
  resolveAlias(model: string, alias: string): Promise<ModelVersion>;
  /** Alias moves of a model (optionally one alias), oldest first. */
  aliasHistory(model: string, alias?: string): Promise<AliasEvent[]>;
}

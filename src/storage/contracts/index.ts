export type { ArtifactCapabilities, ArtifactRef, ArtifactStore } from './artifact-store.js';
export type { CacheCapabilities, CacheEntry, CacheStore } from './cache-store.js';
export type {
  Deployment,
  DeploymentEvent,
  DeploymentRepository,
  DeploymentSpec,
  DeploymentUse,
  DeploymentVariant,
  ShadowSpec,
} from './deployment-repository.js';
export type { MetadataCapabilities, MetadataStore } from './metadata-store.js';
export type {
  AliasEvent,
  Attribution,
  CreateVersionInput,
  ModelLineage,
  ModelSignature,
  ModelVersion,
  RegisteredModel,
  RegistryRepository,
  SignatureField,
} from './registry-repository.js';
export {
  type CreateRunInput,
  type Experiment,
  type FilterClause,
  type FilterOperator,
  type LifecycleStage,
  type MetricPoint,
  type OrderClause,
  RUN_STATUSES,
  type Run,
  type RunArtifact,
  type RunAttribute,
  type RunInput,
  type RunPage,
  type RunStatus,
  type SearchRunsOptions,
  type TrackingRepository,
} from './tracking-repository.js';

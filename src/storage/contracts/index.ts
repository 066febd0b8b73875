export type { AlertRuleRepository, StoredAlertRule } from './alert-rule-repository.js';
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
export type {
  FeatureChangeEvent,
  FeatureObjectChange,
  FeatureObjectKind,
  FeatureObjectRecord,
  FeatureRegistryRepository,
  MaterializationRecord,
  TrainingSetRecord,
} from './feature-registry-repository.js';
export type { LearningPolicyRecord, LearningRepository } from './learning-repository.js';
export type { MetadataCapabilities, MetadataStore } from './metadata-store.js';
export type {
  LatestRowsBatch,
  LatestRowsRequest,
  OfflineCapabilities,
  OfflineColumn,
  OfflineSource,
  OfflineStore,
  OfflineTable,
  OfflineValueType,
  PointInTimeRequest,
  PointInTimeView,
} from './offline-store.js';
export type {
  OnlineCapabilities,
  OnlineRecord,
  OnlineStore,
  OnlineValue,
  OnlineWriteResult,
  OnlineWriteRow,
} from './online-store.js';
export {
  type AttemptOutcome,
  type ListPipelineRunsOptions,
  type PipelineEventRecord,
  type PipelineRepository,
  type PipelineRunRecord,
  type PipelineRunStatus,
  type PipelineState,
  type StepArtifact,
  type StepAttemptRecord,
  type StepCacheEntry,
  type StepCompletion,
  type StepError,
  type StepRunRecord,
  type StepStatus,
  TERMINAL_STEP_STATUSES,
} from './pipeline-repository.js';
export type {
  EnqueueJob,
  JobBackoff,
  JobDelivery,
  JobHandler,
  JobInfo,
  JobState,
  JsonValue,
  ProcessOptions,
  Queue,
  QueueCapabilities,
  QueueWorker,
} from './queue.js';
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
export type { FetchOptions, StreamCapabilities, StreamMessage, StreamStore } from './stream.js';
export type { StoredStudy, StudyRepository, StudyStatus, StudyUpdate } from './study-repository.js';
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

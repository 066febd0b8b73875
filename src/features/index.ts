export {
  FeatureCatalog,
  type OnDemandInput,
  type Origins,
  type ResolvedOnDemandView,
  type ResolvedView,
} from './catalog.js';
export {
  type CommonInput,
  type DataSource,
  entity,
  type FeatureValues,
  type FeatureView,
  featureService,
  featureView,
  fileSource,
  type OnDemandFeatureView,
  onDemandFeatureView,
  type Projection,
  postgresSource,
  project,
  pushSource,
  type Refs,
  type RequestSource,
  requestSource,
  type SchemaInput,
  streamSource,
  type TransformInput,
  transformHash,
} from './define.js';
export { coerceKey, entityKeyOf, type KeyValue } from './entity-keys.js';
export { type EntityRows, type PreparedEntities, prepareEntities } from './entity-rows.js';
export { FeatureStore, type FeatureStoreOptions, type ViewFreshness } from './feature-store.js';
export { getHistoricalFeatures, type HistoricalOptions, type TrainingSet } from './historical.js';
export { type HttpAnswer, handleOnlineFeatures, handlePush } from './http-handlers.js';
export {
  type MaterializeOptions,
  type MaterializeProgress,
  type MaterializeResult,
  materialize,
  materializeIncremental,
} from './materialize.js';
export { evaluateOnDemand, type OnDemandInputs } from './on-demand.js';
export {
  type FeatureStatus,
  getOnlineFeatures,
  type OnlineFeatureColumn,
  type OnlineFeaturesResult,
  type OnlineOptions,
  onlineRows,
  type RowsInput,
  toRows,
} from './online-read.js';
export {
  defaultRepositoryDir,
  type OpenFeatureStoreOptions,
  openFeatureStore,
} from './open-feature-store.js';
export { type ApplyResult, applyPlan, type FeaturePlan, type PlannedChange, planChanges } from './plan.js';
export {
  type PushCounters,
  type PushOptions,
  type PushResult,
  type PushTarget,
  push,
  type RejectedEvent,
} from './push.js';
export { type FeatureRepository, loadFeatureRepository, repositoryFromDefinitions } from './repository.js';
export {
  type FeatureRequest,
  type FeatureSelection,
  type OnDemandRequest,
  type SelectedFeature,
  selectFeatures,
  type ViewRequest,
} from './selection.js';
export {
  checkServiceMatchesSignature,
  type FetchedFeatures,
  fetchOnlineFeatures,
  type ResolvedFeatureService,
  resolveFeatureService,
} from './serving.js';
export {
  type CommonSpec,
  type DataSourceSpec,
  type EntitySpec,
  type FeatureServiceSpec,
  type FeatureViewSpec,
  type FieldSpec,
  KIND_LABELS,
  OBJECT_KINDS,
  type ObjectKind,
  type ObjectSpec,
  type OnDemandFeatureViewSpec,
  type OnDemandTransform,
  type ProjectionSpec,
  type SourceType,
} from './specs.js';
export {
  type StreamIngestion,
  type StreamIngestionOptions,
  startStreamIngestion,
} from './stream-ingestion.js';
export { formatTtl, parseInstant, parseTtl } from './timestamps.js';
export { frameTypeOf, offlineTypeOf, parseValueType, VALUE_TYPES, type ValueType } from './value-types.js';
export { parseYamlDefinitions } from './yaml-definitions.js';

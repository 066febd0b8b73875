export {
  type BatchPredictOptions,
  type BatchPredictResult,
  predictFile,
} from './batch-predict.js';
export { type BuiltinLoaderOptions, builtinLoaders } from './builtin-loaders.js';
export {
  buildSpec,
  type DeploymentInput,
  parseAbList,
  parseDeploymentInput,
  withWeights,
} from './deploy-spec.js';
export type {
  ActiveDeployment,
  DeploymentServeOptions,
} from './deployment-manager.js';
export {
  assertDeploymentName,
  type DeploymentChange,
  DeploymentService,
  type DeploymentServiceOptions,
} from './deployment-service.js';
export { InferenceEngine } from './engine.js';
export type { DeploymentStatus, ModelStats } from './engine-catalog.js';
export type {
  EngineState,
  InferenceEngineOptions,
  PredictOptions,
  PredictResult,
} from './engine-options.js';
export type { EngineEvent, EngineEventType, EngineListener, ServedBy } from './events.js';
export { DEFAULT_MODEL_SETTINGS, type ModelSettings } from './model-settings.js';
export {
  type DeploymentRecord,
  type DeploymentSource,
  type ModelArtifact,
  type ModelLoaders,
  type ModelSource,
  nativeLoader,
  onnxLoader,
  type ResolvedModel,
  type RuntimeLoader,
} from './model-source.js';
export { NativePredictor, nativeSignature, type ParallelPredictor } from './native-predictor.js';
export type {
  InferInputTensor,
  InferOutputTensor,
  InferParameters,
  InferParameterValue,
  InferRequest,
  InferRequestedOutput,
  InferResponse,
  ModelMetadataResponse,
  RepositoryIndexEntry,
} from './oip.js';
export { OnnxPredictor, type OnnxPredictorOptions, type OnnxSource } from './onnx-predictor.js';
export { type OnnxModelInfo, readOnnxModelInfo, readOnnxSignature } from './onnx-signature.js';
export {
  type CachedOutput,
  PredictionCache,
  type PredictionCacheOptions,
  type PredictionCacheStats,
} from './prediction-cache.js';
export type {
  InputRecord,
  Predictor,
  PredictorInfo,
  RecordCheckOptions,
  RowPrediction,
} from './predictor.js';
export { deploymentUses, RegistryModelSource, StoreDeploymentSource } from './registry-sources.js';
export {
  type BatchingOptions,
  ModelScheduler,
  type SchedulerOptions,
  type SchedulerStats,
} from './scheduler.js';
export {
  allocTensorData,
  elementCount,
  isOipDatatype,
  OIP_DATATYPES,
  type OipDatatype,
  rowWidth,
  type Tensor,
  type TensorBatch,
  type TensorData,
  type TensorMetadata,
} from './tensor.js';
export {
  applyCanary,
  type CanaryAction,
  canaryPercent,
  DEFAULT_CANARY_STEP_PERCENT,
} from './traffic/canary.js';
export { compareOutputs, type OutputComparison, type OutputDifference } from './traffic/compare.js';
export { BUCKETS, murmur3, stickyBucket } from './traffic/murmur3.js';
export type { ShadowOptions } from './traffic/shadow-runner.js';
export {
  type HoldoutSlice,
  type RouteRequest,
  type StickySource,
  TrafficRouter,
} from './traffic/traffic-router.js';

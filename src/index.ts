/**
 * The `keel` package entry: the public API for using Keel from code (docs/api.md).
 * Each group re-exports from one module's index.ts only. Importing this file must stay cheap and
 * side-effect free: nothing here starts servers, timers or workers, or opens stores.
 */

import type { Keel } from './sdk/index.js';
import type { RunningServer, StartServerOptions } from './server/index.js';

// core: configuration, errors and their codes, the columnar Frame and its columns, clocks, logging.
export {
  type CategoricalColumn,
  type Clock,
  type Column,
  categoricalColumn,
  columnFromValues,
  createLogger,
  type DataType,
  defineConfig,
  type ErrorCode,
  type ErrorCodeSpec,
  type Field,
  Frame,
  isKeelError,
  type KeelConfig,
  KeelError,
  type KeelErrorOptions,
  type KeelUserConfig,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  ManualClock,
  type NumberColumn,
  numberColumn,
  type Scalar,
  type Schema,
  silentLogger,
  systemClock,
  type TextColumn,
  textColumn,
} from './core/index.js';
// data: reading and writing tables, validation against expectations, summaries, synthetic data.
export {
  type CardTransactionsData,
  type CardTransactionsOptions,
  type DataSummary,
  type Expectations,
  fingerprint,
  generateCardTransactions,
  loadExpectations,
  parseExpectations,
  type ReadBatchesOptions,
  type ReadOptions,
  type ReadResult,
  readBatches,
  readFrame,
  readTable,
  type SummarizeOptions,
  summarize,
  type ValidateOptions,
  type ValidationReport,
  validateFrame,
  type WriteOptions,
  type WriteResult,
  writeFrame,
} from './data/index.js';
// features: feature-store definitions (entities, sources, views, services) and the store itself.
export {
  entity,
  FeatureStore,
  type FeatureView,
  featureService,
  featureView,
  fileSource,
  type OnDemandFeatureView,
  onDemandFeatureView,
  postgresSource,
  project,
  pushSource,
  type RequestSource,
  requestSource,
  streamSource,
} from './features/index.js';

// learn: learners, prediction, metrics, splits and cross-validation, hyperparameter tuning (pure, no I/O).
export {
  accuracyScore,
  averagePrecisionScore,
  balancedAccuracyScore,
  brierScoreLoss,
  type CrossValidateOptions,
  type CrossValidationResult,
  confusionMatrix,
  createStudy,
  crossValidate,
  type Direction,
  defineSpace,
  evaluate,
  explainedVarianceScore,
  type Fold,
  f1Score,
  GbdtModel,
  type GbdtParams,
  kFold,
  LinearModel,
  type LinearParams,
  loadGbdtModel,
  loadLinearModel,
  logLoss,
  type Model,
  matthewsCorrcoef,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  metricGoal,
  type Params,
  type Predictions,
  type PrunerSpec,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  precisionScore,
  predictFrame,
  r2Score,
  randomSplit,
  recallScore,
  rocAucScore,
  rocCurve,
  rootMeanSquaredError,
  type SamplerSpec,
  SearchSpace,
  type SpaceSpec,
  type SplitIndices,
  Study,
  type StudyOptions,
  splitFrame,
  stratifiedKFold,
  stratifiedSplit,
  type Task,
  type TellResult,
  type TrainOptions,
  type Trial,
  timeSplit,
  topKAccuracyScore,
  trainGbdt,
  trainLinear,
} from './learn/index.js';
// monitor: drift statistics, drift reports and reference snapshots, Prometheus metrics.
export {
  buildReferenceSnapshot,
  type ColumnDrift,
  checkModelDrift,
  chi2Contingency,
  chiSquareGoodnessOfFit,
  type DriftOptions,
  type DriftReport,
  detectDrift,
  gTest,
  jensenShannon,
  KeelMetrics,
  type KeelMetricsOptions,
  ks2samp,
  proportionsZTest,
  psi,
  type ReferenceSnapshot,
  renderDriftReportHtml,
  type StatTestName,
  wassersteinDistance,
} from './monitor/index.js';
// pipelines: DAGs of steps, runners and schedules, the train/tune jobs, continuous learning.
export {
  builtin,
  defineLearningPolicy,
  definePipeline,
  type LearningPolicy,
  type LearningPolicyOptions,
  LocalRunner,
  type Pipeline,
  type PipelineOptions,
  Pipelines,
  type PipelinesOptions,
  QueueRunner,
  type RunPipelineOptions,
  runTrainJob,
  runTuneJob,
  Scheduler,
  type Step,
  type StepContext,
  type StepOptions,
  startLearningController,
  startPipelineWorker,
  step,
  type TrainJobOptions,
  type TrainJobResult,
  type TuneJobOptions,
  type TuneJobResult,
} from './pipelines/index.js';

// registry: versioned models with aliases, signatures and lineage.
export {
  type LoadedModel,
  type ModelReference,
  parseModelReference,
  Registry,
  type RegistryOptions,
} from './registry/index.js';
// sdk: a project opened for programmatic use (config, stores and services): `await Keel.open()`.
export { Keel, type OpenKeelOptions } from './sdk/index.js';
// serve: the inference engine (runtimes, batching, cache, traffic policies) and batch scoring.
export {
  type BatchPredictOptions,
  type BatchPredictResult,
  InferenceEngine,
  type InferenceEngineOptions,
  nativeLoader,
  onnxLoader,
  type PredictOptions,
  type PredictResult,
  predictFile,
} from './serve/index.js';
// server: the HTTP + gRPC server over a Keel project (`keel serve` from code); see startServer below.
export type { RunningServer, StartServerOptions } from './server/index.js';
// track: experiment tracking (experiments, runs, params, metrics, artifacts).
export {
  ActiveRun,
  type SearchOptions,
  type StartRunOptions,
  Tracking,
  type TrackingOptions,
} from './track/index.js';

/**
 * Starts a Keel server for a project (HTTP on `host:port`, gRPC on `grpcPort`), as `keel serve` does;
 * it listens at once and loads deployments in the background. Delegates to the server module, loaded
 * on the first call instead of at import: fastify and gRPC cost about a third of importing 'keel'.
 */
export async function startServer(keel: Keel, options?: StartServerOptions): Promise<RunningServer> {
  const server = await import('./server/index.js');
  return server.startServer(keel, options);
}

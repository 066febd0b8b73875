export { BUILTIN_STEPS, type BuiltinStepOptions, builtin } from './builtin/catalog.js';
export type { DatasetRef } from './builtin/datasets.js';
export type { BuiltinDefinition } from './builtin/definition.js';
export type { ModelRef } from './builtin/models.js';
export { stepCacheKey } from './cache-key.js';
export { type PipelineEvent, type PipelineEventSink, pipelineEventSink } from './events.js';
export type { PipelineRunEvent, PipelineRunResult, PriorRun } from './internal/run-loop.js';
export { PIPELINE_TAGS } from './internal/tracked-runs.js';
export { parseParamArgs, type RunParams, resolveRunParams } from './params.js';
export {
  definePipeline,
  isPipeline,
  type Pipeline,
  type PipelineOptions,
  type StepDeclaration,
} from './pipeline.js';
export { filePipelineResolver, loadPipelineFile } from './pipeline-file.js';
export {
  type PipelineResolver,
  type PipelineWorker,
  type PipelineWorkerOptions,
  startPipelineWorker,
} from './pipeline-worker.js';
export {
  type PipelineRunDetails,
  Pipelines,
  type PipelinesOptions,
  type RunPipelineOptions,
  type StartedRun,
} from './pipelines-service.js';
export { PIPELINE_STEP_QUEUE, QueueRunner, type QueueRunnerOptions, stepJobId } from './queue-runner.js';
export {
  RETRY_DEFAULTS,
  type RetryOptions,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelayMs,
  shouldRetry,
} from './retry.js';
export { LocalRunner, type PipelineRunner, type RunnerExecuteOptions } from './runner.js';
export { dueTimes, resolveSchedules, type Schedule, type ScheduleSpec } from './schedule.js';
export { type ScheduledRun, Scheduler, type SchedulerOptions } from './scheduler.js';
export {
  buildStep,
  type InputValues,
  isStep,
  type Step,
  type StepArtifacts,
  type StepContext,
  type StepOptions,
  type StepParams,
  type StepRef,
  type StepServices,
  step,
} from './step.js';
export { type ExecuteStepOptions, executeStep, type StepExecutorDeps } from './step-executor.js';
export { parseStepTask, type StepTask } from './step-task.js';
export {
  LEARNERS,
  type LearnerEntry,
  learnerFor,
  parseParamPairs,
  parseSplit,
  planSplit,
  runTrainJob,
  type SplitPlan,
  score,
  type TrainJobDeps,
  type TrainJobOptions,
  type TrainJobResult,
  type TrainPhase,
} from './training/index.js';
export {
  type AlertTriggerSpec,
  evaluateTrigger,
  type FileTriggerSpec,
  type LabelsTriggerSpec,
  type RowsTriggerSpec,
  resolveTriggers,
  type Trigger,
  type TriggerDecision,
  type TriggerSources,
  type TriggerSpec,
} from './triggers.js';
export {
  checkPrunerName,
  checkSamplerName,
  checkTuneSpace,
  DEFAULT_TUNE_SPACES,
  defaultTuneSpace,
  PRIMARY_TUNE_METRIC,
  parseTuneSpace,
  prunerSpecFor,
  readTuneSpaceFile,
  resolveTuneMetric,
  runTuneJob,
  samplerSpecFor,
  TUNE_PRUNERS,
  TUNE_SAMPLERS,
  TUNE_TAGS,
  type TuneCounts,
  type TuneEvent,
  type TuneJobDeps,
  type TuneJobOptions,
  type TuneJobResult,
  type TunePrunerName,
  type TuneSamplerName,
  type TuneSpace,
  type TuneTrialSummary,
} from './tuning/index.js';
export { pipelineFromYaml } from './yaml-pipeline.js';

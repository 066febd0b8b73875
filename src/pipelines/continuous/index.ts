export {
  type ApplyPolicyDeps,
  applyLearningPolicy,
  championVariant,
  resolvePolicyModel,
} from './apply-policy.js';
export { LearningController, type LearningControllerDeps, type TickReport } from './controller.js';
export { evaluateGate, type GateCheck, type GateOutcome } from './gate.js';
export type { TickDecision } from './internal/tick-context.js';
export { defineLearningPolicy } from './learning-policy.js';
export {
  type DriftObservation,
  type LearningSignals,
  type MonitorSignalsOptions,
  monitorSignals,
  type QualityObservation,
} from './learning-signals.js';
export {
  initialLearningState,
  type LearningPhase,
  type LearningState,
  parseLearningState,
  type RolloutState,
  type TrainingClaim,
} from './learning-state.js';
export { evaluateLearningTriggers, type TriggerEvaluation, type TriggerFiring } from './learning-triggers.js';
export { logServingSignals } from './log-serving-signals.js';
export { loadPolicyFile, parsePolicyText, policyJson } from './policy-file.js';
export type {
  CanaryOptions,
  DataOptions,
  DecayTriggerOptions,
  DriftTriggerOptions,
  DurationInput,
  EvaluationOptions,
  GateOptions,
  GuardOptions,
  LabelsTriggerOptions,
  LearningPolicyOptions,
  MetricBound,
  QualityBoundOptions,
  RolloutBoundsOptions,
  RolloutOptions,
  ScheduleTriggerOptions,
  ShadowOptions,
  TrainingOptions,
  TrainTemplate,
  TriggerOptions,
  TuneTemplate,
} from './policy-types.js';
export type {
  LearningPolicy,
  ResolvedData,
  ResolvedGate,
  ResolvedQualityBound,
  ResolvedRollout,
  ResolvedTriggers,
} from './resolved-policy.js';
export {
  type ChallengerTrainer,
  defaultTrainer,
  type TrainedChallenger,
  type TrainerDeps,
} from './retrain.js';
export {
  analyzeCanary,
  analyzeShadow,
  qualityCheck,
  type RolloutCheck,
  type RolloutVerdict,
} from './rollout-analysis.js';
export { type Evidence, jsonSafe, RolloutWriter } from './rollout-writer.js';
export { loadRegisteredModel, scoreVersion, type VersionScore } from './score-version.js';
export {
  engineServingSignals,
  type ObservedEngine,
  p99Ms,
  type ServingObservation,
  type ServingSignals,
  type ShadowObservation,
} from './serving-signals.js';
export {
  type RunningLearningController,
  type StartLearningControllerOptions,
  startLearningController,
} from './start-controller.js';
export {
  loadTrainingFrame,
  prepareTrainingData,
  type TrainingData,
  type TrainingDataDeps,
} from './training-data.js';

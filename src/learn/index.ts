export { defaultFeatureNames, encodeFrame, featureSpecs, RecordEncoder } from './encoding.js';
export {
  type CrossValidateOptions,
  type CrossValidationResult,
  crossValidate,
  type FoldResult,
  type FoldTrainer,
} from './evaluation/cross-validate.js';
export { type Fold, type KFoldOptions, kFold, stratifiedKFold } from './evaluation/folds.js';
export {
  type FrameSplitOptions,
  type RandomSplitOptions,
  randomSplit,
  type SplitFractions,
  type SplitIndices,
  splitFrame,
  stratifiedSplit,
  timeSplit,
} from './evaluation/splits.js';
export {
  createGbdtBatchPredictor,
  GbdtBatchPredictor,
  type GbdtBatchPredictorOptions,
} from './gbdt/batch-predictor.js';
export {
  GBDT_FORMAT,
  GBDT_FORMAT_VERSION,
  GbdtModel,
  type GbdtModelInfo,
  loadGbdtModel,
} from './gbdt/gbdt-model.js';
export {
  GBDT_DEFAULTS,
  type GbdtObjective,
  type GbdtParams,
  type ResolvedGbdtParams,
  resolveGbdtParams,
} from './gbdt/params.js';
export { GBDT_PARALLEL_MIN_ROWS, trainGbdt } from './gbdt/train.js';
export { encodeLabels, inferTask, type PreparedLabels, prepareLabels } from './labels.js';
export { LINEAR_FORMAT, LINEAR_FORMAT_VERSION } from './linear/linear-format.js';
export { type LinearCoefficients, LinearModel } from './linear/linear-model.js';
export type { LinearModelData, LinearTrainingInfo } from './linear/linear-model-data.js';
export { loadLinearModel } from './linear/load-linear-model.js';
export {
  LINEAR_DEFAULTS,
  type LinearParams,
  type LinearPenalty,
  type PenaltyStrength,
  penaltyStrengths,
  type ResolvedLinearParams,
  resolveLinearParams,
} from './linear/params.js';
export type {
  CategoricalPreprocessing,
  ColumnScaling,
  FeaturePreprocessing,
  NumericPreprocessing,
} from './linear/preprocessing.js';
export { trainLinear } from './linear/train-linear.js';
export {
  type Averaging,
  accuracyScore,
  balancedAccuracyScore,
  f1Score,
  matthewsCorrcoef,
  type PrfOptions,
  type PrfScores,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  topKAccuracyScore,
} from './metrics/classification.js';
export { type ConfusionMatrix, confusionMatrix, type LabelMetricOptions } from './metrics/confusion.js';
export {
  type CurveOptions,
  type PrecisionRecallCurve,
  precisionRecallCurve,
  type RocCurve,
  rocCurve,
} from './metrics/curves.js';
export { EVALUATION_METRICS, evaluate, metricGoal } from './metrics/evaluate.js';
export { brierScoreLoss, logLoss } from './metrics/probabilistic.js';
export { averagePrecisionScore, type RocAucOptions, rocAucScore } from './metrics/ranking.js';
export {
  explainedVarianceScore,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  type RegressionMetricOptions,
  r2Score,
  rootMeanSquaredError,
} from './metrics/regression.js';
export type { FeatureImportance, FeatureSpec, Model, RoundReport, Task, TrainOptions } from './model.js';
export { type ModelEnvelope, readModelEnvelope, writeModelEnvelope } from './model-format.js';
export { labelsOf, type Predictions, predictFrame } from './predict.js';
export { type ParamCondition, ResolvedParam } from './tune/param.js';
export {
  type HyperbandPrunerSpec,
  type NopPrunerSpec,
  type PercentilePrunerSpec,
  type PrunerSpec,
  type ResolvedPrunerSpec,
  resolvePrunerSpec,
  type SuccessiveHalvingPrunerSpec,
} from './tune/pruner.js';
export {
  type GridSamplerSpec,
  type RandomSamplerSpec,
  type ResolvedSamplerSpec,
  type ResolvedTpeSamplerSpec,
  resolveSamplerSpec,
  type SamplerSpec,
  TPE_DEFAULTS,
  type TpeSamplerSpec,
} from './tune/sampler.js';
export { defineSpace, SearchSpace } from './tune/space.js';
export type {
  CategoricalParamSpec,
  ChoiceValue,
  Condition,
  FloatParamSpec,
  IntParamSpec,
  ParamSpec,
  Params,
  ParamValue,
  SpaceSpec,
} from './tune/space-spec.js';
export { createStudy, Study, type TellResult } from './tune/study.js';
export type {
  PrunerStateData,
  RandomStreamData,
  SamplerStateData,
  StoredNumber,
  StudyData,
  TrialData,
} from './tune/study-data.js';
export type { StudyOptions } from './tune/study-options.js';
export type { Direction, IntermediateValue, Trial, TrialRecord, TrialState } from './tune/trial.js';

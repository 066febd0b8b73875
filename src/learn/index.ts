export { defaultFeatureNames, encodeFrame, featureSpecs, RecordEncoder } from './encoding.js';
export { inferTask, type PreparedLabels, prepareLabels } from './labels.js';
export type { FeatureImportance, FeatureSpec, Model, RoundReport, Task, TrainOptions } from './model.js';
export { type ModelEnvelope, readModelEnvelope, writeModelEnvelope } from './model-format.js';
export { labelsOf, type Predictions, predictFrame } from './predict.js';

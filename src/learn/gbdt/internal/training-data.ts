import { type Frame, KeelError } from '../../../core/index.js';
import { encodeFrame, featureSpecs, trainingFeatureNames } from '../../encoding.js';
import { encodeLabels, type PreparedLabels } from '../../labels.js';
import type { FeatureSpec, TrainOptions } from '../../model.js';
import { rowWeights } from '../../row-weights.js';
import type { ResolvedGbdtParams } from '../params.js';
import { type BinnedMatrix, binFrame } from './binning.js';

/** Everything the booster needs, checked and encoded. */
export interface TrainingData {
  readonly specs: FeatureSpec[];
  readonly weights: Float64Array;
  readonly wMax: number;
  readonly binned: BinnedMatrix;
  readonly validation: { readonly x: Float64Array; readonly y: Float64Array; readonly n: number } | null;
}

function badFeatures(message: string, details: Record<string, unknown>): KeelError {
  return new KeelError('KEEL_LEARN_BAD_FEATURES', message, { details });
}

/**
 * Checks and encodes the training frame (features, weights, bins) and the validation frame.
 * Fails with `KEEL_LEARN_BAD_FEATURES` when no feature can split (all constant or all missing).
 */
export function prepareTrainingData(
  frame: Frame,
  options: TrainOptions,
  labels: PreparedLabels,
  params: ResolvedGbdtParams,
): TrainingData {
  const specs = featureSpecs(frame, trainingFeatureNames(frame, options));
  const weights = rowWeights(frame, options, labels, params.classWeights, 'GBDT');
  let wMax = 0;
  for (let i = 0; i < weights.length; i++) wMax = Math.max(wMax, weights[i]!);
  const binned = binFrame(frame, specs, params.maxBins, params.seed);
  if (!binned.features.some((f) => f.usable)) {
    throw badFeatures(
      `Every feature is constant or entirely missing (${specs.map((s) => s.name).join(', ')}); a tree cannot split on any of them.`,
      { features: specs.map((s) => s.name) },
    );
  }
  let validation: TrainingData['validation'] = null;
  if (options.validation) {
    const v = options.validation;
    if (v.rowCount === 0) throw new KeelError('KEEL_DATA_EMPTY', 'The validation frame has no rows.');
    validation = { x: encodeFrame(v, specs), y: encodeLabels(v, options.target, labels), n: v.rowCount };
  }
  return { specs, weights, wMax, binned, validation };
}

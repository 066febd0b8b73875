import { readLinearModel } from './linear-format.js';
import { LinearModel } from './linear-model.js';

/**
 * Loads a linear model from `LinearModel.serialize()` bytes (format `keel-linear`, version 1);
 * other formats and versions fail with `KEEL_LEARN_MODEL_FORMAT`.
 */
export function loadLinearModel(bytes: Uint8Array): LinearModel {
  return new LinearModel(readLinearModel(bytes));
}

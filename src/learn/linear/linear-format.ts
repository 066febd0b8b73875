import { KeelError } from '../../core/index.js';
import type { FeatureSpec, Task } from '../model.js';
import { readModelEnvelope, writeModelEnvelope } from '../model-format.js';
import type { LinearModelData, LinearTrainingInfo } from './linear-model-data.js';
import type { ResolvedLinearParams } from './params.js';
import { designWidth, type FeaturePreprocessing } from './preprocessing.js';

/** The `format` field of a serialized linear model. */
export const LINEAR_FORMAT = 'keel-linear';
/** The current `keel-linear` format version. */
export const LINEAR_FORMAT_VERSION = 1;

/** The JSON header of a `keel-linear` model (docs/model-format.md). */
interface LinearHeader {
  readonly format: typeof LINEAR_FORMAT;
  readonly version: number;
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly features: readonly FeatureSpec[];
  readonly preprocessing: readonly FeaturePreprocessing[];
  readonly outputs: number;
  readonly designColumns: number;
  readonly intercept: readonly number[];
  readonly params: ResolvedLinearParams;
  readonly training: LinearTrainingInfo;
}

/** Encodes a linear model: JSON header plus the K x d float64 coefficients, little-endian. */
export function writeLinearModel(data: LinearModelData): Uint8Array {
  const K = data.intercept.length;
  const d = designWidth(data.preprocessing);
  const header: LinearHeader = {
    format: LINEAR_FORMAT,
    version: LINEAR_FORMAT_VERSION,
    task: data.task,
    target: data.target,
    classes: data.classes,
    features: data.features,
    preprocessing: data.preprocessing,
    outputs: K,
    designColumns: d,
    intercept: [...data.intercept],
    params: data.params,
    training: data.training,
  };
  const payload = new Uint8Array(K * d * 8);
  const view = new DataView(payload.buffer);
  for (let i = 0; i < K * d; i++) view.setFloat64(i * 8, data.coef[i]!, true);
  return writeModelEnvelope(header as unknown as Parameters<typeof writeModelEnvelope>[0], payload);
}

function bad(message: string): KeelError {
  return new KeelError('KEEL_LEARN_MODEL_FORMAT', `Bad keel-linear model: ${message}`);
}

/** Decodes `writeLinearModel` bytes; `KEEL_LEARN_MODEL_FORMAT` for other formats, versions or broken files. */
export function readLinearModel(bytes: Uint8Array): LinearModelData {
  const { header, payload } = readModelEnvelope(bytes);
  if (header.format !== LINEAR_FORMAT) {
    throw new KeelError(
      'KEEL_LEARN_MODEL_FORMAT',
      `Model format is "${header.format}", not "${LINEAR_FORMAT}".`,
      {
        details: { format: header.format },
      },
    );
  }
  if (header.version !== LINEAR_FORMAT_VERSION) {
    throw new KeelError(
      'KEEL_LEARN_MODEL_FORMAT',
      `keel-linear version ${header.version} is not supported (this Keel reads version ${LINEAR_FORMAT_VERSION}); upgrade Keel.`,
      { details: { version: header.version } },
    );
  }
  const h = header as unknown as LinearHeader;
  if (
    !Array.isArray(h.features) ||
    !Array.isArray(h.preprocessing) ||
    h.features.length !== h.preprocessing.length
  ) {
    throw bad('features and preprocessing must be arrays of the same length.');
  }
  if (!['binary', 'multiclass', 'regression'].includes(h.task))
    throw bad(`unknown task ${JSON.stringify(h.task)}.`);
  const K = h.task === 'multiclass' ? (h.classes?.length ?? 0) : 1;
  const d = designWidth(h.preprocessing);
  if (h.outputs !== K || h.designColumns !== d || h.intercept.length !== K) {
    throw bad(`header sizes disagree (outputs ${h.outputs}, design columns ${h.designColumns}).`);
  }
  if (payload.byteLength !== K * d * 8) {
    throw bad(`payload holds ${payload.byteLength} bytes, expected ${K * d * 8} (${K} x ${d} float64).`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const coef = new Float64Array(K * d);
  for (let i = 0; i < K * d; i++) coef[i] = view.getFloat64(i * 8, true);
  return {
    task: h.task,
    target: h.target,
    features: h.features,
    classes: h.classes,
    preprocessing: h.preprocessing,
    coef,
    intercept: Float64Array.from(h.intercept),
    params: h.params,
    training: h.training,
  };
}

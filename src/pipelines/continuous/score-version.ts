import { type Frame, KeelError } from '../../core/index.js';
import {
  GBDT_FORMAT,
  LINEAR_FORMAT,
  loadGbdtModel,
  loadLinearModel,
  type Model,
  readModelEnvelope,
} from '../../learn/index.js';
import type { Registry } from '../../registry/index.js';
import type { ModelVersion } from '../../storage/index.js';
import { score } from '../training/index.js';

/** A registered version's metrics on a frame. */
export interface VersionScore {
  readonly version: ModelVersion;
  /** The task's standard metric set (auc, logloss... or rmse, r2...), scikit-learn's definitions. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Loads a registered Keel model (gbdt or linear); other flavors cannot be scored in-process. */
export async function loadRegisteredModel(
  registry: Registry,
  ref: string,
): Promise<{ version: ModelVersion; model: Model }> {
  const { version, bytes } = await registry.load(ref);
  const format = readModelEnvelope(bytes).header.format;
  if (format === GBDT_FORMAT) return { version, model: loadGbdtModel(bytes) };
  if (format === LINEAR_FORMAT) return { version, model: loadLinearModel(bytes) };
  throw new KeelError(
    'KEEL_LEARN_MODEL_FORMAT',
    `Model ${version.model}/${version.version} has format "${format}"; the evaluation gate scores Keel models (gbdt, linear) only.`,
    { details: { model: version.model, version: version.version, format } },
  );
}

/** Scores the version `ref` resolves to on `frame` (which holds its features and `target`). */
export async function scoreVersion(
  registry: Registry,
  ref: string,
  frame: Frame,
  target: string,
): Promise<VersionScore> {
  const { version, model } = await loadRegisteredModel(registry, ref);
  return { version, metrics: score(model, frame, target) };
}

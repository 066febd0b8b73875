import { KeelError } from '../../core/index.js';
import {
  GBDT_FORMAT,
  LINEAR_FORMAT,
  loadGbdtModel,
  loadLinearModel,
  type Model,
  readModelEnvelope,
} from '../../learn/index.js';
import type { StepArtifact } from '../../storage/index.js';
import type { StepContext } from '../step.js';

/** A trained model passed between built-in steps. */
export interface ModelRef {
  readonly kind: 'model';
  readonly artifact: StepArtifact;
  /** `gbdt` or `linear`. */
  readonly learner: string;
  /** The registry flavor (`keel-gbdt`, `keel-linear`). */
  readonly flavor: string;
  readonly task: string;
  readonly target: string;
  readonly features: readonly string[];
  /** Fingerprint of the training data. */
  readonly trainedOn: string;
  /** The tracked run that trained it (lineage for the registry). */
  readonly runId: string;
  /** The artifact path of the model file in that run. */
  readonly runPath: string;
  /** Digest of the training data's drift reference snapshot, when the train step made one. */
  readonly referenceSnapshot?: string;
}

/** Stores a trained model's bytes as `model.bin` and returns its reference. */
export async function saveModel(
  ctx: StepContext,
  model: Model,
  trainedOn: string,
  referenceSnapshot?: string,
): Promise<ModelRef> {
  const artifact = await ctx.artifacts.save('model.bin', model.serialize());
  return {
    kind: 'model',
    artifact,
    learner: model.learner,
    flavor: `keel-${model.learner}`,
    task: model.task,
    target: model.target,
    features: model.features.map((f) => f.name),
    trainedOn,
    runId: ctx.run.id,
    runPath: 'artifacts/model.bin',
    ...(referenceSnapshot ? { referenceSnapshot } : {}),
  };
}

/** Loads a model reference's bytes with the learner that wrote them. */
export async function loadModel(
  ctx: StepContext,
  value: unknown,
  input: string,
): Promise<{ ref: ModelRef; model: Model }> {
  const ref = asModel(value, ctx.step, input);
  const bytes = await ctx.artifacts.read(ref.artifact);
  const format = readModelEnvelope(bytes).header.format;
  if (format === GBDT_FORMAT) return { ref, model: loadGbdtModel(bytes) };
  if (format === LINEAR_FORMAT) return { ref, model: loadLinearModel(bytes) };
  throw new KeelError(
    'KEEL_LEARN_MODEL_FORMAT',
    `Step "${ctx.step}": model format "${format}" is not a Keel learner's.`,
    {
      details: { step: ctx.step, format },
    },
  );
}

/** Checks that an input is a model reference (the result of a train step). */
export function asModel(value: unknown, step: string, input: string): ModelRef {
  const v = value as Partial<ModelRef> | null;
  if (v?.kind !== 'model' || typeof v.artifact?.digest !== 'string') {
    throw new KeelError(
      'KEEL_PIPELINE_INVALID',
      `Step "${step}" input "${input}" must be a model (the result of a train step).`,
      { details: { step, input } },
    );
  }
  return v as ModelRef;
}

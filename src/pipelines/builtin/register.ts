import { REFERENCE_SNAPSHOT_TAG } from '../../monitor/index.js';
import { Registry } from '../../registry/index.js';
import { nativeSignature } from '../../serve/index.js';
import type { BuiltinDefinition } from './definition.js';
import { loadModel } from './models.js';

/**
 * `register`: registers the `model` input (a train or evaluate result) as a new version of the
 * registered model `name`, pointing at the training run's model file (lineage: run, dataset
 * fingerprint, git commit) with the evaluation metrics when present, and moves `aliases` to it.
 * Cached like any step: the same model is registered once.
 */
export const registerStep: BuiltinDefinition = {
  kind: 'register',
  description: 'Register a model version',
  inputs: ['model'],
  optionalInputs: [],
  params: { name: null, aliases: [], description: '' },
  required: ['name'],
  cache: true,
  version: '2',
  check: (p) =>
    typeof p.name !== 'string' || p.name === ''
      ? 'name must be the registered model name'
      : !Array.isArray(p.aliases) || !p.aliases.every((a) => typeof a === 'string')
        ? 'aliases must be a list of alias names'
        : null,
  async run(inputs, params, ctx) {
    const { ref, model } = await loadModel(ctx, inputs.model, 'model');
    const metrics = flatMetrics((inputs.model as { metrics?: unknown }).metrics);
    const registry = new Registry({ ...ctx.stores, clock: ctx.clock, actor: `pipeline:${ctx.pipeline}` });
    const version = await registry.register({
      model: String(params.name),
      runId: ref.runId,
      artifactPath: ref.runPath,
      flavor: ref.flavor,
      signature: nativeSignature(model),
      metrics,
      lineage: { datasetFingerprints: [ref.trainedOn] },
      // The drift reference snapshot of the training data (monitoring and the learning loop read it).
      ...(ref.referenceSnapshot ? { tags: { [REFERENCE_SNAPSHOT_TAG]: ref.referenceSnapshot } } : {}),
      description: String(params.description),
      aliases: (params.aliases as string[]).map(String),
      reason: `pipeline ${ctx.pipeline} run ${ctx.runId}`,
    });
    await ctx.run.setTags({
      'keel.registered_model': version.model,
      'keel.registered_version': String(version.version),
    });
    return {
      kind: 'registered',
      model: version.model,
      version: version.version,
      ref: `${version.model}/${version.version}`,
    };
  },
};

/** Metrics as `name → number`, nested sets (`{ validation: { auc } }`) flattened to `validation.auc`. */
function flatMetrics(value: unknown, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'number') out[`${prefix}${k}`] = v;
    else if (v && typeof v === 'object') Object.assign(out, flatMetrics(v, `${prefix}${k}.`));
  }
  return out;
}

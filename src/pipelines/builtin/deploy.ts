import { KeelError } from '../../core/index.js';
import { Registry } from '../../registry/index.js';
import { DeploymentService, RegistryModelSource } from '../../serve/index.js';
import type { BuiltinDefinition } from './definition.js';

const MODES = ['replace', 'canary', 'shadow'];

/**
 * `deploy`: points deployment `deployment` at the `model` input (a register result): `replace`
 * (default) makes it the single variant; `canary` starts a canary at `percent`; `shadow` mirrors
 * `percent` of requests to it. With `alias`, the deployment follows `<model>@<alias>` (which must
 * point at the registered version) instead of pinning the version, so moving the alias (as the
 * continuous-learning loop does) redeploys. With `featureService` (replace only), requests carry entity keys and
 * the server joins the service's online features (checked against the model's signature first).
 * Running servers pick the change up on their next poll. Not cached: a deployment may have changed
 * since.
 */
export const deployStep: BuiltinDefinition = {
  kind: 'deploy',
  description: 'Deploy a registered model version',
  inputs: ['model'],
  optionalInputs: [],
  params: { deployment: null, mode: 'replace', percent: 10, featureService: null, alias: null },
  required: ['deployment'],
  cache: false,
  version: '2',
  check: (p) =>
    typeof p.deployment !== 'string' || p.deployment === ''
      ? 'deployment must name a deployment'
      : !MODES.includes(String(p.mode))
        ? `mode must be one of ${MODES.join(', ')}`
        : !(Number(p.percent) > 0 && Number(p.percent) <= 100)
          ? 'percent must be in (0, 100]'
          : p.featureService !== null && (typeof p.featureService !== 'string' || p.mode !== 'replace')
            ? 'featureService must name a feature service, with mode replace'
            : p.alias !== null && (typeof p.alias !== 'string' || p.alias === '')
              ? 'alias must name an alias of the registered version (e.g. champion)'
              : null,
  async run(inputs, params, ctx) {
    const ref = (inputs.model as { kind?: string; ref?: string } | null)?.ref;
    if ((inputs.model as { kind?: string } | null)?.kind !== 'registered' || typeof ref !== 'string') {
      throw new KeelError(
        'KEEL_PIPELINE_INVALID',
        `Step "${ctx.step}" input "model" must be the result of a register step.`,
        {
          details: { step: ctx.step, input: 'model' },
        },
      );
    }
    const actor = `pipeline:${ctx.pipeline}`;
    const registry = new Registry({ ...ctx.stores, clock: ctx.clock, actor });
    const service = new DeploymentService({
      repository: ctx.stores.metadata.deployments,
      models: new RegistryModelSource(registry),
      clock: ctx.clock,
      actor,
      checkFeatureService: async (serviceName, spec) => {
        if (!ctx.services.featureStore) {
          throw new KeelError(
            'KEEL_INVALID_ARGUMENT',
            `Step "${ctx.step}" sets featureService, which needs the project's feature store; this runner was not given one.`,
          );
        }
        const store = await ctx.services.featureStore();
        const resolved = await store.resolveFeatureService(serviceName);
        for (const v of spec.variants)
          store.checkServiceMatchesSignature(resolved, (await registry.resolve(v.ref)).signature);
      },
    });
    const pinned = ref;
    const model = pinned.slice(0, pinned.lastIndexOf('/'));
    if (typeof params.alias === 'string') {
      const aliased = `${model}@${params.alias}`;
      const [a, b] = await Promise.all([registry.resolve(aliased), registry.resolve(pinned)]);
      if (a.version !== b.version) {
        throw new KeelError(
          'KEEL_INVALID_ARGUMENT',
          `Step "${ctx.step}": alias ${aliased} points at version ${a.version}, not the registered ${pinned}. Give the register step aliases: [${params.alias}].`,
          { details: { step: ctx.step, alias: aliased, version: a.version, registered: pinned } },
        );
      }
    }
    const target = typeof params.alias === 'string' ? `${model}@${params.alias}` : pinned;
    const name = String(params.deployment);
    const change = {
      reason: `pipeline ${ctx.pipeline} run ${ctx.runId}`,
      evidence: { run: ctx.runId, ref: target },
    };
    const percent = Number(params.percent);
    const deployment =
      params.mode === 'canary'
        ? await service.canary(name, { type: 'start', ref: target, percent }, change)
        : params.mode === 'shadow'
          ? await service.setShadow(name, { ref: target, percent }, change)
          : await service.put(
              name,
              {
                model: target,
                ...(typeof params.featureService === 'string'
                  ? { featureService: params.featureService }
                  : {}),
              },
              change,
            );
    return {
      kind: 'deployed',
      deployment: name,
      revision: deployment.revision,
      ref: target,
      mode: String(params.mode),
    };
  },
};

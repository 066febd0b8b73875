import { KeelError } from '../../core/index.js';
import { Registry } from '../../registry/index.js';
import { DeploymentService, RegistryModelSource } from '../../serve/index.js';
import type { BuiltinDefinition } from './definition.js';

const MODES = ['replace', 'canary', 'shadow'];

/**
 * `deploy`: points deployment `deployment` at the `model` input (a register result): `replace`
 * (default) makes it the single variant; `canary` starts a canary at `percent`; `shadow` mirrors
 * `percent` of requests to it. Running servers pick the change up on their next poll. Not cached:
 * a deployment may have changed since.
 */
export const deployStep: BuiltinDefinition = {
  kind: 'deploy',
  description: 'Deploy a registered model version',
  inputs: ['model'],
  optionalInputs: [],
  params: { deployment: null, mode: 'replace', percent: 10 },
  required: ['deployment'],
  cache: false,
  version: '1',
  check: (p) =>
    typeof p.deployment !== 'string' || p.deployment === ''
      ? 'deployment must name a deployment'
      : !MODES.includes(String(p.mode))
        ? `mode must be one of ${MODES.join(', ')}`
        : !(Number(p.percent) > 0 && Number(p.percent) <= 100)
          ? 'percent must be in (0, 100]'
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
    });
    const name = String(params.deployment);
    const change = { reason: `pipeline ${ctx.pipeline} run ${ctx.runId}`, evidence: { run: ctx.runId, ref } };
    const percent = Number(params.percent);
    const deployment =
      params.mode === 'canary'
        ? await service.canary(name, { type: 'start', ref, percent }, change)
        : params.mode === 'shadow'
          ? await service.setShadow(name, { ref, percent }, change)
          : await service.put(name, { model: ref }, change);
    return {
      kind: 'deployed',
      deployment: name,
      revision: deployment.revision,
      ref,
      mode: String(params.mode),
    };
  },
};

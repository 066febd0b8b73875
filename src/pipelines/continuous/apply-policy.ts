import { type Clock, isKeelError, KeelError } from '../../core/index.js';
import { parseModelReference, type Registry } from '../../registry/index.js';
import type { DeploymentSpec, LearningPolicyRecord, MetadataStore } from '../../storage/index.js';
import { initialLearningState, learningStateJson } from './learning-state.js';
import { policyJson } from './policy-file.js';
import type { LearningPolicy } from './resolved-policy.js';
import { jsonSafe } from './rollout-writer.js';

/** What applying a policy needs. */
export interface ApplyPolicyDeps {
  readonly metadata: MetadataStore;
  readonly registry: Registry;
  readonly clock: Clock;
}

/** The variant that serves the champion: `stable` in a canary, else the first. */
export function championVariant(spec: DeploymentSpec): { readonly name: string; readonly ref: string } {
  const v = spec.variants.find((x) => x.name === 'stable') ?? spec.variants[0];
  return { name: v?.name ?? 'primary', ref: v?.ref ?? '' };
}

/**
 * The registered model a policy governs, checked against its deployment: the deployment must exist
 * and serve `<model>@<championAlias>` (so promotion can move the alias), and the alias must resolve.
 * Fails with `KEEL_POLICY_INVALID` naming the deployment and what to change.
 */
export async function resolvePolicyModel(deps: ApplyPolicyDeps, policy: LearningPolicy): Promise<string> {
  const d = policy.deployment;
  const bad = (why: string, cause?: unknown): KeelError =>
    new KeelError('KEEL_POLICY_INVALID', `Learning policy of deployment "${d}": ${why}`, {
      details: { deployment: d },
      ...(cause === undefined ? {} : { cause }),
    });
  const deployment = await deps.metadata.deployments.find(d);
  if (!deployment) {
    throw bad(
      `the deployment does not exist, so its triggers could never act. Create it first: keel deploy ${d} --model <model>@${policy.championAlias}`,
    );
  }
  const served = championVariant(deployment.spec).ref;
  const ref = parseModelReference(served);
  const model = policy.model ?? ref.model;
  if (ref.kind !== 'alias' || ref.alias !== policy.championAlias || ref.model !== model) {
    throw bad(
      `it serves ${served}, but the loop promotes by moving an alias: serve ${model}@${policy.championAlias} instead (keel deploy ${d} --model ${model}@${policy.championAlias}).`,
    );
  }
  try {
    await deps.registry.resolve(`${model}@${policy.championAlias}`);
  } catch (error) {
    if (!isKeelError(error)) throw error;
    throw bad(error.message, error);
  }
  return model;
}

/**
 * Stores a policy for its deployment (after `resolvePolicyModel`): a new policy starts `idle`, a
 * replaced one keeps its loop state (a rollout in progress continues under the new bounds). The
 * change is recorded in the deployment's history as `policy-apply`.
 */
export async function applyLearningPolicy(
  deps: ApplyPolicyDeps,
  policy: LearningPolicy,
): Promise<LearningPolicyRecord> {
  const model = await resolvePolicyModel(deps, policy);
  const now = deps.clock.now();
  const record = await deps.metadata.learning.putPolicy(
    policy.deployment,
    policyJson(policy, model),
    learningStateJson(initialLearningState(now)),
    now,
  );
  const t = policy.triggers;
  await deps.metadata.deployments.recordEvent(policy.deployment, {
    actor: policy.actor,
    reason:
      record.revision === 1 ? 'continuous-learning policy applied' : 'continuous-learning policy replaced',
    at: now,
    action: 'policy-apply',
    evidence: jsonSafe({
      model,
      triggers: {
        drift: t.drift,
        decay: t.decay,
        schedule: t.schedule ? { cron: t.schedule.cron, timezone: t.schedule.timezone } : null,
        labels: t.labels,
      },
      gate: policy.gate,
      canarySteps: policy.rollout.canary.steps,
      shadow: policy.rollout.shadow,
      guards: policy.guards,
    }),
  });
  return record;
}

import { isValidName } from '../../core/index.js';
import { assertAliasName } from '../../registry/index.js';
import { checkDuration, checkKeys, policyError } from './internal/policy-checks.js';
import { resolveData, resolveEvaluation, resolveGuards, resolveTraining } from './internal/resolve-data.js';
import { resolveGate, resolveRollout } from './internal/resolve-rollout.js';
import { resolveTriggers } from './internal/resolve-triggers.js';
import type { LearningPolicyOptions } from './policy-types.js';
import type { LearningPolicy } from './resolved-policy.js';

const TOP_KEYS = [
  'deployment',
  'model',
  'target',
  'championAlias',
  'challengerAlias',
  'interval',
  'triggers',
  'data',
  'training',
  'evaluation',
  'gate',
  'rollout',
  'guards',
  'actor',
];

/**
 * Checks a continuous-learning policy and fills its defaults (listed in docs/continuous-learning.md).
 * A policy that cannot work fails here with `KEEL_POLICY_INVALID` naming the field and the bound:
 * no trigger, a gate that can never pass (`auc` min above 1, an improvement larger than the metric's
 * range, min above max), canary steps that are not strictly increasing within (0, 100], a drift
 * share outside (0, 1], a bad cron expression, unknown metrics or options. Whether the deployment
 * exists is checked when the policy is applied (`applyLearningPolicy`).
 */
export function defineLearningPolicy(options: LearningPolicyOptions): LearningPolicy {
  const name = typeof options?.deployment === 'string' ? options.deployment : '?';
  const o = checkKeys(name, 'policy', options, TOP_KEYS) as unknown as LearningPolicyOptions;
  if (!isValidName(o.deployment)) {
    throw policyError(
      name,
      'deployment',
      'must be a deployment name (a letter, then letters, digits, _ . -).',
    );
  }
  const d = o.deployment;
  if (o.model !== undefined && !isValidName(o.model)) throw policyError(d, 'model', 'must be a model name.');
  if (typeof o.target !== 'string' || o.target.trim() === '') {
    throw policyError(d, 'target', 'must name the column to predict (e.g. target: is_fraud).');
  }
  const championAlias = alias(d, 'championAlias', o.championAlias ?? 'champion');
  const challengerAlias = alias(d, 'challengerAlias', o.challengerAlias ?? 'challenger');
  if (championAlias === challengerAlias) {
    throw policyError(d, 'challengerAlias', `must differ from championAlias ("${championAlias}").`);
  }
  const guards = resolveGuards(d, o.guards);
  return {
    deployment: d,
    model: o.model ?? null,
    target: o.target,
    championAlias,
    challengerAlias,
    intervalMs: checkDuration(d, 'interval', o.interval, 60_000, 1000),
    triggers: resolveTriggers(d, o.triggers),
    data: resolveData(d, o.data),
    training: resolveTraining(d, o.training, o.target),
    evaluation: resolveEvaluation(d, o.evaluation),
    gate: resolveGate(d, o.gate),
    rollout: resolveRollout(d, o.rollout),
    guards,
    actor: typeof o.actor === 'string' && o.actor !== '' ? o.actor : 'keel-learning',
    options: o,
  };
}

function alias(deployment: string, field: string, value: unknown): string {
  try {
    assertAliasName(String(value));
  } catch (error) {
    throw policyError(deployment, field, `is not a valid alias: ${(error as Error).message}`);
  }
  return String(value);
}

import { type Clock, isKeelError } from '../../core/index.js';
import { applyCanary, deploymentUses, TrafficRouter } from '../../serve/index.js';
import type {
  Deployment,
  DeploymentEvent,
  DeploymentRepository,
  DeploymentSpec,
} from '../../storage/index.js';

/** Evidence of a decision: JSON facts (numbers, thresholds, versions). */
export type Evidence = Readonly<Record<string, unknown>>;

/**
 * Writes the loop's decisions to a deployment: spec changes (shadow, canary steps, promotion,
 * rollback) with their action, reason and evidence in one history event each, optimistic on the
 * revision (retried once from a fresh read), validated with the engine's traffic compiler; and
 * decisions that change no spec (triggers, retrains, blessings) as events only.
 */
export class RolloutWriter {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly clock: Clock,
    private readonly actor: string,
  ) {}

  /** The deployment as stored now; `KEEL_DEPLOY_NOT_FOUND` when it was deleted. */
  current(deployment: string): Promise<Deployment> {
    return this.repository.get(deployment);
  }

  /** Records a decision that does not change the spec. */
  record(deployment: string, action: string, reason: string, evidence: Evidence): Promise<DeploymentEvent> {
    return this.repository.recordEvent(deployment, {
      actor: this.actor,
      reason,
      at: this.clock.now(),
      action,
      evidence: jsonSafe(evidence),
    });
  }

  /** Mirrors `ref` at `percent` (action `shadow-start`). */
  startShadow(
    d: string,
    ref: string,
    percent: number,
    reason: string,
    evidence: Evidence,
  ): Promise<Deployment> {
    return this.change(d, 'shadow-start', reason, evidence, (spec) => ({
      ...spec,
      shadow: { ref, percent },
    }));
  }

  /** Removes the mirror (action `shadow-end`). */
  endShadow(d: string, reason: string, evidence: Evidence): Promise<Deployment> {
    return this.change(d, 'shadow-end', reason, evidence, (spec) => ({ ...spec, shadow: null }));
  }

  /** Starts a canary of `ref` at `percent` with a holdout slice pinned to the stable variant (action `canary-start`). */
  startCanary(
    d: string,
    ref: string,
    percent: number,
    holdoutPercent: number,
    reason: string,
    evidence: Evidence,
  ): Promise<Deployment> {
    return this.change(d, 'canary-start', reason, evidence, (spec) => {
      const started = applyCanary({ ...spec, shadow: null }, { type: 'start', ref, percent });
      return {
        ...started,
        options: { ...spec.options, holdout: { percent: holdoutPercent, variant: 'stable' } },
      };
    });
  }

  /** Sets the canary's share (action `canary-step`). */
  stepCanary(d: string, percent: number, reason: string, evidence: Evidence): Promise<Deployment> {
    return this.change(d, 'canary-step', reason, evidence, (spec) =>
      applyCanary(spec, { type: 'step', percent }),
    );
  }

  /**
   * Serves `ref` alone (the champion alias, already moved), dropping the canary, the mirror and the
   * holdout: action `promote` or `rollback`.
   */
  finish(
    d: string,
    action: 'promote' | 'rollback',
    ref: string,
    reason: string,
    evidence: Evidence,
  ): Promise<Deployment> {
    return this.change(d, action, reason, evidence, (spec) => {
      const { holdout: _dropped, ...options } = spec.options;
      return {
        ...spec,
        mode: 'single',
        variants: [{ name: 'primary', ref, weight: 100 }],
        shadow: null,
        options,
      };
    });
  }

  private async change(
    d: string,
    action: string,
    reason: string,
    evidence: Evidence,
    next: (spec: DeploymentSpec) => DeploymentSpec,
  ): Promise<Deployment> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.repository.get(d);
      const spec = next(current.spec);
      new TrafficRouter(d, spec);
      try {
        return await this.repository.put(
          d,
          spec,
          deploymentUses(spec),
          { actor: this.actor, reason, at: this.clock.now(), action, evidence: jsonSafe(evidence) },
          current.revision,
        );
      } catch (error) {
        if (attempt === 0 && isKeelError(error, 'KEEL_STORE_CONFLICT')) continue;
        throw error;
      }
    }
  }
}

/** Evidence made JSON-safe: non-finite numbers become strings (`"Infinity"`), undefined is dropped. */
export function jsonSafe(evidence: Evidence): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(evidence, (_key, value: unknown) =>
      typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
    ),
  ) as Record<string, unknown>;
}

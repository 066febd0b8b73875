import { type Clock, isKeelError, isValidName, KeelError } from '../core/index.js';
import type { Deployment, DeploymentEvent, DeploymentRepository, DeploymentSpec } from '../storage/index.js';
import { buildSpec, type DeploymentInput, withWeights } from './deploy-spec.js';
import type { ModelSource } from './model-source.js';
import { deploymentUses } from './registry-sources.js';
import { applyCanary, type CanaryAction, canaryPercent } from './traffic/canary.js';
import { TrafficRouter } from './traffic/traffic-router.js';

/** Who changes a deployment and why (kept in its history). */
export interface DeploymentChange {
  /** Default: the service's actor. */
  readonly actor?: string;
  /** Default: a description of the change. */
  readonly reason?: string;
  /** Facts behind the decision (metrics, thresholds), recorded with the event. */
  readonly evidence?: Readonly<Record<string, unknown>>;
}

/** What a `DeploymentService` works on. */
export interface DeploymentServiceOptions {
  readonly repository: DeploymentRepository;
  /** Checks that every reference resolves before a spec is written (the registry); omitted = no check. */
  readonly models?: Pick<ModelSource, 'resolve'>;
  /**
   * Checks a deployment's feature service against its models (the feature store's
   * `checkServiceMatchesSignature`); omitted = not checked here.
   */
  readonly checkFeatureService?: (service: string, spec: DeploymentSpec) => Promise<void>;
  readonly clock: Clock;
  /** Recorded on changes when the caller names nobody. Default `unknown`. */
  readonly actor?: string;
}

/**
 * Creates and changes deployments in the metadata store: specs are validated (the same compiler
 * the engine uses), references checked against the registry, the versions in use recorded, and
 * every change written with its history event, optimistic on the revision. Running servers pick
 * changes up through their poller; nothing here talks to an engine.
 */
export class DeploymentService {
  constructor(private readonly options: DeploymentServiceOptions) {}

  /** Every deployment, by name. */
  list(): Promise<Deployment[]> {
    return this.options.repository.list();
  }

  /** One deployment; `KEEL_DEPLOY_NOT_FOUND` when absent. */
  get(name: string): Promise<Deployment> {
    return this.options.repository.get(name);
  }

  /** The recorded changes and decisions of a deployment, oldest first. */
  history(name: string): Promise<DeploymentEvent[]> {
    return this.options.repository.history(name);
  }

  /** Creates or updates a deployment from `input` (fields left out keep their current value). */
  put(name: string, input: DeploymentInput, change: DeploymentChange = {}): Promise<Deployment> {
    return this.change(
      name,
      (current) => ({
        spec: buildSpec(input, current?.spec ?? null),
        action: current ? 'update' : 'create',
        reason: describe(input),
      }),
      change,
    );
  }

  /** Sets the weights of named variants (A/B or canary); unknown variant names fail. */
  setWeights(
    name: string,
    weights: Readonly<Record<string, number>>,
    change: DeploymentChange = {},
  ): Promise<Deployment> {
    return this.change(
      name,
      (current) => ({
        spec: withWeights(required(name, current).spec, weights),
        action: 'weights',
        reason: `weights ${Object.entries(weights)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      }),
      change,
    );
  }

  /** Runs a canary command (start, step, promote, rollback) on the stored spec. */
  canary(name: string, action: CanaryAction, change: DeploymentChange = {}): Promise<Deployment> {
    return this.change(
      name,
      (current) => {
        const spec = applyCanary(required(name, current).spec, action);
        const kind =
          action.type === 'promote' || action.type === 'rollback' ? action.type : `canary-${action.type}`;
        const what =
          action.type === 'start'
            ? `canary ${action.ref} at ${canaryPercent(spec)}%`
            : action.type === 'step'
              ? `canary at ${canaryPercent(spec)}%`
              : `${action.type} to ${spec.variants[0]!.ref}`;
        return { spec, action: kind, reason: what };
      },
      change,
    );
  }

  /** Adds (or replaces) the shadow mirror, or removes it with `null`. */
  setShadow(
    name: string,
    shadow: { readonly ref: string; readonly percent?: number } | null,
    change: DeploymentChange = {},
  ): Promise<Deployment> {
    return this.change(
      name,
      (current) => {
        const spec = required(name, current).spec;
        const next = buildSpec(
          { shadow: shadow ? { ref: shadow.ref, percent: shadow.percent ?? 100 } : null },
          spec,
        );
        return shadow
          ? { spec: next, action: 'shadow-add', reason: `shadow ${shadow.ref} at ${shadow.percent ?? 100}%` }
          : { spec: next, action: 'shadow-remove', reason: 'shadow removed' };
      },
      change,
    );
  }

  /** Deletes a deployment (its history is kept); servers stop serving it on their next poll. */
  async delete(name: string, change: DeploymentChange = {}): Promise<void> {
    await this.options.repository.delete(name, {
      actor: change.actor ?? this.actor(),
      reason: change.reason ?? 'deleted',
      at: this.options.clock.now(),
    });
  }

  /**
   * Reads the current deployment, computes the new spec, validates it and writes it with the
   * revision read; a concurrent writer makes it retry once from the fresh state.
   */
  private async change(
    name: string,
    next: (current: Deployment | null) => { spec: DeploymentSpec; action: string; reason: string },
    change: DeploymentChange = {},
  ): Promise<Deployment> {
    assertDeploymentName(name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.options.repository.find(name);
      const { spec, action, reason } = next(current);
      await this.validate(name, spec);
      try {
        return await this.options.repository.put(
          name,
          spec,
          deploymentUses(spec),
          {
            actor: change.actor ?? this.actor(),
            reason: change.reason ?? reason,
            at: this.options.clock.now(),
            action,
            ...(change.evidence ? { evidence: change.evidence } : {}),
          },
          current?.revision ?? 0,
        );
      } catch (error) {
        if (attempt === 0 && isKeelError(error, 'KEEL_STORE_CONFLICT')) continue;
        throw error;
      }
    }
  }

  private async validate(name: string, spec: DeploymentSpec): Promise<void> {
    const router = new TrafficRouter(name, spec);
    const models = this.options.models;
    if (models) {
      const refs = [...router.variants.map((v) => v.ref), ...(spec.shadow ? [spec.shadow.ref] : [])];
      await Promise.all([...new Set(refs)].map((ref) => models.resolve(ref)));
    }
    if (spec.featureService && this.options.checkFeatureService) {
      await this.options.checkFeatureService(spec.featureService, spec);
    }
  }

  private actor(): string {
    return this.options.actor ?? 'unknown';
  }
}

/** Fails with `KEEL_INVALID_ARGUMENT` unless `name` is a valid deployment name. */
export function assertDeploymentName(name: string): void {
  if (!isValidName(name)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `"${String(name).slice(0, 80)}" is not a deployment name: start with a letter, then letters, digits, _ . - (at most 128).`,
      { details: { deployment: String(name).slice(0, 80) } },
    );
  }
}

function required(name: string, current: Deployment | null): Deployment {
  if (!current) {
    throw new KeelError(
      'KEEL_DEPLOY_NOT_FOUND',
      `Deployment "${name}" does not exist. Create it with: keel deploy ${name} --model <ref>`,
      { details: { deployment: name } },
    );
  }
  return current;
}

function describe(input: DeploymentInput): string {
  if (input.model) return `deploy ${input.model}`;
  if (input.variants) return `variants ${input.variants.map((v) => `${v.ref}=${v.weight}`).join(', ')}`;
  return 'update';
}

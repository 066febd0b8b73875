import type { Attribution } from './registry-repository.js';

/**
 * Deployments: named endpoints that map traffic onto model versions with a policy.
 * The store keeps the spec as data, a revision counter for optimistic concurrency
 * and change polling, the model versions each deployment uses (so the registry can
 * refuse to delete them), and a history of every decision with its evidence.
 */

/** One variant of a deployment: a model reference and its share of traffic. */
export interface DeploymentVariant {
  /** Variant name, unique in the deployment (`primary`, `a`, `b`, `stable`, `canary`...). */
  readonly name: string;
  /** Model reference as given: `name@alias`, `name/version` or `name` (latest). */
  readonly ref: string;
  /** Share of traffic, >= 0. Weights are relative; they need not sum to 100. */
  readonly weight: number;
}

/** A mirror that receives a copy of a share of requests; its answers are logged, never returned. */
export interface ShadowSpec {
  readonly ref: string;
  /** Share of requests mirrored, 0..100. */
  readonly percent: number;
}

/** The traffic policy of a deployment. */
export interface DeploymentSpec {
  /** `single`: one variant. `ab`: weighted variants. `canary`: `stable` + `canary` variants. */
  readonly mode: 'single' | 'ab' | 'canary';
  readonly variants: readonly DeploymentVariant[];
  /** Request field (or header, `header:<name>`) that makes variant assignment sticky; null = random. */
  readonly stickyKey: string | null;
  readonly shadow: ShadowSpec | null;
  /** Feature service whose online features are fetched for entity-keyed requests; null = none. */
  readonly featureService: string | null;
  /** Extra policy data owned by the serving and continuous-learning modules (canary steps, holdout...). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A model version a deployment depends on: pinned (`version`) or through an alias (`alias`). */
export interface DeploymentUse {
  readonly model: string;
  readonly version: number | null;
  readonly alias: string | null;
}

/** A stored deployment. */
export interface Deployment {
  readonly name: string;
  readonly spec: DeploymentSpec;
  /** Starts at 1 and grows by 1 on every change. */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One recorded decision or change, with the evidence behind it. */
export interface DeploymentEvent {
  readonly deployment: string;
  /** `create`, `update`, `canary-step`, `promote`, `rollback`, `shadow-add`, `retrain`, `bless`... */
  readonly action: string;
  readonly actor: string;
  readonly reason: string;
  /** Numbers and facts that justified the decision (metrics, thresholds, versions). */
  readonly evidence: Readonly<Record<string, unknown>>;
  /** Revision after the event (unchanged for events that did not change the spec). */
  readonly revision: number;
  readonly at: number;
}

/** Deployments and their history. */
export interface DeploymentRepository {
  /**
   * Creates or replaces a deployment's spec and the uses derived from it, and records an event
   * with `action`. With `expectedRevision`, fails with `KEEL_STORE_CONFLICT` when the stored
   * revision differs (0 = must not exist yet).
   */
  put(
    name: string,
    spec: DeploymentSpec,
    uses: readonly DeploymentUse[],
    event: Attribution & { readonly action: string; readonly evidence?: Readonly<Record<string, unknown>> },
    expectedRevision?: number,
  ): Promise<Deployment>;
  /** The deployment; `KEEL_DEPLOY_NOT_FOUND` otherwise. */
  get(name: string): Promise<Deployment>;
  /** The deployment or null. */
  find(name: string): Promise<Deployment | null>;
  /** All deployments ordered by name. */
  list(): Promise<Deployment[]>;
  /** Deletes a deployment (its history is kept). `KEEL_DEPLOY_NOT_FOUND` when absent. */
  delete(name: string, by: Attribution): Promise<void>;
  /** Records an event that does not change the spec (a blessing, a retrain, a refused promotion). */
  recordEvent(
    name: string,
    event: Attribution & { readonly action: string; readonly evidence?: Readonly<Record<string, unknown>> },
  ): Promise<DeploymentEvent>;
  /** Events of a deployment, oldest first. */
  history(name: string): Promise<DeploymentEvent[]>;
}

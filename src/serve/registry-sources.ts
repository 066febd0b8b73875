import { type Clock, KeelError } from '../core/index.js';
import { parseModelReference, type Registry } from '../registry/index.js';
import type { DeploymentRepository, DeploymentSpec, DeploymentUse } from '../storage/index.js';
import type {
  DeploymentRecord,
  DeploymentSource,
  ModelArtifact,
  ModelSource,
  ResolvedModel,
} from './model-source.js';

/**
 * The engine's `ModelSource` over the model registry: `resolve` answers what a reference points at
 * now (`KEEL_REGISTRY_*` errors pass through), `fetch` reads the version's file from the artifact
 * store, checksum verified.
 */
export class RegistryModelSource implements ModelSource {
  constructor(private readonly registry: Registry) {}

  /** The version `ref` (`name@alias`, `name/3`, `name`) points at now. */
  async resolve(ref: string): Promise<ResolvedModel> {
    const v = await this.registry.resolve(ref);
    return {
      model: v.model,
      version: v.version,
      flavor: v.flavor,
      signature: v.signature,
      artifactDigest: v.artifactDigest,
    };
  }

  /** The model file of a resolved version, as bytes. */
  async fetch(model: ResolvedModel): Promise<ModelArtifact> {
    const loaded = await this.registry.load({ kind: 'version', model: model.model, version: model.version });
    if (loaded.version.artifactDigest !== model.artifactDigest) {
      throw new KeelError(
        'KEEL_SERVE_LOAD_FAILED',
        `Model ${model.model}/${model.version} changed its file while loading; it will be retried.`,
        { details: { model: model.model, version: model.version } },
      );
    }
    return { bytes: loaded.bytes };
  }
}

/**
 * The model versions a spec depends on (variants and shadow), one entry per distinct reference:
 * pinned versions keep their number, aliases their name, `latest` neither. The registry refuses to
 * delete versions in use.
 */
export function deploymentUses(spec: DeploymentSpec): DeploymentUse[] {
  const refs = [...spec.variants.map((v) => v.ref), ...(spec.shadow ? [spec.shadow.ref] : [])];
  const seen = new Map<string, DeploymentUse>();
  for (const ref of refs) {
    const r = parseModelReference(ref);
    const use: DeploymentUse = {
      model: r.model,
      version: r.kind === 'version' ? r.version : null,
      alias: r.kind === 'alias' ? r.alias : null,
    };
    seen.set(`${use.model}\0${use.version}\0${use.alias}`, use);
  }
  return [...seen.values()];
}

/** Maps the engine's canary reasons (`canary step`...) to history actions; anything else is `update`. */
function actionOf(reason: string): string {
  const m = /^canary (start|step|promote|rollback)\b/.exec(reason);
  if (!m) return 'update';
  return m[1] === 'promote' || m[1] === 'rollback' ? m[1] : `canary-${m[1]}`;
}

/**
 * The engine's `DeploymentSource` over the metadata store's deployments: `list` is polled,
 * `update` writes a new spec with its uses and a history event, optimistic on the revision
 * (`KEEL_STORE_CONFLICT` when another writer got there first).
 */
export class StoreDeploymentSource implements DeploymentSource {
  constructor(
    private readonly repository: DeploymentRepository,
    private readonly clock: Clock,
    private readonly actor = 'server',
  ) {}

  /** Every stored deployment with its spec and revision. */
  async list(): Promise<readonly DeploymentRecord[]> {
    return this.repository.list();
  }

  /** Writes `spec` when the stored revision is still `expectedRevision`. */
  async update(
    name: string,
    spec: DeploymentSpec,
    expectedRevision: number,
    reason: string,
  ): Promise<DeploymentRecord> {
    return this.repository.put(
      name,
      spec,
      deploymentUses(spec),
      { actor: this.actor, reason, at: this.clock.now(), action: actionOf(reason) },
      expectedRevision,
    );
  }
}

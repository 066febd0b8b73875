import { type Clock, isKeelError, KeelError } from '../core/index.js';
import type {
  AliasEvent,
  ArtifactStore,
  Attribution,
  MetadataStore,
  ModelVersion,
  RegisteredModel,
} from '../storage/index.js';
import { assertAliasName } from './alias-name.js';
import { type ModelReference, parseModelReference } from './model-reference.js';
import { type RegisterVersionOptions, registerVersion } from './registration.js';

/** What the registry service works on. */
export interface RegistryOptions {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly clock: Clock;
  /** Who acts, recorded on versions and alias moves (default `unknown`). */
  readonly actor?: string;
}

/** Who and why, for changes that are audited; the actor defaults to the service's. */
export interface ChangeOptions {
  readonly reason?: string;
  readonly actor?: string;
}

/** A resolved reference with the model bytes, checksum-verified. */
export interface LoadedModel {
  readonly version: ModelVersion;
  readonly bytes: Buffer;
}

/**
 * The model registry: versions registered from runs with lineage, references (`name@alias`,
 * `name/3`, `name`) resolved, aliases moved with an audit trail, tags, deletion with in-use checks.
 */
export class Registry {
  private readonly opts: RegistryOptions;

  constructor(options: RegistryOptions) {
    this.opts = options;
  }

  /** Registers a new version (see `registerVersion`); the model is created when missing. */
  register(options: RegisterVersionOptions): Promise<ModelVersion> {
    return registerVersion(
      {
        metadata: this.opts.metadata,
        artifacts: this.opts.artifacts,
        now: () => this.opts.clock.now(),
        actor: this.actor(),
      },
      options,
    );
  }

  /** Creates an empty model (versions usually create it); `KEEL_REGISTRY_MODEL_EXISTS` when taken. */
  createModel(
    name: string,
    options: { readonly description?: string; readonly tags?: Readonly<Record<string, string>> } = {},
  ): Promise<RegisteredModel> {
    return this.opts.metadata.registry.createModel({ name, ...options, createdAt: this.opts.clock.now() });
  }

  /** The model version a reference names, with a message saying how to fix a missing alias or version. */
  async resolve(ref: string | ModelReference): Promise<ModelVersion> {
    const r = typeof ref === 'string' ? parseModelReference(ref) : ref;
    const repo = this.opts.metadata.registry;
    if (r.kind === 'version') return repo.getVersion(r.model, r.version);
    if (r.kind === 'latest') {
      const [latest] = await repo.listVersions(r.model);
      if (!latest) {
        throw new KeelError(
          'KEEL_REGISTRY_VERSION_NOT_FOUND',
          `Model "${r.model}" has no versions yet; register one first.`,
          {
            details: { model: r.model },
          },
        );
      }
      return latest;
    }
    try {
      return await repo.resolveAlias(r.model, r.alias);
    } catch (error) {
      if (!isKeelError(error, 'KEEL_REGISTRY_ALIAS_NOT_FOUND')) throw error;
      const model = await repo.getModel(r.model);
      const known = Object.keys(model.aliases);
      throw new KeelError(
        'KEEL_REGISTRY_ALIAS_NOT_FOUND',
        `Model "${r.model}" has no alias "${r.alias}"${known.length > 0 ? ` (it has: ${known.join(', ')})` : ''}. Set one with: keel models alias ${r.model} ${r.alias} ${model.latestVersion ?? '<version>'}`,
        { cause: error, details: { model: r.model, alias: r.alias, aliases: known } },
      );
    }
  }

  /** Resolves a reference and reads its model file from the artifact store (checksum verified). */
  async load(ref: string | ModelReference): Promise<LoadedModel> {
    const version = await this.resolve(ref);
    return { version, bytes: await this.opts.artifacts.get(version.artifactDigest) };
  }

  /** A model with its tags and aliases. */
  getModel(name: string): Promise<RegisteredModel> {
    return this.opts.metadata.registry.getModel(name);
  }

  /** Every model, by name. */
  listModels(): Promise<RegisteredModel[]> {
    return this.opts.metadata.registry.listModels();
  }

  /** The versions of a model, newest first. */
  listVersions(model: string): Promise<ModelVersion[]> {
    return this.opts.metadata.registry.listVersions(model);
  }

  /** Points `alias` at `version` (validated name; `latest` is reserved), recording who and why. */
  async setAlias(
    model: string,
    alias: string,
    version: number,
    change: ChangeOptions = {},
  ): Promise<AliasEvent> {
    assertAliasName(alias);
    return this.opts.metadata.registry.setAlias(
      model,
      alias,
      version,
      this.by(change, `alias ${alias} -> ${version}`),
    );
  }

  /** Removes an alias, recording who and why. */
  deleteAlias(model: string, alias: string, change: ChangeOptions = {}): Promise<AliasEvent> {
    return this.opts.metadata.registry.deleteAlias(model, alias, this.by(change, `alias ${alias} removed`));
  }

  /** Alias moves of a model (optionally one alias), oldest first. */
  aliasHistory(model: string, alias?: string): Promise<AliasEvent[]> {
    return this.opts.metadata.registry.aliasHistory(model, alias);
  }

  /** Sets tags on a model, or on one version when the reference names one (`fraud/3`, `fraud@champion`). */
  async setTags(ref: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const target = await this.tagTarget(ref);
    if (target.version === null) await this.opts.metadata.registry.setModelTags(target.model, tags);
    else await this.opts.metadata.registry.setVersionTags(target.model, target.version, tags);
  }

  /** Removes tags from a model or version (see `setTags`); absent tags are ignored. */
  async deleteTags(ref: string, keys: readonly string[]): Promise<void> {
    const target = await this.tagTarget(ref);
    await this.opts.metadata.transaction(async (tx) => {
      for (const key of keys) {
        if (target.version === null) await tx.registry.deleteModelTag(target.model, key);
        else await tx.registry.deleteVersionTag(target.model, target.version, key);
      }
    });
  }

  /** Deletes a version (its aliases are removed and recorded); refused while a deployment uses it. */
  deleteVersion(model: string, version: number, change: ChangeOptions = {}): Promise<void> {
    return this.opts.metadata.registry.deleteVersion(
      model,
      version,
      this.by(change, `version ${version} deleted`),
    );
  }

  /** Deletes a model and all its versions; refused while a deployment uses it. */
  deleteModel(model: string): Promise<void> {
    return this.opts.metadata.registry.deleteModel(model);
  }

  private async tagTarget(ref: string): Promise<{ model: string; version: number | null }> {
    const r = parseModelReference(ref);
    if (r.kind === 'latest' && !/[/@]/.test(ref)) {
      await this.opts.metadata.registry.getModel(r.model);
      return { model: r.model, version: null };
    }
    const v = await this.resolve(r);
    return { model: v.model, version: v.version };
  }

  private by(change: ChangeOptions, fallback: string): Attribution {
    return {
      actor: change.actor ?? this.actor(),
      reason: change.reason ?? fallback,
      at: this.opts.clock.now(),
    };
  }

  private actor(): string {
    return this.opts.actor ?? 'unknown';
  }
}

import { type Clock, KeelError, type Logger } from '../core/index.js';
import type { DeploymentManager } from './deployment-manager.js';
import type { ModelManager, ModelSlot } from './model-manager.js';
import type { DeploymentRecord, DeploymentSource } from './model-source.js';
import type { ModelMetadataResponse, RepositoryIndexEntry } from './oip.js';
import type { Target } from './request-runner.js';
import type { SchedulerStats } from './scheduler.js';
import { applyCanary, type CanaryAction, canaryPercent } from './traffic/canary.js';

/** A deployment as it serves now. */
export interface DeploymentStatus {
  readonly name: string;
  readonly revision: number;
  readonly mode: 'single' | 'ab' | 'canary';
  /** Canary share in percent (0 outside canary mode). */
  readonly canaryPercent: number;
  readonly variants: readonly {
    readonly name: string;
    readonly ref: string;
    /** Share of traffic, 0..1. */
    readonly share: number;
    /** Version answering now, or null while not loaded. */
    readonly version: number | null;
  }[];
  readonly shadow: { readonly ref: string; readonly percent: number; readonly version: number | null } | null;
  /** The last failure to apply a newer revision, or null. */
  readonly error: string | null;
}

/** Counters of one loaded model version. */
export interface ModelStats extends SchedulerStats {
  readonly model: string;
  readonly version: number;
  readonly queued: number;
  readonly running: number;
  /** Requests currently holding the version (queued, running or formatting). */
  readonly inflight: number;
}

const EXPLICIT = 'explicit';
const NO_FIELDS: ReadonlySet<string> = new Set();
const NO_OPTIONS = {} as const;

function notLoaded(name: string, version?: string | number): KeelError {
  const what = version === undefined ? `"${name}"` : `"${name}" version ${version}`;
  return new KeelError(
    'KEEL_SERVE_MODEL_NOT_LOADED',
    `Model ${what} is not served here. Load it (POST /v2/repository/models/${name}/load) or deploy it.`,
    { details: { model: name, ...(version !== undefined ? { version: String(version) } : {}) } },
  );
}

/**
 * The engine's catalogue side: which deployments and model references it serves, their OIP
 * metadata and repository index, explicit load/unload, canary commands and statistics.
 */
export class EngineCatalog {
  constructor(
    protected readonly modelManager: ModelManager,
    protected readonly deploymentManager: DeploymentManager,
    protected readonly deploymentSource: DeploymentSource | null,
    protected readonly clock: Clock,
    protected readonly log: Logger,
  ) {}

  /** Target for a loaded reference (direct call, no policy). */
  protected targetOfRef(ref: string): Target {
    const slot = this.modelManager.slot(ref);
    if (!slot) throw notLoaded(ref);
    return {
      deployment: null,
      variant: null,
      slot,
      shadow: null,
      options: NO_OPTIONS,
      allowedFields: NO_FIELDS,
    };
  }

  /** Target for an OIP model name and optional version: a deployment's variant, a reference or a loaded version. */
  protected targetOf(name: string, version: string | number | undefined): Target {
    if (version === undefined) return this.targetOfRef(name);
    const v = Number(version);
    if (!Number.isSafeInteger(v) || v < 1) throw notLoaded(name, version);
    const d = this.deploymentManager.get(name);
    if (d) {
      const index = d.slots.findIndex((s) => s.current?.resolved.version === v);
      if (index < 0) throw notLoaded(name, version);
      return {
        ...this.targetOfRef(d.slots[index]!.ref),
        deployment: name,
        variant: d.router.variants[index]!.name,
      };
    }
    const slot = [...this.modelManager.allSlots()].find((s) => s.current?.key === `${name}/${v}`);
    if (!slot) throw notLoaded(name, version);
    return this.targetOfRef(slot.ref);
  }

  /** The error for a request to a deployment that does not serve. */
  protected deploymentMissing(name: string): KeelError {
    const failure = this.deploymentManager.failure(name);
    if (failure) {
      return new KeelError(
        'KEEL_SERVE_MODEL_NOT_READY',
        `Deployment "${name}" is not serving yet: ${failure.message}`,
        {
          details: { deployment: name, retryAfterSeconds: 1 },
          cause: failure,
        },
      );
    }
    return new KeelError('KEEL_DEPLOY_NOT_FOUND', `Deployment "${name}" does not exist on this server.`, {
      details: { deployment: name },
    });
  }

  /** True when every explicitly loaded reference serves a version. */
  protected explicitReady(): boolean {
    for (const s of this.modelManager.allSlots()) if (s.pins.has(EXPLICIT) && !s.current) return false;
    return true;
  }

  /** OIP model metadata of a deployment, reference or loaded version; `KEEL_SERVE_MODEL_NOT_LOADED` otherwise. */
  modelMetadata(name: string, version?: string | number): ModelMetadataResponse {
    const d = version === undefined ? this.deploymentManager.get(name) : undefined;
    const slots = d ? d.slots : [this.targetOf(name, version).slot];
    const loaded = slots.map((s) => s.current).filter((m) => m !== null);
    const first = loaded[0];
    if (!first) throw notLoaded(name, version);
    const info = first.predictor.info;
    const versions = [...new Set(loaded.map((m) => String(m.resolved.version)))];
    return { name, versions, platform: info.platform, inputs: info.inputs, outputs: info.outputs };
  }

  /** True when `name` (and `version`) would answer now. */
  isModelReady(name: string, version?: string | number): boolean {
    try {
      if (version === undefined && this.deploymentManager.get(name)) {
        return this.deploymentManager.get(name)!.slots.every((s) => s.current !== null);
      }
      return this.targetOf(name, version).slot.current !== null;
    } catch {
      return false;
    }
  }

  /** The OIP repository index: deployments and explicitly loaded references with their state. */
  repositoryIndex(options: { readonly ready?: boolean } = {}): RepositoryIndexEntry[] {
    const out: RepositoryIndexEntry[] = [];
    for (const d of this.deploymentManager.all()) {
      const ready = d.slots.every((s) => s.current);
      const failure = this.deploymentManager.failure(d.name);
      out.push({
        name: d.name,
        version: String(d.slots[0]?.current?.resolved.version ?? ''),
        state: ready ? 'READY' : 'LOADING',
        reason: failure ? failure.message : '',
      });
    }
    for (const s of this.modelManager.allSlots()) {
      if (!s.pins.has(EXPLICIT)) continue;
      out.push({
        name: s.ref,
        ...(s.current ? { version: String(s.current.resolved.version) } : {}),
        state: s.state,
        reason: s.lastError?.message ?? '',
      });
    }
    const shown = options.ready ? out.filter((e) => e.state === 'READY') : out;
    return shown.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Loads (or reloads) `name`: a deployment of the source is re-applied, anything else is a model
   * reference served until `unload`. Resolves when it serves; throws the load error otherwise (a
   * reload failure leaves the previous version serving).
   */
  async load(name: string): Promise<ModelMetadataResponse> {
    const record = this.deploymentSource
      ? (await this.deploymentSource.list()).find((r) => r.name === name)
      : undefined;
    if (record) {
      await this.deploymentManager.apply(record, true);
      return this.modelMetadata(name);
    }
    const slot = this.modelManager.pin(name, EXPLICIT);
    await this.modelManager.refresh(slot, true);
    if (slot.lastError) {
      if (!slot.current) this.modelManager.unpin(name, EXPLICIT);
      throw slot.lastError;
    }
    return this.modelMetadata(name);
  }

  /** Stops serving an explicitly loaded reference; its version is released after in-flight requests. */
  async unload(name: string): Promise<void> {
    if (this.deploymentManager.get(name)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `"${name}" is a deployment: delete the deployment to stop serving it.`,
      );
    }
    const slot = this.modelManager.slot(name);
    if (!slot?.pins.has(EXPLICIT)) throw notLoaded(name);
    this.modelManager.unpin(name, EXPLICIT);
  }

  /** Serves a deployment record at once (no source needed), loading its models first; throws on failure. */
  async applyDeployment(record: DeploymentRecord): Promise<DeploymentStatus> {
    await this.deploymentManager.apply(record, true);
    return this.deploymentStatus(record.name);
  }

  /**
   * Runs a canary command (start, step, promote, rollback) on a serving deployment: writes the new
   * spec through the deployment source when it can (optimistic on the revision), then applies it.
   */
  async canary(
    name: string,
    action: CanaryAction,
    reason = `canary ${action.type}`,
  ): Promise<DeploymentStatus> {
    const d = this.deploymentManager.get(name);
    if (!d) throw this.deploymentMissing(name);
    const spec = applyCanary(d.spec, action);
    const record =
      this.deploymentSource?.update !== undefined
        ? await this.deploymentSource.update(name, spec, d.revision, reason)
        : { name, spec, revision: d.revision + 1 };
    await this.deploymentManager.apply(record, true);
    return this.deploymentStatus(name);
  }

  /** The feature service a serving deployment fetches online features from, or null (cheap: one map read). */
  featureServiceOf(name: string): string | null {
    return this.deploymentManager.get(name)?.spec.featureService ?? null;
  }

  /** The serving state of a deployment; `KEEL_DEPLOY_NOT_FOUND` when it does not serve. */
  deploymentStatus(name: string): DeploymentStatus {
    const d = this.deploymentManager.get(name);
    if (!d) throw this.deploymentMissing(name);
    const total = d.router.variants.reduce((s, v) => s + v.weight, 0) || 1;
    const version = (s: ModelSlot | null): number | null => s?.current?.resolved.version ?? null;
    return {
      name,
      revision: d.revision,
      mode: d.spec.mode,
      canaryPercent: canaryPercent(d.spec),
      variants: d.router.variants.map((v, i) => ({
        name: v.name,
        ref: v.ref,
        share: d.spec.mode === 'single' ? 1 : v.weight / total,
        version: version(d.slots[i] ?? null),
      })),
      shadow: d.spec.shadow ? { ...d.spec.shadow, version: version(d.shadowSlot) } : null,
      error: this.deploymentManager.failure(name)?.message ?? null,
    };
  }

  /** Every serving deployment, by name. */
  listDeployments(): DeploymentStatus[] {
    return this.deploymentManager
      .all()
      .map((d) => this.deploymentStatus(d.name))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Counters of every loaded version. */
  modelStats(): ModelStats[] {
    return this.modelManager.allLoaded().map((m) => ({
      ...m.scheduler.stats,
      model: m.resolved.model,
      version: m.resolved.version,
      queued: m.scheduler.load.queued,
      running: m.scheduler.load.running,
      inflight: m.inflight,
    }));
  }
}

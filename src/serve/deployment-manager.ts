import { type Clock, isKeelError, KeelError, type Logger } from '../core/index.js';
import type { DeploymentSpec } from '../storage/index.js';
import type { EventHub } from './events.js';
import type { ModelManager, ModelSlot } from './model-manager.js';
import type { DeploymentRecord } from './model-source.js';
import { TrafficRouter } from './traffic/traffic-router.js';

/** Serving options read from `DeploymentSpec.options` (all optional). */
export interface DeploymentServeOptions {
  /** Use the prediction cache for this deployment (overrides the model setting). */
  readonly cache?: boolean;
  /** Per-request timeout for this deployment, in ms (overrides the engine default). */
  readonly timeoutMs?: number;
  /** Fields the models do not use: `reject` (default) or `ignore`. The sticky field is always allowed. */
  readonly extraFields?: 'reject' | 'ignore';
}

/** A deployment as it serves now: the compiled policy and the slot of each variant (router order). */
export interface ActiveDeployment {
  readonly name: string;
  readonly revision: number;
  readonly spec: DeploymentSpec;
  readonly router: TrafficRouter;
  readonly slots: readonly ModelSlot[];
  readonly shadowSlot: ModelSlot | null;
  readonly options: DeploymentServeOptions;
  readonly allowedFields: ReadonlySet<string>;
}

function serveOptions(
  name: string,
  options: Readonly<Record<string, unknown>> | undefined,
): DeploymentServeOptions {
  const o = options ?? {};
  const bad = (what: string): KeelError =>
    new KeelError('KEEL_DEPLOY_INVALID', `Deployment "${name}": ${what}`, { details: { deployment: name } });
  if (o.cache !== undefined && typeof o.cache !== 'boolean')
    throw bad('options.cache must be true or false.');
  const t = o.timeoutMs;
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t) && t > 0)) {
    throw bad('options.timeoutMs must be a positive number of milliseconds.');
  }
  if (o.extraFields !== undefined && o.extraFields !== 'reject' && o.extraFields !== 'ignore') {
    throw bad('options.extraFields must be "reject" or "ignore".');
  }
  return {
    ...(o.cache !== undefined ? { cache: o.cache as boolean } : {}),
    ...(t !== undefined ? { timeoutMs: t as number } : {}),
    ...(o.extraFields !== undefined ? { extraFields: o.extraFields as 'reject' | 'ignore' } : {}),
  };
}

/**
 * Keeps the engine's deployments in step with their source. A new revision is applied atomically:
 * its models are loaded and warmed first, then the compiled policy is swapped in one assignment;
 * when a model fails, the previous revision keeps serving and the failure is recorded (retried with
 * backoff on later polls).
 */
export class DeploymentManager {
  private readonly active = new Map<string, ActiveDeployment>();
  private readonly failures = new Map<
    string,
    { revision: number; error: KeelError; retryAt: number; attempts: number }
  >();
  private known: ReadonlySet<string> = new Set();
  private readonly applying = new Map<string, { revision: number; done: Promise<void> }>();

  constructor(
    private readonly models: ModelManager,
    private readonly clock: Clock,
    private readonly events: EventHub,
    private readonly log: Logger,
    private readonly retryBaseMs: number,
  ) {}

  /** The serving deployment of that name. */
  get(name: string): ActiveDeployment | undefined {
    return this.active.get(name);
  }

  /** Every serving deployment. */
  all(): ActiveDeployment[] {
    return [...this.active.values()];
  }

  /** The last failure of a deployment's newest revision, if it failed. */
  failure(name: string): KeelError | null {
    return this.failures.get(name)?.error ?? null;
  }

  /** True when every deployment of the last sync serves and each of its variants has a ready version. */
  isReady(): boolean {
    for (const name of this.known) {
      const d = this.active.get(name);
      if (!d || d.slots.some((s) => !s.current)) return false;
    }
    return true;
  }

  /** Applies new and changed revisions and removes deployments that are gone. Never throws. */
  async sync(records: readonly DeploymentRecord[]): Promise<void> {
    this.known = new Set(records.map((r) => r.name));
    await Promise.all(
      records.map((r) =>
        this.apply(r).catch(() => {
          // Recorded in `failures` and emitted; the previous revision keeps serving.
        }),
      ),
    );
    for (const name of [...this.active.keys()]) if (!this.known.has(name)) this.remove(name);
  }

  /**
   * Serves `record` once its models are ready. Unchanged revisions are a no-op; `force` retries a
   * failed revision before its backoff ends. Throws the failure (previous revision still serving).
   */
  async apply(record: DeploymentRecord, force = false): Promise<void> {
    // One apply per deployment at a time: the same revision joins, a newer one waits its turn.
    const running = this.applying.get(record.name);
    if (running?.revision === record.revision) return running.done;
    if (running) await running.done.catch(() => undefined);
    const done = this.applyNow(record, force).finally(() => {
      if (this.applying.get(record.name)?.done === done) this.applying.delete(record.name);
    });
    this.applying.set(record.name, { revision: record.revision, done });
    return done;
  }

  private async applyNow(record: DeploymentRecord, force: boolean): Promise<void> {
    const { name, revision, spec } = record;
    const current = this.active.get(name);
    if (current && current.revision === revision) return;
    const failed = this.failures.get(name);
    if (failed && failed.revision === revision && !force && this.clock.now() < failed.retryAt)
      throw failed.error;
    const owner = `deployment:${name}#${revision}`;
    const pinned: string[] = [];
    try {
      const router = new TrafficRouter(name, spec);
      const options = serveOptions(name, spec.options);
      const slots = router.variants.map((v) => {
        pinned.push(v.ref);
        return this.models.pin(v.ref, owner);
      });
      await Promise.all(slots.map((s) => this.models.refresh(s, force)));
      const missing = slots.find((s) => !s.current);
      if (missing)
        throw missing.lastError ?? new KeelError('KEEL_SERVE_LOAD_FAILED', `Loading ${missing.ref} failed.`);
      let shadowSlot: ModelSlot | null = null;
      if (spec.shadow) {
        pinned.push(spec.shadow.ref);
        shadowSlot = this.models.pin(spec.shadow.ref, owner);
        // A failing shadow never blocks the deployment: it is retried on later polls.
        await this.models.refresh(shadowSlot, force);
      }
      const allowedFields = new Set(router.sticky?.kind === 'field' ? [router.sticky.name] : []);
      this.active.set(name, { name, revision, spec, router, slots, shadowSlot, options, allowedFields });
      this.failures.delete(name);
      if (current) this.unpinRevision(current);
      this.events.emit({ type: 'deployment-applied', deployment: name, revision, at: this.clock.now() });
    } catch (error) {
      for (const ref of pinned) this.models.unpin(ref, owner);
      const wrapped = isKeelError(error)
        ? error
        : new KeelError('KEEL_SERVE_LOAD_FAILED', `Deployment "${name}" failed: ${String(error)}`, {
            cause: error,
          });
      const attempts = failed?.revision === revision ? failed.attempts + 1 : 1;
      const retryAt = this.clock.now() + Math.min(300_000, this.retryBaseMs * 2 ** (attempts - 1));
      this.failures.set(name, { revision, error: wrapped, retryAt, attempts });
      this.log.warn(
        { deployment: name, revision, code: wrapped.code, err: wrapped },
        'deployment not applied',
      );
      this.events.emit({
        type: 'deployment-failed',
        deployment: name,
        revision,
        error: wrapped,
        keptRevision: current?.revision ?? null,
        at: this.clock.now(),
      });
      throw wrapped;
    }
  }

  /** Stops serving a deployment; its models drain and are released when nothing else uses them. */
  remove(name: string): void {
    const d = this.active.get(name);
    this.failures.delete(name);
    if (!d) return;
    this.active.delete(name);
    this.unpinRevision(d);
  }

  private unpinRevision(d: ActiveDeployment): void {
    const owner = `deployment:${d.name}#${d.revision}`;
    for (const s of d.slots) this.models.unpin(s.ref, owner);
    if (d.shadowSlot) this.models.unpin(d.shadowSlot.ref, owner);
  }
}

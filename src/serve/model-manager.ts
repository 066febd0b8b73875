import { type Clock, isKeelError, KeelError, type Logger } from '../core/index.js';
import { type ModelReference, parseModelReference } from '../registry/index.js';
import type { EventHub } from './events.js';
import { LoadedModel } from './loaded-model.js';
import { type ModelSettings, schedulerOptions } from './model-settings.js';
import type { ModelLoaders, ModelSource, ResolvedModel } from './model-source.js';
import { ModelScheduler } from './scheduler.js';

/** OIP repository states of a model reference. */
export type SlotState = 'LOADING' | 'READY' | 'UNAVAILABLE';

/** A served model reference (`fraud@champion`, `fraud/3`) and the version answering it now. */
export class ModelSlot {
  current: LoadedModel | null = null;
  lastError: KeelError | null = null;
  /** Who keeps the reference loaded: `explicit` or `deployment:<name>`. */
  readonly pins = new Set<string>();
  /** A failed version and when it may be tried again (exponential backoff on the engine clock). */
  failure: { key: string; attempts: number; retryAt: number } | null = null;
  refreshing: Promise<void> | null = null;

  constructor(
    readonly ref: string,
    readonly parsed: ModelReference,
  ) {}

  get state(): SlotState {
    if (this.current) return 'READY';
    return this.refreshing ? 'LOADING' : 'UNAVAILABLE';
  }
}

/** What the model manager needs from the engine. */
export interface ModelManagerOptions {
  readonly source: ModelSource;
  readonly loaders: ModelLoaders;
  readonly clock: Clock;
  readonly log: Logger;
  readonly events: EventHub;
  /** Settings for a model name. */
  readonly settingsFor: (model: string) => ModelSettings;
  /** Base of the retry backoff after a failed load, in ms (doubles per failure, at most 5 minutes). */
  readonly retryBaseMs: number;
}

/**
 * Loads, warms, swaps and releases model versions for the references the engine serves.
 * A new version takes traffic only after it loaded and passed warm-up; a failed load leaves the
 * previous version serving (`KEEL_SERVE_LOAD_FAILED` recorded); versions shared by several
 * references are loaded once; a replaced version is released after its last request finished.
 */
export class ModelManager {
  private readonly slots = new Map<string, ModelSlot>();
  private readonly loaded = new Map<string, LoadedModel>();
  private readonly loading = new Map<string, Promise<LoadedModel>>();
  private readonly releasing = new Set<Promise<void>>();

  constructor(private readonly options: ModelManagerOptions) {}

  /** The slot of a reference, if served. */
  slot(ref: string): ModelSlot | undefined {
    return this.slots.get(ref);
  }

  /** Every served reference. */
  allSlots(): IterableIterator<ModelSlot> {
    return this.slots.values();
  }

  /** A live loaded version, if some reference serves it. */
  find(model: string, version: number): LoadedModel | undefined {
    const m = this.loaded.get(`${model}/${version}`);
    return m?.live ? m : undefined;
  }

  /** Every live loaded version. */
  allLoaded(): LoadedModel[] {
    return [...this.loaded.values()].filter((m) => m.live);
  }

  /** Keeps `ref` served on behalf of `owner`; the slot loads on the next `refresh`. */
  pin(ref: string, owner: string): ModelSlot {
    let slot = this.slots.get(ref);
    if (!slot) {
      slot = new ModelSlot(ref, parseModelReference(ref));
      this.slots.set(ref, slot);
    }
    slot.pins.add(owner);
    return slot;
  }

  /** Stops serving `ref` for `owner`; the reference goes (and its version drains) when nobody pins it. */
  unpin(ref: string, owner: string): void {
    const slot = this.slots.get(ref);
    if (!slot) return;
    slot.pins.delete(owner);
    if (slot.pins.size > 0) return;
    this.slots.delete(ref);
    const old = slot.current;
    slot.current = null;
    old?.drop();
  }

  /**
   * Re-resolves a reference and, when it points at another version, loads and warms that version
   * and swaps it in. Never throws for load failures: they are recorded on the slot and emitted
   * (`model-load-failed`); `force` ignores the retry backoff. Concurrent calls share one refresh.
   */
  refresh(slot: ModelSlot, force = false): Promise<void> {
    if (slot.refreshing) return slot.refreshing;
    if (slot.parsed.kind === 'version' && slot.current && !force) return Promise.resolve();
    slot.refreshing = this.doRefresh(slot, force).finally(() => {
      slot.refreshing = null;
    });
    return slot.refreshing;
  }

  private async doRefresh(slot: ModelSlot, force: boolean): Promise<void> {
    const now = this.options.clock.now();
    let resolved: ResolvedModel;
    try {
      resolved = await this.options.source.resolve(slot.ref);
    } catch (error) {
      this.failed(slot, null, error, 'resolve');
      return;
    }
    const key = `${resolved.model}/${resolved.version}`;
    const current = slot.current;
    if (current && current.key === key && current.resolved.artifactDigest === resolved.artifactDigest) {
      slot.failure = null;
      slot.lastError = null;
      return;
    }
    if (!force && slot.failure?.key === key && now < slot.failure.retryAt) return;
    let next: LoadedModel;
    try {
      next = await this.obtain(resolved);
    } catch (error) {
      this.failed(slot, key, error, 'load');
      return;
    }
    if (!this.slots.has(slot.ref)) {
      next.freeIfUnused();
      return;
    }
    next.hold();
    slot.current = next;
    slot.failure = null;
    slot.lastError = null;
    if (current && current !== next) current.drop();
    this.options.events.emit({
      type: 'model-loaded',
      ref: slot.ref,
      model: resolved.model,
      version: resolved.version,
      loadMs: next.loadMs,
      previousVersion: current ? current.resolved.version : null,
      at: this.options.clock.now(),
    });
  }

  private failed(slot: ModelSlot, key: string | null, error: unknown, stage: 'resolve' | 'load'): void {
    const kept = slot.current?.resolved.version ?? null;
    // Registry answers (unknown model, alias...) keep their code; anything after resolving is a load failure.
    const keep =
      isKeelError(error) &&
      (stage === 'resolve' ? error.code !== 'KEEL_INTERNAL' : error.code === 'KEEL_SERVE_LOAD_FAILED');
    const wrapped = keep
      ? error
      : new KeelError(
          'KEEL_SERVE_LOAD_FAILED',
          `Loading ${slot.ref}${key ? ` (${key})` : ''} failed: ${error instanceof Error ? error.message : String(error)}.${kept !== null ? ` Version ${kept} keeps serving.` : ''}`,
          { cause: error, details: { ref: slot.ref, version: key, keptVersion: kept } },
        );
    slot.lastError = wrapped;
    if (key) {
      const attempts = slot.failure?.key === key ? slot.failure.attempts + 1 : 1;
      const delay = Math.min(300_000, this.options.retryBaseMs * 2 ** (attempts - 1));
      slot.failure = { key, attempts, retryAt: this.options.clock.now() + delay };
    }
    this.options.log.warn({ ref: slot.ref, code: wrapped.code, err: wrapped }, 'model load failed');
    this.options.events.emit({
      type: 'model-load-failed',
      ref: slot.ref,
      error: wrapped,
      keptVersion: kept,
      at: this.options.clock.now(),
    });
  }

  /** A loaded, warmed version: shared when already loaded or loading. */
  private obtain(resolved: ResolvedModel): Promise<LoadedModel> {
    const key = `${resolved.model}/${resolved.version}`;
    const existing = this.loaded.get(key);
    if (existing && existing.resolved.artifactDigest === resolved.artifactDigest)
      return Promise.resolve(existing);
    let p = this.loading.get(key);
    if (!p) {
      p = this.load(resolved).finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }

  private async load(resolved: ResolvedModel): Promise<LoadedModel> {
    const started = performance.now();
    const loader = this.options.loaders[resolved.flavor];
    if (!loader) {
      throw new KeelError(
        'KEEL_SERVE_LOAD_FAILED',
        `No runtime for model flavor "${resolved.flavor}" (${resolved.model}/${resolved.version}). Known: ${Object.keys(this.options.loaders).join(', ')}.`,
        { details: { flavor: resolved.flavor } },
      );
    }
    const artifact = await this.options.source.fetch(resolved);
    const predictor = await loader(artifact, resolved);
    const settings = this.options.settingsFor(resolved.model);
    try {
      const runs = settings.warmupRuns ?? 3;
      for (let i = 0; i < runs; i++) {
        const input = predictor.warmupInput(i === 0 || !predictor.info.batchable ? 1 : 4);
        const out = await predictor.run(input);
        if (out.rows !== input.rows) throw new Error(`warm-up returned ${out.rows} rows for ${input.rows}`);
      }
    } catch (error) {
      await predictor.release().catch(() => undefined);
      throw new KeelError(
        'KEEL_SERVE_LOAD_FAILED',
        `Warm-up of ${resolved.model}/${resolved.version} failed: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    const label = `${resolved.model}/${resolved.version}`;
    const scheduler = new ModelScheduler(predictor, schedulerOptions(settings, predictor.info), label);
    const model = new LoadedModel(
      resolved,
      predictor,
      scheduler,
      this.options.clock.now(),
      performance.now() - started,
      settings.cache ?? false,
      (m) => this.free(m),
    );
    this.loaded.set(label, model);
    return model;
  }

  private free(model: LoadedModel): void {
    if (this.loaded.get(model.key) === model) this.loaded.delete(model.key);
    const done = model.predictor.release().then(
      () =>
        this.options.events.emit({
          type: 'model-released',
          model: model.resolved.model,
          version: model.resolved.version,
          at: this.options.clock.now(),
        }),
      (error) => this.options.log.warn({ err: error, model: model.key }, 'releasing a runtime failed'),
    );
    this.releasing.add(done);
    void done.finally(() => this.releasing.delete(done));
  }

  /** Drops every reference (shutdown); resolves when the runtimes no request uses any more are released. */
  async unpinAll(): Promise<void> {
    for (const slot of [...this.slots.values()]) {
      for (const owner of [...slot.pins]) this.unpin(slot.ref, owner);
    }
    await Promise.all([...this.releasing]);
  }
}

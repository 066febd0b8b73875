import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  type Clock,
  createLogger,
  type KeelConfig,
  type KeelContext,
  type KeelUserConfig,
  type Logger,
  loadConfig,
  resolveConfig,
  systemClock,
} from '../core/index.js';
import { type FeatureStore, openFeatureStore } from '../features/index.js';
import { Registry } from '../registry/index.js';
import {
  type BatchPredictOptions,
  type BatchPredictResult,
  builtinLoaders,
  DeploymentService,
  InferenceEngine,
  type InferenceEngineOptions,
  predictFile,
  RegistryModelSource,
  StoreDeploymentSource,
} from '../serve/index.js';
import { openStore, type StoreKind, type StoreTypes } from '../storage/index.js';
import { Tracking } from '../track/index.js';

/** Options for `Keel.open`. */
export interface OpenKeelOptions {
  /** Project root (default: current directory). */
  readonly root?: string;
  /** Config file relative to root; default: the first of keel.config.ts, keel.yaml... found. */
  readonly configFile?: string;
  /** Use this configuration instead of reading files (merged onto defaults; no environment overrides). */
  readonly config?: KeelUserConfig;
  /** Environment for `KEEL_*` overrides (default: `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly log?: Logger;
}

/**
 * A Keel project opened for use: configuration plus lazily opened stores and services.
 * The CLI, the server and SDK users all start here. Close it when done.
 */
export class Keel {
  readonly ctx: KeelContext;
  private readonly opened = new Map<StoreKind, Promise<StoreTypes[StoreKind]>>();
  private readonly engines = new Set<InferenceEngine>();

  private constructor(ctx: KeelContext) {
    this.ctx = ctx;
  }

  /** Opens a project: reads its config (or uses `options.config`) and prepares stores. */
  static async open(options: OpenKeelOptions = {}): Promise<Keel> {
    let config: KeelConfig;
    let root: string;
    if (options.config) {
      config = resolveConfig(options.config);
      root = resolve(options.root ?? '.');
    } else {
      const loaded = await loadConfig({
        ...(options.root === undefined ? {} : { root: options.root }),
        ...(options.configFile === undefined ? {} : { file: options.configFile }),
        ...(options.env === undefined ? {} : { env: options.env }),
      });
      config = loaded.config;
      root = loaded.root;
    }
    const log = options.log ?? createLogger({ level: config.logLevel });
    return new Keel({ config, root, log, clock: options.clock ?? systemClock });
  }

  /** The resolved configuration. */
  get config(): KeelConfig {
    return this.ctx.config;
  }

  /** The store of `kind`, opened on first use with the URL from the config. */
  store<K extends StoreKind>(kind: K): Promise<StoreTypes[K]> {
    let p = this.opened.get(kind) as Promise<StoreTypes[K]> | undefined;
    if (!p) {
      p = openStore(kind, this.ctx.config.stores[kind], this.ctx);
      this.opened.set(kind, p as Promise<StoreTypes[StoreKind]>);
      // A failed open is retried on the next call instead of caching the failure.
      p.catch(() => this.opened.delete(kind));
    }
    return p;
  }

  /**
   * Experiment tracking on this project's metadata and artifact stores (opened on first use).
   * New runs record the project's git commit and `user` (default: the OS user name).
   */
  async tracking(options: { readonly user?: string } = {}): Promise<Tracking> {
    const [metadata, artifacts] = await Promise.all([this.store('metadata'), this.store('artifacts')]);
    const user = options.user ?? osUser();
    return new Tracking({
      metadata,
      artifacts,
      clock: this.ctx.clock,
      root: this.ctx.root,
      ...(user ? { user } : {}),
    });
  }

  /** The model registry on this project's stores; `actor` (default: the OS user name) is recorded on changes. */
  async registry(options: { readonly actor?: string } = {}): Promise<Registry> {
    const [metadata, artifacts] = await Promise.all([this.store('metadata'), this.store('artifacts')]);
    return new Registry({
      metadata,
      artifacts,
      clock: this.ctx.clock,
      actor: options.actor ?? osUser() ?? 'unknown',
    });
  }

  /**
   * An inference engine (not started: call `start()`) serving this project's deployments from the
   * registry: references resolve through the registry, deployments are polled from the metadata
   * store every `server.pollIntervalMs`, requests time out after `server.requestTimeoutMs`, the
   * prediction cache uses the `cache` store, and the runtimes are `keel-gbdt`, `keel-linear` and
   * `onnx`. `overrides` replace any of these. `close()` shuts it down (drain) if still running.
   */
  async engine(
    overrides: Partial<InferenceEngineOptions> & { readonly actor?: string } = {},
  ): Promise<InferenceEngine> {
    const { actor, ...rest } = overrides;
    const [metadata, cache, registry] = await Promise.all([
      this.store('metadata'),
      overrides.cache ? null : this.store('cache'),
      this.registry(actor === undefined ? {} : { actor }),
    ]);
    const server = this.ctx.config.server;
    const engine = new InferenceEngine({
      source: new RegistryModelSource(registry),
      deployments: new StoreDeploymentSource(metadata.deployments, this.ctx.clock, actor ?? 'server'),
      loaders: builtinLoaders(),
      clock: this.ctx.clock,
      log: this.ctx.log,
      pollIntervalMs: server.pollIntervalMs,
      requestTimeoutMs: server.requestTimeoutMs,
      ...(cache ? { cache: { store: cache } } : {}),
      ...rest,
    });
    this.engines.add(engine);
    return engine;
  }

  /**
   * The feature store on this project's metadata, online and offline stores, with its `features/`
   * definitions folder (code loaded only when on-demand views need it). The offline store opens on
   * first use.
   */
  async features(
    options: {
      readonly actor?: string;
      /** The definitions folder (default `features/`); see `openFeatureStore`. */
      readonly repository?: string | null;
      /** When to run the definitions' code (default `when-needed`: only for on-demand views). */
      readonly loadCode?: 'always' | 'when-needed' | 'never';
    } = {},
  ): Promise<FeatureStore> {
    const [metadata, online] = await Promise.all([this.store('metadata'), this.store('online')]);
    return openFeatureStore({
      metadata,
      online,
      offline: () => this.store('offline'),
      clock: this.ctx.clock,
      root: this.ctx.root,
      log: this.ctx.log,
      actor: options.actor ?? osUser() ?? 'unknown',
      ...(options.repository !== undefined ? { repository: options.repository } : {}),
      ...(options.loadCode ? { loadCode: options.loadCode } : {}),
    });
  }

  /**
   * Deployment management on this project's metadata store: references are checked against the
   * registry and a deployment's feature service against each variant's signature (the feature
   * store's `checkServiceMatchesSignature`) before anything is written.
   */
  async deployments(options: { readonly actor?: string } = {}): Promise<DeploymentService> {
    const [metadata, registry] = await Promise.all([this.store('metadata'), this.registry(options)]);
    return new DeploymentService({
      repository: metadata.deployments,
      models: new RegistryModelSource(registry),
      clock: this.ctx.clock,
      actor: options.actor ?? osUser() ?? 'unknown',
      checkFeatureService: async (service, spec) => {
        const store = await this.features(options);
        const resolved = await store.resolveFeatureService(service);
        const refs = [...spec.variants.map((v) => v.ref), ...(spec.shadow ? [spec.shadow.ref] : [])];
        for (const ref of new Set(refs)) {
          store.checkServiceMatchesSignature(resolved, (await registry.resolve(ref)).signature);
        }
      },
    });
  }

  /**
   * Batch inference over a file with a registered model (see `predictFile`): relative paths resolve
   * against the project root unless `cwd` says otherwise.
   */
  async predictFile(options: Omit<BatchPredictOptions, 'source' | 'loaders'>): Promise<BatchPredictResult> {
    const registry = await this.registry();
    return predictFile({
      cwd: this.ctx.root,
      ...options,
      source: new RegistryModelSource(registry),
      loaders: builtinLoaders(),
    });
  }

  /** Shuts down engines made by `engine()` (draining in-flight requests), then closes every opened store. */
  async close(): Promise<void> {
    const engines = [...this.engines];
    this.engines.clear();
    await Promise.all(engines.map((e) => (e.state === 'created' ? undefined : e.shutdown())));
    const stores = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(stores.map(async (p) => (await p.catch(() => null))?.close()));
  }
}

/** The OS account name, or undefined where it cannot be read (some containers). */
function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

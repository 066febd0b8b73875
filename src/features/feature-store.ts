import { type Clock, KeelError, type Logger, silentLogger, systemClock } from '../core/index.js';
import type {
  FeatureRegistryRepository,
  ModelSignature,
  OfflineStore,
  OnlineStore,
  StreamStore,
} from '../storage/index.js';
import { FeatureCatalog } from './catalog.js';
import type { EntityRows } from './entity-rows.js';
import { getHistoricalFeatures, type HistoricalOptions, type TrainingSet } from './historical.js';
import type { FeatureContext } from './internal/context.js';
import {
  type MaterializeOptions,
  type MaterializeResult,
  materialize,
  materializeIncremental,
} from './materialize.js';
import {
  getOnlineFeatures,
  type OnlineFeaturesResult,
  type OnlineOptions,
  type RowsInput,
} from './online-read.js';
import { type ApplyResult, applyPlan, type FeaturePlan, planChanges } from './plan.js';
import { type PushCounters, type PushOptions, type PushResult, push } from './push.js';
import type { FeatureRepository } from './repository.js';
import { type FeatureRequest, type FeatureSelection, selectFeatures } from './selection.js';
import {
  checkServiceMatchesSignature,
  type FetchedFeatures,
  fetchOnlineFeatures,
  type ResolvedFeatureService,
  resolveFeatureService,
} from './serving.js';
import type { ObjectSpec } from './specs.js';
import {
  type StreamIngestion,
  type StreamIngestionOptions,
  startStreamIngestion,
} from './stream-ingestion.js';

/** Options for `new FeatureStore`. */
export interface FeatureStoreOptions {
  /** The feature registry (the metadata store's `features` repository). */
  readonly registry: FeatureRegistryRepository;
  readonly online: OnlineStore;
  /** The offline store, or a function opening it on first use. */
  readonly offline: OfflineStore | (() => Promise<OfflineStore>);
  readonly clock?: Clock;
  /** Project root: relative source paths resolve against it (default: the current directory). */
  readonly root?: string;
  /** Loaded definitions: the code of on-demand views, and the default for `plan`/`apply`. */
  readonly repository?: FeatureRepository;
  readonly log?: Logger;
  /** Recorded in the registry's history on apply (default `unknown`). */
  readonly actor?: string;
  /** How often the registry is polled for changes by other processes, in ms (default 2000). */
  readonly registryPollMs?: number;
}

/** The age of the newest value of an online view: its freshness. */
export interface ViewFreshness {
  readonly view: string;
  /** The newest event time written online (epoch ms), or null when nothing was. */
  readonly newestEventMs: number | null;
  /** Seconds between that event and now (the store's clock), or null. */
  readonly ageSeconds: number | null;
}

const MAX_CACHED_SELECTIONS = 256;

/**
 * The feature store: applied definitions (the registry), the offline store for training sets and
 * materialisation, the online store for serving, push and stream ingestion. Definitions are read
 * from the registry and cached; a change by another process is picked up within `registryPollMs`
 * without blocking requests (the check runs in the background).
 */
export class FeatureStore {
  readonly repository: FeatureRepository | null;
  private readonly ctx: FeatureContext;
  private readonly counters: PushCounters = new Map();
  private readonly pollMs: number;
  private current: {
    catalog: FeatureCatalog;
    revision: number;
    selections: Map<string, FeatureSelection>;
  } | null = null;
  private loading: Promise<FeatureCatalog> | null = null;
  private checking = false;
  private checkedAt = 0;

  constructor(options: FeatureStoreOptions) {
    this.repository = options.repository ?? null;
    this.pollMs = options.registryPollMs ?? 2000;
    const offline = options.offline;
    let opened: Promise<OfflineStore> | null =
      typeof offline === 'function' ? null : Promise.resolve(offline);
    this.ctx = {
      registry: options.registry,
      online: options.online,
      offline: () => {
        opened ??= (offline as () => Promise<OfflineStore>)();
        return opened;
      },
      clock: options.clock ?? systemClock,
      root: options.root ?? process.cwd(),
      log: options.log ?? silentLogger(),
      actor: options.actor ?? 'unknown',
      catalog: () => this.catalog(),
      select: (request, full) => this.select(request, full),
    };
  }

  /** The applied definitions, validated and resolved (with on-demand code from the repository). */
  async catalog(): Promise<FeatureCatalog> {
    if (!this.current) return this.load();
    const now = this.ctx.clock.now();
    if (!this.checking && now - this.checkedAt >= this.pollMs) {
      this.checking = true;
      this.checkedAt = now;
      void this.ctx.registry
        .revision()
        .then((revision) => (revision !== this.current?.revision ? this.load() : undefined))
        .catch((error: unknown) => this.ctx.log.warn({ err: error }, 'feature registry refresh failed'))
        .finally(() => {
          this.checking = false;
        });
    }
    return this.current.catalog;
  }

  /** Re-reads the registry now. */
  async refresh(): Promise<FeatureCatalog> {
    return this.load();
  }

  private load(): Promise<FeatureCatalog> {
    this.loading ??= (async () => {
      try {
        const revision = await this.ctx.registry.revision();
        const records = await this.ctx.registry.list();
        const specs = records.map((r) => r.spec as unknown as ObjectSpec);
        const catalog = FeatureCatalog.build(specs, this.repository?.transforms ?? new Map());
        this.current = { catalog, revision, selections: new Map() };
        this.checkedAt = this.ctx.clock.now();
        return catalog;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private async select(request: FeatureRequest, fullFeatureNames: boolean): Promise<FeatureSelection> {
    const catalog = await this.catalog();
    const state = this.current!;
    const key = `${fullFeatureNames ? 1 : 0}${JSON.stringify(request)}`;
    let selection = state.catalog === catalog ? state.selections.get(key) : undefined;
    if (!selection) {
      selection = selectFeatures(catalog, request, { fullFeatureNames });
      if (state.catalog === catalog) {
        if (state.selections.size >= MAX_CACHED_SELECTIONS) state.selections.clear();
        state.selections.set(key, selection);
      }
    }
    return selection;
  }

  /** The difference between a repository (default: the one loaded) and the registry. */
  async plan(repository: FeatureRepository | null = this.repository): Promise<FeaturePlan> {
    if (!repository) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        'Planning needs a feature repository: load one with loadFeatureRepository(dir).',
      );
    }
    return planChanges(await this.ctx.registry.list(), repository.specs);
  }

  /** Makes the registry match the repository (see `applyPlan`); `force` allows destructive changes. */
  async apply(
    repository: FeatureRepository | null = this.repository,
    options: { readonly force?: boolean } = {},
  ): Promise<ApplyResult> {
    const result = await applyPlan(this.ctx, await this.plan(repository), options);
    await this.load();
    return result;
  }

  /** A point-in-time correct training set; see `getHistoricalFeatures`. */
  getHistoricalFeatures(
    entityRows: EntityRows,
    features: FeatureRequest,
    options?: HistoricalOptions,
  ): Promise<TrainingSet> {
    return getHistoricalFeatures(this.ctx, entityRows, features, options);
  }

  /** Moves the latest values in [startMs, endMs] from offline to online; see `materialize`. */
  materialize(startMs: number, endMs: number, options?: MaterializeOptions): Promise<MaterializeResult[]> {
    return materialize(this.ctx, startMs, endMs, options);
  }

  /** Materialises from each view's last end (or end − TTL) to `endMs`; see `materializeIncremental`. */
  materializeIncremental(endMs: number, options?: MaterializeOptions): Promise<MaterializeResult[]> {
    return materializeIncremental(this.ctx, endMs, options);
  }

  /** Latest values with statuses, TTL enforced; see `getOnlineFeatures`. */
  getOnlineFeatures(
    entityRows: RowsInput,
    features: FeatureRequest,
    options?: OnlineOptions,
  ): Promise<OnlineFeaturesResult> {
    return getOnlineFeatures(this.ctx, entityRows, features, options);
  }

  /** Ingests events for a push or stream source; see `push`. */
  push(source: string, events: readonly unknown[], options?: PushOptions): Promise<PushResult> {
    return push(this.ctx, this.counters, source, events, options);
  }

  /** Events accepted and rejected so far by push and stream ingestion, per source (for metrics). */
  pushCounts(): Record<string, { readonly accepted: number; readonly rejected: number }> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { ...v }]));
  }

  /** Consumes every stream source from `stream`; see `startStreamIngestion`. */
  startStreamIngestion(stream: StreamStore, options?: StreamIngestionOptions): Promise<StreamIngestion> {
    return startStreamIngestion(this.ctx, this.counters, stream, options);
  }

  /** The age of each online view's newest value, for a freshness metric. */
  async freshness(): Promise<ViewFreshness[]> {
    const catalog = await this.catalog();
    const now = this.ctx.clock.now();
    const views = [...catalog.views.values()].filter((v) => v.spec.online);
    return Promise.all(
      views.map(async (v) => {
        const newest = await this.ctx.online.newestEventTimestamp(v.spec.name);
        return {
          view: v.spec.name,
          newestEventMs: newest,
          ageSeconds: newest === null ? null : (now - newest) / 1000,
        };
      }),
    );
  }

  /** A feature service ready for serving; see `resolveFeatureService`. */
  resolveFeatureService(name: string): Promise<ResolvedFeatureService> {
    return resolveFeatureService(this.ctx, name);
  }

  /** Online features (and on-demand ones) of a service for entity rows; see `fetchOnlineFeatures`. */
  fetchOnlineFeatures(
    service: ResolvedFeatureService | string,
    entityKeys: RowsInput,
    requestData?: RowsInput,
  ): Promise<FetchedFeatures> {
    return fetchOnlineFeatures(this.ctx, service, entityKeys, requestData);
  }

  /** Throws `KEEL_DEPLOY_FEATURE_MISMATCH` naming the feature when the service does not fit the signature. */
  checkServiceMatchesSignature(service: ResolvedFeatureService, signature: ModelSignature): void {
    checkServiceMatchesSignature(service, signature);
  }
}

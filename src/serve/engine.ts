import { type Clock, KeelError, type Logger, silentLogger, systemClock } from '../core/index.js';
import { DeploymentManager } from './deployment-manager.js';
import { EngineCatalog } from './engine-catalog.js';
import type { EngineState, InferenceEngineOptions, PredictOptions, PredictResult } from './engine-options.js';
import { type EngineEventType, type EngineListener, EventHub } from './events.js';
import { badInput } from './internal/bad-input.js';
import { decodeInferRequest } from './internal/oip-codec.js';
import { ModelManager } from './model-manager.js';
import { mergeSettings } from './model-settings.js';
import type { InferResponse } from './oip.js';
import { PredictionCache, type PredictionCacheStats } from './prediction-cache.js';
import type { InputRecord } from './predictor.js';
import { RequestRunner, type Target } from './request-runner.js';
import { ShadowRunner } from './traffic/shadow-runner.js';

/**
 * The inference engine: everything between a parsed request and a model's answer, independent of
 * HTTP so the server and the CLI's batch jobs share it. It serves deployments (traffic policies over
 * model references) and explicitly loaded references, hot-swaps versions when aliases or deployment
 * revisions move, batches, caches, sheds load and drains on shutdown. Call `start()` first.
 */
export class InferenceEngine extends EngineCatalog {
  private stateValue: EngineState = 'created';
  private readonly runner: RequestRunner;
  private readonly pollIntervalMs: number;
  private pollAbort: AbortController | null = null;
  private pollLoop: Promise<void> | null = null;
  private polling: Promise<void> | null = null;
  /** True once the deployment source answered: until then the engine cannot know what to serve. */
  private listedOnce = false;

  constructor(options: InferenceEngineOptions) {
    const clock: Clock = options.clock ?? systemClock;
    const log: Logger = options.log ?? silentLogger();
    const events = new EventHub();
    const retryBaseMs = options.retryBaseMs ?? 2000;
    const settingsFor = (model: string) => mergeSettings(options.modelDefaults, options.models?.[model]);
    const models = new ModelManager({
      source: options.source,
      loaders: options.loaders,
      clock,
      log,
      events,
      settingsFor,
      retryBaseMs,
    });
    const deployments = new DeploymentManager(models, clock, events, log, retryBaseMs);
    super(models, deployments, options.deployments ?? null, clock, log);
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    const cache = options.cache
      ? new PredictionCache(options.cache.store, { clock, ...options.cache, log })
      : null;
    this.cache = cache;
    this.runner = new RequestRunner({
      events,
      clock,
      cache,
      shadows: new ShadowRunner(events, clock, options.shadow),
      random: options.random ?? Math.random,
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
      maxRows: options.maxRowsPerRequest ?? 10_000,
      state: () => this.stateValue,
    });
    this.events = events;
    this.maxElements = options.maxElementsPerRequest ?? 4_194_304;
  }

  private readonly events: EventHub;
  private readonly maxElements: number;
  private readonly cache: PredictionCache | null;

  /** Prediction-cache counters, or null when the engine has no cache. */
  cacheStats(): PredictionCacheStats | null {
    return this.cache ? { ...this.cache.stats } : null;
  }

  /** Where the engine is in its lifecycle. */
  get state(): EngineState {
    return this.stateValue;
  }

  /** Liveness: true until the engine stopped. */
  isLive(): boolean {
    return this.stateValue !== 'stopped';
  }

  /**
   * Readiness: running, the deployment source listed at least once, every deployment's models
   * loaded and warm, every explicitly loaded reference serving a version.
   */
  isReady(): boolean {
    return (
      this.stateValue === 'running' &&
      (this.deploymentSource === null || this.listedOnce) &&
      this.deploymentManager.isReady() &&
      this.explicitReady()
    );
  }

  /** Subscribes to engine events (all types when `types` is omitted); returns the unsubscribe function. */
  subscribe(listener: EngineListener, types?: readonly EngineEventType[]): () => void {
    return this.events.subscribe(listener, types);
  }

  /**
   * Loads every deployment of the deployment source (not ready until they are loaded and warm,
   * failures are retried by the poller) and starts the poller. Requests before this answer 503.
   */
  async start(): Promise<void> {
    if (this.stateValue !== 'created') {
      throw new KeelError('KEEL_INVALID_ARGUMENT', `The engine cannot start: it is ${this.stateValue}.`);
    }
    this.stateValue = 'starting';
    await this.poll();
    this.stateValue = 'running';
    if (this.pollIntervalMs > 0) {
      this.pollAbort = new AbortController();
      this.pollLoop = this.runPoller(this.pollAbort.signal);
    }
  }

  /**
   * One poll: applies new deployment revisions, drops removed deployments, and re-resolves every
   * served alias/latest reference, swapping in versions that moved. Concurrent calls share one poll.
   */
  poll(): Promise<void> {
    if (!this.polling) {
      this.polling = this.pollOnce().finally(() => {
        this.polling = null;
      });
    }
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    if (this.deploymentSource) {
      try {
        const records = await this.deploymentSource.list();
        this.listedOnce = true;
        await this.deploymentManager.sync(records);
      } catch (error) {
        this.log.warn({ err: error }, 'listing deployments failed; keeping the current ones');
      }
    }
    const slots = [...this.modelManager.allSlots()].filter((s) => s.parsed.kind !== 'version' || !s.current);
    await Promise.all(slots.map((s) => this.modelManager.refresh(s)));
  }

  private async runPoller(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(this.pollIntervalMs, signal);
      } catch {
        return;
      }
      await this.poll();
    }
  }

  /**
   * Graceful shutdown: new requests get 503 at once, the poller stops, in-flight requests finish
   * (queued ones still waiting after `timeoutMs`, default 30,000, fail with 503), shadow calls
   * finish, then every runtime is released.
   */
  async shutdown(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.stateValue === 'stopped' || this.stateValue === 'draining') return;
    this.stateValue = 'draining';
    this.pollAbort?.abort();
    await this.pollLoop;
    await this.polling;
    await this.runner.drain(options.timeoutMs ?? 30_000, this.modelManager.allLoaded());
    await this.modelManager.unpinAll();
    this.stateValue = 'stopped';
  }

  /** Predicts records through a deployment's traffic policy (A/B, canary, shadow). */
  async predictDeployment(
    name: string,
    records: readonly InputRecord[],
    options: PredictOptions = {},
  ): Promise<PredictResult> {
    return this.predictDeploymentNow(name, records, options);
  }

  /**
   * `predictDeployment` for hot paths: answers synchronously when it can (native models without
   * the cache, no promise turn), else with a promise; errors before any asynchronous step are thrown.
   */
  predictDeploymentNow(
    name: string,
    records: readonly InputRecord[],
    options: PredictOptions = {},
  ): PredictResult | Promise<PredictResult> {
    this.runner.checkState();
    this.runner.checkRecords(records);
    const target = this.routeDeployment(name, records[0], options);
    return this.runner.predictRecords(target, records, options);
  }

  /** Predicts records with a loaded model reference (`fraud@champion`, `fraud/3`), no traffic policy. */
  async predictModel(
    ref: string,
    records: readonly InputRecord[],
    options: PredictOptions = {},
  ): Promise<PredictResult> {
    this.runner.checkState();
    this.runner.checkRecords(records);
    return this.runner.predictRecords(this.targetOfRef(ref), records, options);
  }

  /**
   * Open Inference Protocol inference on `name` (a deployment or a loaded reference) and optional
   * `version`: validates tensors (shape × datatype element counts, element types, row-major), runs,
   * and answers with the requested outputs. For deployments, `parameters` names the model and variant.
   */
  async infer(
    name: string,
    version: string | number | undefined,
    request: unknown,
    options: PredictOptions = {},
  ): Promise<InferResponse> {
    return this.inferNow(name, version, request, options);
  }

  /**
   * `infer` for hot paths: answers synchronously when it can (native models without the cache, no
   * promise turn), else with a promise; errors before any asynchronous step are thrown.
   */
  inferNow(
    name: string,
    version: string | number | undefined,
    request: unknown,
    options: PredictOptions = {},
  ): InferResponse | Promise<InferResponse> {
    this.runner.checkState();
    const decoded = decodeInferRequest(request, this.maxElements);
    const target =
      version === undefined && this.deploymentManager.get(name)
        ? this.routeDeployment(name, undefined, options)
        : this.targetOf(name, version);
    return this.runner.infer(name, target, decoded, options);
  }

  private routeDeployment(name: string, record: InputRecord | undefined, options: PredictOptions): Target {
    const d = this.deploymentManager.get(name);
    if (!d) throw this.deploymentMissing(name);
    const unitKey = d.router.unitKey({ record, headers: options.headers, requestKey: options.requestKey });
    let index: number;
    if (options.variant !== undefined) {
      index = d.router.indexOf(options.variant);
      if (index < 0) {
        throw badInput(
          `Deployment "${name}" has no variant "${options.variant}". Variants: ${d.router.variants.map((v) => v.name).join(', ')}.`,
          { deployment: name, variant: options.variant },
        );
      }
    } else index = this.runner.choose(d.router, unitKey);
    const slot = d.slots[index]!;
    const shadow =
      d.shadowSlot && d.router.mirrors(unitKey, this.runner.random) ? { slot: d.shadowSlot } : null;
    return {
      deployment: d.name,
      variant: d.router.variants[index]!.name,
      slot,
      shadow,
      options: d.options,
      allowedFields: d.allowedFields,
    };
  }
}

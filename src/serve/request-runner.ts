import { type Clock, KeelError } from '../core/index.js';
import type { DeploymentServeOptions } from './deployment-manager.js';
import type { EngineState, PredictOptions, PredictResult } from './engine-options.js';
import type { EngineEvent, EventHub } from './events.js';
import { type DecodedRequest, encodeOutputs } from './internal/oip-codec.js';
import { assertRowCount, assertRunning } from './internal/request-checks.js';
import type { LoadedModel } from './loaded-model.js';
import type { ModelSlot } from './model-manager.js';
import type { InferResponse } from './oip.js';
import type { CachedOutput, PredictionCache } from './prediction-cache.js';
import type { InputRecord, Predictor, RowPrediction } from './predictor.js';
import type { TensorBatch } from './tensor.js';
import type { ShadowRunner } from './traffic/shadow-runner.js';
import type { TrafficRouter } from './traffic/traffic-router.js';

/** Where one request goes: the slot that answers and, for deployments, the policy facts. */
export interface Target {
  readonly deployment: string | null;
  readonly variant: string | null;
  readonly slot: ModelSlot;
  readonly shadow: { readonly slot: ModelSlot } | null;
  readonly options: DeploymentServeOptions;
  readonly allowedFields: ReadonlySet<string>;
}

/** What the request runner needs from the engine. */
export interface RequestRunnerDeps {
  readonly events: EventHub;
  readonly clock: Clock;
  readonly cache: PredictionCache | null;
  readonly shadows: ShadowRunner;
  readonly random: () => number;
  readonly requestTimeoutMs: number;
  readonly maxRows: number;
  readonly state: () => EngineState;
}

/**
 * The per-request path: admission by engine state, acquiring the version a slot serves (so a swap
 * cannot release it mid-request), cache and scheduler, output formatting, shadow mirroring and
 * events. Counts in-flight requests so shutdown can drain them.
 */
export class RequestRunner {
  readonly random: () => number;
  private inflight = 0;
  private idle: (() => void) | null = null;
  /** Events waiting for the next turn (see `emitLater`). */
  private later: EngineEvent[] = [];

  constructor(private readonly deps: RequestRunnerDeps) {
    this.random = deps.random;
  }

  /** Throws `KEEL_SERVE_UNAVAILABLE` (503, with a retry hint) unless the engine is running. */
  checkState(): void {
    assertRunning(this.deps.state());
  }

  /** Checks the records array itself: non-empty, at most the row limit. */
  checkRecords(records: readonly InputRecord[]): void {
    assertRowCount(Array.isArray(records) ? records.length : 0, this.deps.maxRows);
  }

  /** The variant index for a unit key. */
  choose(router: TrafficRouter, unitKey: string | undefined): number {
    return router.choose(unitKey, this.random);
  }

  private acquire(target: Target): LoadedModel {
    const loaded = target.slot.current;
    if (!loaded) {
      throw new KeelError(
        'KEEL_SERVE_MODEL_NOT_READY',
        `Model ${target.slot.ref} is not ready${target.slot.lastError ? `: ${target.slot.lastError.message}` : ' yet'}.`,
        { details: { ref: target.slot.ref, retryAfterSeconds: 1 } },
      );
    }
    loaded.acquire();
    this.inflight++;
    return loaded;
  }

  private done(loaded: LoadedModel): void {
    loaded.release();
    if (--this.inflight === 0) this.idle?.();
  }

  private execute(
    loaded: LoadedModel,
    input: TensorBatch,
    target: Target,
    options: PredictOptions,
  ): Promise<CachedOutput> | CachedOutput {
    const timeoutMs = options.timeoutMs ?? target.options.timeoutMs ?? this.deps.requestTimeoutMs;
    const cache = this.deps.cache;
    const useCache = cache !== null && (options.cache ?? target.options.cache ?? loaded.cacheByDefault);
    const scheduler = loaded.scheduler;
    if (!useCache) {
      const out = scheduler.submit(input, timeoutMs);
      return out instanceof Promise
        ? out.then((output) => ({ output, cached: false }))
        : { output: out, cached: false };
    }
    return cache.predict(loaded.resolved, input, loaded.predictor.info.batchable, (b) =>
      scheduler.submit(b, timeoutMs),
    );
  }

  /**
   * Holds the target's version for the whole request: encodes, executes and finishes on it, then
   * releases it. Stays synchronous when the runtime and cache are (native models without cache),
   * so the hot path costs no extra promise turns.
   */
  private onLoaded<T>(
    target: Target,
    options: PredictOptions,
    encode: (predictor: Predictor) => TensorBatch,
    finish: (loaded: LoadedModel, result: CachedOutput, input: TensorBatch) => T,
  ): T | Promise<T> {
    const loaded = this.acquire(target);
    let pending = false;
    try {
      const input = encode(loaded.predictor);
      const result = this.execute(loaded, input, target, options);
      if (result instanceof Promise) {
        pending = true;
        return result.then((r) => finish(loaded, r, input)).finally(() => this.done(loaded));
      }
      return finish(loaded, result, input);
    } finally {
      if (!pending) this.done(loaded);
    }
  }

  /** Runs records on the target and formats one prediction per record. */
  predictRecords(
    target: Target,
    records: readonly InputRecord[],
    options: PredictOptions,
  ): PredictResult | Promise<PredictResult> {
    const started = this.deps.events.wants('prediction') ? performance.now() : -1;
    const check = {
      extraFields: target.options.extraFields ?? 'reject',
      allowedFields: options.allowFields
        ? new Set([...target.allowedFields, ...options.allowFields])
        : target.allowedFields,
    };
    return this.onLoaded(
      target,
      options,
      (p) => p.encodeRecords(records, check),
      (loaded, { output, cached }) => {
        const predictor = loaded.predictor;
        const outputs = new Array<RowPrediction>(output.rows);
        for (let i = 0; i < output.rows; i++) outputs[i] = predictor.formatRow(output, i);
        const { model, version } = loaded.resolved;
        const result = {
          deployment: target.deployment,
          model,
          version,
          variant: target.variant,
          cached,
          outputs,
        };
        if (target.shadow) {
          this.mirror(target, loaded, output, options, (p) =>
            p.encodeRecords(records, { extraFields: 'ignore' }),
          );
        }
        if (started >= 0) this.emitPrediction(result, records, options, started);
        return result;
      },
    );
  }

  /** Runs decoded OIP tensors on the target and answers in OIP form. */
  infer(
    name: string,
    target: Target,
    decoded: DecodedRequest,
    options: PredictOptions,
  ): InferResponse | Promise<InferResponse> {
    const started = this.deps.events.wants('prediction') ? performance.now() : -1;
    return this.onLoaded(
      target,
      options,
      (p) => {
        const input = p.encodeTensors(decoded.inputs, decoded.contentType);
        assertRowCount(input.rows, this.deps.maxRows, 0);
        return input;
      },
      (loaded, { output, cached }, input) => {
        const outputs = encodeOutputs(loaded.predictor.toOipOutputs(output), decoded.outputs);
        const { model, version } = loaded.resolved;
        const parameters = { model, cached, ...(target.variant !== null ? { variant: target.variant } : {}) };
        if (target.shadow) {
          this.mirror(target, loaded, output, options, (p) =>
            p.encodeTensors(decoded.inputs, decoded.contentType),
          );
        }
        if (started >= 0) {
          const requestId = options.requestId ?? decoded.id;
          this.emitPrediction(
            { deployment: target.deployment, model, version, variant: target.variant, cached, outputs: [] },
            null,
            requestId !== undefined ? { ...options, requestId } : options,
            started,
            input.rows,
          );
        }
        return {
          model_name: name,
          model_version: String(version),
          ...(decoded.id !== undefined ? { id: decoded.id } : {}),
          parameters,
          outputs,
        };
      },
    );
  }

  private mirror(
    target: Target,
    loaded: LoadedModel,
    output: TensorBatch,
    options: PredictOptions,
    encode: (p: Predictor) => TensorBatch,
  ): void {
    if (!target.shadow || target.deployment === null) return;
    this.deps.shadows.schedule({
      deployment: target.deployment,
      requestId: options.requestId ?? null,
      primary: {
        model: loaded.resolved.model,
        version: loaded.resolved.version,
        variant: target.variant ?? '',
      },
      primaryOutput: output,
      slot: target.shadow.slot,
      encode,
    });
  }

  private emitPrediction(
    result: PredictResult,
    records: readonly InputRecord[] | null,
    options: PredictOptions,
    started: number,
    rows = result.outputs.length,
  ): void {
    const latencyUs = Math.round((performance.now() - started) * 1000);
    this.emitLater({
      type: 'prediction',
      deployment: result.deployment,
      model: result.model,
      version: result.version,
      variant: result.variant,
      requestId: options.requestId ?? null,
      records,
      outputs: records ? result.outputs : null,
      rows,
      cached: result.cached,
      latencyUs,
      at: this.deps.clock.now(),
    });
  }

  /**
   * Emits at the next event-loop turn (after the answer was written), in order; the events of one
   * turn share one `setImmediate` instead of one each.
   */
  private emitLater(event: EngineEvent): void {
    this.later.push(event);
    if (this.later.length === 1) setImmediate(this.emitQueued);
  }

  private readonly emitQueued = (): void => {
    const events = this.later;
    this.later = [];
    for (const e of events) this.deps.events.emit(e);
  };

  /**
   * Waits for in-flight requests; after `timeoutMs` fails the still-queued ones with 503 and waits
   * for the running calls; then waits for shadow calls.
   */
  async drain(timeoutMs: number, loaded: readonly LoadedModel[]): Promise<void> {
    if (this.inflight > 0) {
      const abort = new AbortController();
      const idle = new Promise<void>((resolve) => {
        this.idle = resolve;
      });
      const timedOut = await Promise.race([
        idle.then(() => false),
        this.deps.clock.sleep(timeoutMs, abort.signal).then(
          () => true,
          () => false,
        ),
      ]);
      abort.abort();
      if (timedOut) {
        const error = new KeelError(
          'KEEL_SERVE_UNAVAILABLE',
          'The inference engine shut down before this request ran.',
          {
            details: { retryAfterSeconds: 5 },
          },
        );
        for (const m of loaded) m.scheduler.abortQueued(error);
        if (this.inflight > 0) await idle;
      }
      this.idle = null;
    }
    await this.deps.shadows.drain();
  }
}

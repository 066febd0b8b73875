import { type Clock, toKeelError } from '../../core/index.js';
import type { EventHub, ServedBy } from '../events.js';
import type { ModelSlot } from '../model-manager.js';
import type { Predictor, RowPrediction } from '../predictor.js';
import type { TensorBatch } from '../tensor.js';
import { compareOutputs } from './compare.js';

/** One mirrored request: what the primary answered and how to encode the input for the shadow. */
export interface ShadowJob {
  readonly deployment: string;
  readonly requestId: string | null;
  readonly primary: ServedBy & { readonly variant: string };
  readonly primaryOutput: TensorBatch;
  readonly slot: ModelSlot;
  /** Encodes the request for the shadow's runtime (its features may differ from the primary's). */
  readonly encode: (predictor: Predictor) => TensorBatch;
}

/** Bounds of shadow traffic. */
export interface ShadowOptions {
  /** Shadow calls in flight at once, engine-wide; more are dropped (`shadow-dropped`). Default 16. */
  readonly maxInflight?: number;
  /** Timeout of one shadow call, in ms. Default 5,000. */
  readonly timeoutMs?: number;
}

/**
 * Runs mirrored requests on shadow models strictly after the caller has its answer: jobs start
 * from `setImmediate`, which runs only after the caller's promise continuations (microtasks), and
 * everything they do — failures, timeouts, slowness — ends in a `shadow` event, never in the
 * caller's result. In-flight shadow calls are bounded; beyond the bound a job is dropped.
 */
export class ShadowRunner {
  private inflight = 0;
  private draining = false;
  private idle: (() => void) | null = null;
  private readonly maxInflight: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly events: EventHub,
    private readonly clock: Clock,
    options: ShadowOptions = {},
  ) {
    this.maxInflight = options.maxInflight ?? 16;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Shadow calls running now. */
  get running(): number {
    return this.inflight;
  }

  /** Queues a job to run after the current request has been answered. */
  schedule(job: ShadowJob): void {
    if (this.draining || this.inflight >= this.maxInflight) {
      const reason = this.draining ? 'draining' : 'busy';
      this.events.emit({ type: 'shadow-dropped', deployment: job.deployment, reason, at: this.clock.now() });
      return;
    }
    this.inflight++;
    setImmediate(() => {
      void this.run(job);
    });
  }

  private async run(job: ShadowJob): Promise<void> {
    const loaded = job.slot.current;
    const started = performance.now();
    let shadow: ServedBy | null = null;
    try {
      if (!loaded) throw job.slot.lastError ?? new Error(`shadow model ${job.slot.ref} is not loaded`);
      shadow = { model: loaded.resolved.model, version: loaded.resolved.version };
      loaded.acquire();
      try {
        const input = job.encode(loaded.predictor);
        const output = await loaded.scheduler.submit(input, this.timeoutMs);
        const wanted = this.events.wants('shadow');
        const outputs: RowPrediction[] | null = wanted
          ? Array.from({ length: output.rows }, (_, i) => loaded.predictor.formatRow(output, i))
          : null;
        this.emit(
          job,
          shadow,
          output.rows,
          outputs,
          compareOutputs(job.primaryOutput, output),
          null,
          started,
        );
      } finally {
        loaded.release();
      }
    } catch (error) {
      this.emit(job, shadow, job.primaryOutput.rows, null, null, toKeelError(error), started);
    } finally {
      this.inflight--;
      if (this.inflight === 0) this.idle?.();
    }
  }

  private emit(
    job: ShadowJob,
    shadow: ServedBy | null,
    rows: number,
    outputs: RowPrediction[] | null,
    comparison: ReturnType<typeof compareOutputs> | null,
    error: ReturnType<typeof toKeelError> | null,
    started: number,
  ): void {
    this.events.emit({
      type: 'shadow',
      deployment: job.deployment,
      requestId: job.requestId,
      primary: job.primary,
      shadow,
      rows,
      outputs,
      comparison,
      error,
      latencyUs: Math.round((performance.now() - started) * 1000),
      at: this.clock.now(),
    });
  }

  /** Stops taking jobs and resolves when the running ones finished. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.inflight === 0) return;
    await new Promise<void>((resolve) => {
      this.idle = resolve;
    });
  }
}

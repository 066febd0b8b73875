import { KeelError } from '../core/index.js';

/** Options of a `LoadGuard`. */
export interface LoadGuardOptions {
  /**
   * Event-loop delay above which inference requests are refused with 503, in ms. Native models run
   * synchronously on the event loop, so overload shows up as delay, not as a queue. Default 500;
   * 0 turns the check off.
   */
  readonly maxEventLoopDelayMs?: number;
  /** Inference requests in progress above which new ones are refused with 429. Default 4,096. */
  readonly maxInflight?: number;
  /** How often the event-loop delay is sampled, in ms. Default 20. */
  readonly sampleMs?: number;
}

/**
 * Server-wide load shedding for inference routes, in front of the engine's per-model queues:
 * refuses new requests at once (`KEEL_SERVE_OVERLOADED`, with a retry hint) while the event loop
 * runs late by more than `maxEventLoopDelayMs` (503) or more than `maxInflight` requests are in
 * progress (429). The delay is measured by a timer that should fire every `sampleMs`; it clears
 * once the delay falls below half the limit.
 */
export class LoadGuard {
  /** Inference requests in progress. */
  inflight = 0;
  /** The last measured event-loop delay, in ms. */
  lagMs = 0;
  /** True while the event loop is too late. */
  lagging = false;
  /** Requests refused so far. */
  rejected = 0;
  private readonly maxLagMs: number;
  private readonly maxInflight: number;
  private readonly sampleMs: number;
  private timer: NodeJS.Timeout | null = null;
  private expected = 0;

  constructor(options: LoadGuardOptions = {}) {
    this.maxLagMs = options.maxEventLoopDelayMs ?? 500;
    this.maxInflight = options.maxInflight ?? 4096;
    this.sampleMs = options.sampleMs ?? 20;
  }

  /** Starts sampling the event-loop delay (the timer does not keep the process alive). */
  start(): void {
    if (this.timer || this.maxLagMs <= 0) return;
    this.schedule();
  }

  /** Stops sampling. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lagging = false;
  }

  private schedule(): void {
    this.expected = performance.now() + this.sampleMs;
    this.timer = setTimeout(this.sample, this.sampleMs);
    this.timer.unref();
  }

  private readonly sample = (): void => {
    this.lagMs = Math.max(0, performance.now() - this.expected);
    if (this.lagMs > this.maxLagMs) this.lagging = true;
    else if (this.lagMs < this.maxLagMs / 2) this.lagging = false;
    this.schedule();
  };

  /** Admits a request (count it with `leave()` when done) or throws `KEEL_SERVE_OVERLOADED`. */
  enter(): void {
    if (this.lagging) {
      this.rejected++;
      throw new KeelError(
        'KEEL_SERVE_OVERLOADED',
        `The server is overloaded: its event loop runs ${Math.round(this.lagMs)} ms late (limit ${this.maxLagMs} ms). Retry shortly.`,
        { status: 503, details: { eventLoopDelayMs: Math.round(this.lagMs), retryAfterSeconds: 1 } },
      );
    }
    if (this.inflight >= this.maxInflight) {
      this.rejected++;
      throw new KeelError(
        'KEEL_SERVE_OVERLOADED',
        `The server has ${this.inflight} inference requests in progress (limit ${this.maxInflight}). Retry shortly.`,
        { details: { inflight: this.inflight, retryAfterSeconds: 1 } },
      );
    }
    this.inflight++;
  }

  /** Ends a request admitted by `enter()`. */
  leave(): void {
    this.inflight--;
  }
}

import type { ResolvedModel } from './model-source.js';
import type { Predictor } from './predictor.js';
import type { ModelScheduler } from './scheduler.js';

/**
 * One model version in memory: its runtime and scheduler, with two reference counts — the model
 * references (slots) that serve it and the requests running on it. When both reach zero the
 * runtime is released, so a swapped-out version drains its in-flight requests before it goes.
 */
export class LoadedModel {
  /** `model/version`. */
  readonly key: string;
  /** Slots whose current version this is. */
  private holders = 0;
  /** Requests running on it now. */
  private running = 0;
  private freed = false;

  constructor(
    readonly resolved: ResolvedModel,
    readonly predictor: Predictor,
    readonly scheduler: ModelScheduler,
    /** Epoch ms (engine clock) when loading finished. */
    readonly loadedAt: number,
    /** Load plus warm-up time, in ms. */
    readonly loadMs: number,
    /** Whether requests use the prediction cache unless the deployment or request says otherwise. */
    readonly cacheByDefault: boolean,
    private readonly onFree: (model: LoadedModel) => void,
  ) {
    this.key = `${resolved.model}/${resolved.version}`;
  }

  /** True while some reference serves it. */
  get live(): boolean {
    return this.holders > 0 && !this.freed;
  }

  /** Requests running on it now. */
  get inflight(): number {
    return this.running;
  }

  /** A reference starts serving it. */
  hold(): void {
    this.holders++;
  }

  /** A reference stops serving it; frees it when nothing else needs it. */
  drop(): void {
    this.holders--;
    this.freeIfUnused();
  }

  /** A request starts on it (synchronously, before any await, so a swap cannot free it underneath). */
  acquire(): void {
    this.running++;
  }

  /** A request finished on it. */
  release(): void {
    this.running--;
    this.freeIfUnused();
  }

  /** Frees it when no reference holds it and no request runs on it. */
  freeIfUnused(): void {
    if (this.holders <= 0 && this.running <= 0 && !this.freed) {
      this.freed = true;
      this.onFree(this);
    }
  }
}

import type { KeelError } from '../core/index.js';
import type { InputRecord, RowPrediction } from './predictor.js';
import type { OutputComparison } from './traffic/compare.js';

/** Which model version answered. */
export interface ServedBy {
  readonly model: string;
  readonly version: number;
}

/** Something the engine did that monitoring, logs or the UI may want to know. `at` is epoch ms (engine clock). */
export type EngineEvent =
  | {
      readonly type: 'model-loaded';
      readonly ref: string;
      readonly model: string;
      readonly version: number;
      /** Load plus warm-up time, in ms. */
      readonly loadMs: number;
      /** Version the reference served before, or null on the first load. */
      readonly previousVersion: number | null;
      readonly at: number;
    }
  | {
      readonly type: 'model-load-failed';
      readonly ref: string;
      readonly error: KeelError;
      /** Version that keeps serving the reference, or null when none does. */
      readonly keptVersion: number | null;
      readonly at: number;
    }
  | { readonly type: 'model-released'; readonly model: string; readonly version: number; readonly at: number }
  | {
      readonly type: 'deployment-applied';
      readonly deployment: string;
      readonly revision: number;
      readonly at: number;
    }
  | {
      readonly type: 'deployment-failed';
      readonly deployment: string;
      readonly revision: number;
      readonly error: KeelError;
      /** Revision that keeps serving, or null. */
      readonly keptRevision: number | null;
      readonly at: number;
    }
  | {
      readonly type: 'prediction';
      readonly deployment: string | null;
      readonly model: string;
      readonly version: number;
      readonly variant: string | null;
      readonly requestId: string | null;
      readonly records: readonly InputRecord[] | null;
      readonly outputs: readonly RowPrediction[] | null;
      readonly rows: number;
      readonly cached: boolean;
      /** Engine time for the request, in microseconds. */
      readonly latencyUs: number;
      readonly at: number;
    }
  | {
      readonly type: 'shadow';
      readonly deployment: string;
      readonly requestId: string | null;
      /** Who answered the caller. */
      readonly primary: ServedBy & { readonly variant: string };
      /** The mirror; null when it could not be reached (not loaded). */
      readonly shadow: ServedBy | null;
      readonly rows: number;
      /** The shadow's outputs (never returned to the caller), null when it failed. */
      readonly outputs: readonly RowPrediction[] | null;
      /** Primary vs shadow, null when the shadow failed. */
      readonly comparison: OutputComparison | null;
      readonly error: KeelError | null;
      /** Shadow runtime time, in microseconds. */
      readonly latencyUs: number;
      readonly at: number;
    }
  | {
      readonly type: 'shadow-dropped';
      readonly deployment: string;
      /** Why: `busy` (too many shadow calls in flight) or `draining`. */
      readonly reason: 'busy' | 'draining';
      readonly at: number;
    };

/** The `type` of an engine event. */
export type EngineEventType = EngineEvent['type'];

/** Receives engine events; exceptions it throws are swallowed (it can never break serving). */
export type EngineListener = (event: EngineEvent) => void;

/** Listeners by event type; emitting to nobody costs one map read. */
export class EventHub {
  private readonly byType = new Map<EngineEventType | '*', Set<EngineListener>>();

  /** Adds a listener for the given types (all when omitted); returns the function that removes it. */
  subscribe(listener: EngineListener, types?: readonly EngineEventType[]): () => void {
    const keys = types ?? (['*'] as const);
    for (const k of keys) {
      let set = this.byType.get(k);
      if (!set) this.byType.set(k, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const k of keys) this.byType.get(k)?.delete(listener);
    };
  }

  /** True when someone listens for `type`. */
  wants(type: EngineEventType): boolean {
    return (this.byType.get(type)?.size ?? 0) > 0 || (this.byType.get('*')?.size ?? 0) > 0;
  }

  /** Calls every listener of the event's type. */
  emit(event: EngineEvent): void {
    const typed = this.byType.get(event.type);
    if (typed) callAll(typed, event);
    const all = this.byType.get('*');
    if (all) callAll(all, event);
  }
}

function callAll(listeners: ReadonlySet<EngineListener>, event: EngineEvent): void {
  for (const l of listeners) {
    try {
      l(event);
    } catch {
      // A listener's failure must never reach serving.
    }
  }
}

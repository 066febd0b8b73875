import type { EngineEvent, EngineEventType, EngineListener } from '../serve/index.js';
import type { PredictionLogger } from './log/prediction-logger.js';
import type { KeelMetrics, ServingStatsSource } from './metrics/keel-metrics.js';

/** The parts of the inference engine monitoring uses (`InferenceEngine` fits). */
export interface ObservableEngine extends ServingStatsSource {
  subscribe(listener: EngineListener, types?: readonly EngineEventType[]): () => void;
}

/** What `observeEngine` feeds. */
export interface EngineObserverOptions {
  readonly metrics: KeelMetrics;
  /** Gets every prediction (it samples); omit to log nothing. */
  readonly logger?: PredictionLogger | null;
}

const MODEL_OF_REF = /^([^@/]+)/;

/**
 * Connects an inference engine to monitoring: engine counters (batching, queue, shedding, cache)
 * are read at scrape time; `prediction` events record rows and engine time on pre-bound series and
 * go to the prediction log; model loads and failed loads are counted and timed. Events reach
 * listeners after the answer was sent (the engine emits them on the next event-loop turn).
 * Returns the function that disconnects.
 */
export function observeEngine(engine: ObservableEngine, options: EngineObserverOptions): () => void {
  const { metrics } = options;
  const logger = options.logger ?? null;
  metrics.setServingSource(engine);
  const listener = (event: EngineEvent): void => {
    switch (event.type) {
      case 'prediction':
        metrics
          .prediction(event.deployment, event.model, event.version, event.variant)
          .record(event.rows, event.latencyUs / 1e6);
        logger?.record(event);
        return;
      case 'model-loaded':
        metrics.recordModelLoad(event.model, event.version, event.loadMs / 1000);
        return;
      case 'model-load-failed':
        metrics.recordModelLoad(MODEL_OF_REF.exec(event.ref)?.[1] ?? event.ref, null, null);
        return;
      default:
        return;
    }
  };
  const unsubscribe = engine.subscribe(listener, ['prediction', 'model-loaded', 'model-load-failed']);
  return () => {
    unsubscribe();
    metrics.setServingSource(null);
  };
}

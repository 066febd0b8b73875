import type { Clock, Logger } from '../../core/index.js';
import type { FeatureStore } from '../../features/index.js';
import type { Registry } from '../../registry/index.js';
import type { ArtifactStore, DuckDBEngine, MetadataStore } from '../../storage/index.js';
import type { Tracking } from '../../track/index.js';
import { applyLearningPolicy } from './apply-policy.js';
import { LearningController } from './controller.js';
import { monitorSignals } from './learning-signals.js';
import { logServingSignals } from './log-serving-signals.js';
import type { LearningPolicy } from './resolved-policy.js';
import type { ChallengerTrainer } from './retrain.js';
import { engineServingSignals, type ObservedEngine } from './serving-signals.js';

/** What `startLearningController` is given (a serving process has all of it). */
export interface StartLearningControllerOptions {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly registry: Registry;
  readonly tracking: Tracking;
  readonly clock: Clock;
  readonly log: Logger;
  /** Project root (relative data and pipeline paths). */
  readonly root: string;
  /** The offline store folder (prediction log and labels; see `offlineFolder`). */
  readonly offline: string;
  /**
   * The process's inference engine: shadow and canary are analysed on its live events and
   * counters, and deployment changes are applied at once. Without it, serving facts are read from
   * the prediction log (failures and shadow calls are then not observed).
   */
  readonly engine?: ObservedEngine & { poll(): Promise<void> };
  readonly features?: FeatureStore;
  /** Policies defined in code in this process; applied (stored) at start. */
  readonly policies?: readonly LearningPolicy[];
  readonly trainer?: ChallengerTrainer;
  readonly duckdb?: DuckDBEngine;
  /** Period of the controller's passes, in ms of the clock. Default 10,000 (each policy still waits its `interval`). */
  readonly tickMs?: number;
  /** Runs before drift and quality reads (e.g. flush the prediction log). */
  readonly beforeRead?: () => Promise<void>;
  /** Start the periodic passes (default true); false leaves them to `controller.runOnce()` (a simulation). */
  readonly autoStart?: boolean;
}

/** A started controller and how to stop it. */
export interface RunningLearningController {
  readonly controller: LearningController;
  /** Stops the loop (after the pass in progress) and detaches from the engine. */
  stop(): Promise<void>;
}

/**
 * Starts the continuous-learning loop of a serving process (`keel serve` wires it): monitoring
 * signals over the offline store, serving signals from the engine, in-process policies applied,
 * then a pass every `tickMs`. Returns at once; the passes run in the background.
 */
export async function startLearningController(
  options: StartLearningControllerOptions,
): Promise<RunningLearningController> {
  const fromEngine = options.engine ? engineServingSignals(options.engine) : null;
  const serving = fromEngine ?? logServingSignals({ offline: options.offline });
  for (const policy of options.policies ?? []) await applyLearningPolicy(options, policy);
  const controller = new LearningController({
    ...options,
    signals: monitorSignals({
      offline: options.offline,
      registry: options.registry,
      artifacts: options.artifacts,
      ...(options.duckdb ? { engine: options.duckdb } : {}),
      ...(options.beforeRead ? { beforeRead: options.beforeRead } : {}),
    }),
    serving,
  });
  if (options.autoStart !== false) controller.start(options.tickMs ?? 10_000);
  return {
    controller,
    stop: async () => {
      await controller.stop();
      fromEngine?.close();
    },
  };
}

import type { Clock, Logger } from '../../../core/index.js';
import type { FeatureStore } from '../../../features/index.js';
import type { Registry } from '../../../registry/index.js';
import type { Deployment, DeploymentEvent } from '../../../storage/index.js';
import type { LearningSignals } from '../learning-signals.js';
import type { LearningState } from '../learning-state.js';
import type { LearningPolicy } from '../resolved-policy.js';
import type { ChallengerTrainer } from '../retrain.js';
import type { Evidence, RolloutWriter } from '../rollout-writer.js';
import type { ServingSignals } from '../serving-signals.js';

/** A decision taken during a tick (also recorded in the deployment's history). */
export interface TickDecision {
  readonly action: string;
  readonly reason: string;
}

/** Everything a phase handler works with during one tick of one deployment. */
export interface TickContext {
  readonly policy: LearningPolicy;
  readonly model: string;
  readonly now: number;
  /** The state as read at the start of the tick (handlers return the next one). */
  readonly state: LearningState;
  readonly registry: Registry;
  readonly clock: Clock;
  readonly log: Logger;
  readonly root: string;
  readonly signals: LearningSignals;
  readonly serving: ServingSignals;
  readonly trainer: ChallengerTrainer;
  readonly features: FeatureStore | undefined;
  /** This controller's id (owner of the retrains it runs). */
  readonly owner: string;
  /** Whether triggers are due regardless of their interval (`run-once`). */
  readonly force: boolean;
  readonly writer: RolloutWriter;
  /** Saves the state now (compare-and-set), before a long step such as training. */
  save(next: LearningState): Promise<void>;
  /** Records an event and notes the decision. */
  record(action: string, reason: string, evidence: Evidence): Promise<DeploymentEvent>;
  /** Runs a spec change, notes the decision and lets the engine apply it. */
  change(action: string, reason: string, run: () => Promise<Deployment>): Promise<Deployment>;
  /** Something worth showing that is not a decision (waiting on data, a quiet trigger). */
  note(text: string): void;
}

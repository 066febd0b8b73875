import type { Params } from './space-spec.js';

/** Where a trial stands: asked and running, finished with a value, pruned early, or failed. */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** Whether the objective is minimised or maximised. */
export type Direction = 'minimize' | 'maximize';

/** A trial handed out by `Study.ask()`: its number (0-based, in ask order) and sampled parameters. */
export interface Trial {
  readonly number: number;
  readonly params: Params;
}

/** One intermediate value reported for a trial at a step (a boosting round, an epoch). */
export interface IntermediateValue {
  /** Step, a non-negative integer (Keel's learners report 1-based rounds). */
  readonly step: number;
  readonly value: number;
}

/** Everything a study records about one trial (Optuna's FrozenTrial); plain data. */
export interface TrialRecord {
  readonly number: number;
  readonly state: TrialState;
  readonly params: Params;
  /**
   * The objective value of a complete trial; for a pruned trial its last intermediate value (as
   * Optuna records it), or null when it reported none; null for running and failed trials.
   */
  readonly value: number | null;
  /** Reported intermediate values, ordered by step (one per step: re-reports are ignored). */
  readonly intermediate: readonly IntermediateValue[];
  /** Values the successive-halving/Hyperband pruner recorded at each completed rung (index = rung). */
  readonly rungs: readonly number[];
}

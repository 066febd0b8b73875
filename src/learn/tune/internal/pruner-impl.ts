import type { PrunerStateData } from '../study-data.js';
import type { Direction, TrialRecord } from '../trial.js';

/** Re-exported for the implementations: the stored shape lives in study-data.ts. */
export type { PrunerStateData };

/** What a pruner sees when it judges one trial. */
export interface PruneContext {
  /** Every trial of the study in number order (the judged one included). */
  readonly trials: readonly TrialRecord[];
  readonly direction: Direction;
  /** The study name (Hyperband hashes it with the trial number to pick a bracket). */
  readonly studyName: string;
}

/** A pruner's verdict and the trial's rung values after it (successive halving records them). */
export interface PruneResult {
  readonly prune: boolean;
  readonly rungs: readonly number[];
}

/** A pruner as Optuna structures one. */
export interface PrunerImpl {
  prune(ctx: PruneContext, trial: TrialRecord): PruneResult;
  /** The trials a sampler should learn from when sampling `trial` (Hyperband: its bracket). */
  filterTrials(ctx: PruneContext, trial: TrialRecord): readonly TrialRecord[];
  toState(): PrunerStateData;
}

/** The last reported step of a trial, or undefined. */
export function lastStep(t: TrialRecord): number | undefined {
  return t.intermediate[t.intermediate.length - 1]?.step;
}

/** Never prunes. */
export const nopPruner: PrunerImpl = {
  prune: (_ctx, trial) => ({ prune: false, rungs: trial.rungs }),
  filterTrials: (ctx) => ctx.trials,
  toState: () => ({}),
};

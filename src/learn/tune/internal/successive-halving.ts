import type { TrialRecord } from '../trial.js';
import { lastStep, type PruneContext, type PruneResult, type PrunerImpl } from './pruner-impl.js';

/** Options of one successive-halving run (also one Hyperband bracket). */
export interface ShaOptions {
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  readonly bootstrapCount: number;
}

/** max(⌊largest last step of the complete trials / 100⌋, 1), or undefined before any completes. */
export function estimateMinResource(trials: readonly TrialRecord[]): number | undefined {
  let last: number | undefined;
  for (const t of trials) {
    const s = t.state === 'complete' ? lastStep(t) : undefined;
    if (s !== undefined && (last === undefined || s > last)) last = s;
  }
  return last === undefined ? undefined : Math.max(Math.floor(last / 100), 1);
}

/** Whether `value` is in the top ⌊n/rf⌋ (at least the best) of the values competing at a rung. */
function isPromotable(value: number, competing: number[], rf: number, maximize: boolean): boolean {
  let idx = Math.floor(competing.length / rf) - 1;
  if (idx === -1) idx = 0;
  competing.sort((a, b) => a - b);
  return maximize ? value >= competing[competing.length - 1 - idx]! : value <= competing[idx]!;
}

/**
 * Optuna 3.1's SuccessiveHalvingPruner decision: walks the rungs the trial's last step has reached,
 * records its last value at each, and prunes it at the first rung where it is not promotable.
 * `trials` are the competitors (the whole study, or one Hyperband bracket).
 */
export function successiveHalving(
  trials: readonly TrialRecord[],
  trial: TrialRecord,
  minResource: number,
  o: ShaOptions,
  maximize: boolean,
): PruneResult {
  const step = lastStep(trial);
  const rungs = [...trial.rungs];
  if (step === undefined) return { prune: false, rungs };
  const value = trial.intermediate[trial.intermediate.length - 1]!.value;
  for (let rung = rungs.length; ; rung++) {
    const promotionStep = minResource * o.reductionFactor ** (o.minEarlyStoppingRate + rung);
    if (step < promotionStep) return { prune: false, rungs };
    if (Number.isNaN(value)) return { prune: true, rungs };
    rungs[rung] = value;
    const competing = [value];
    for (const t of trials) {
      const v = t.number === trial.number ? undefined : t.rungs[rung];
      if (v !== undefined) competing.push(v);
    }
    if (competing.length <= o.bootstrapCount) return { prune: true, rungs };
    if (!isPromotable(value, competing, o.reductionFactor, maximize)) return { prune: true, rungs };
  }
}

/** Optuna 3.1's SuccessiveHalvingPruner ('auto' minResource fixed once a trial completes). */
export class SuccessiveHalvingPrunerImpl implements PrunerImpl {
  constructor(
    private readonly o: ShaOptions,
    private minResource: number | undefined,
  ) {}

  prune(ctx: PruneContext, trial: TrialRecord): PruneResult {
    if (lastStep(trial) === undefined) return { prune: false, rungs: trial.rungs };
    this.minResource ??= estimateMinResource(ctx.trials);
    if (this.minResource === undefined) return { prune: false, rungs: trial.rungs };
    return successiveHalving(ctx.trials, trial, this.minResource, this.o, ctx.direction === 'maximize');
  }

  filterTrials(ctx: PruneContext): readonly TrialRecord[] {
    return ctx.trials;
  }

  toState(): { minResource?: number } {
    return this.minResource === undefined ? {} : { minResource: this.minResource };
  }
}

import type { PercentilePrunerSpec } from '../pruner.js';
import type { TrialRecord } from '../trial.js';
import { nanPercentile } from './numpy-compat.js';
import { lastStep, type PruneContext, type PruneResult, type PrunerImpl } from './pruner-impl.js';

/** A trial's intermediate value at `step` (binary search: values are kept ordered by step). */
function valueAtStep(t: TrialRecord, step: number): number | undefined {
  let lo = 0;
  let hi = t.intermediate.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t.intermediate[mid]!.step < step) lo = mid + 1;
    else hi = mid;
  }
  const iv = t.intermediate[lo];
  return iv !== undefined && iv.step === step ? iv.value : undefined;
}

/** True when `step` is the first reported step in its pruning interval (Optuna's `_is_first_in_interval_step`). */
function isFirstInIntervalStep(step: number, trial: TrialRecord, warmup: number, interval: number): boolean {
  const nearestLowerPruningStep = Math.floor((step - warmup) / interval) * interval + warmup;
  let secondLast = -1;
  for (const iv of trial.intermediate) if (iv.step > secondLast && iv.step !== step) secondLast = iv.step;
  return secondLast < nearestLowerPruningStep;
}

/** Optuna 3.1's PercentilePruner (MedianPruner at 50). */
export class PercentilePrunerImpl implements PrunerImpl {
  constructor(private readonly o: Required<PercentilePrunerSpec>) {}

  prune(ctx: PruneContext, trial: TrialRecord): PruneResult {
    return { prune: this.decide(ctx, trial), rungs: trial.rungs };
  }

  filterTrials(ctx: PruneContext): readonly TrialRecord[] {
    return ctx.trials;
  }

  toState(): Record<string, never> {
    return {};
  }

  private decide(ctx: PruneContext, trial: TrialRecord): boolean {
    const completed = ctx.trials.filter((t) => t.state === 'complete');
    if (completed.length === 0 || completed.length < this.o.nStartupTrials) return false;
    const step = lastStep(trial);
    if (step === undefined || step < this.o.nWarmupSteps) return false;
    if (!isFirstInIntervalStep(step, trial, this.o.nWarmupSteps, this.o.intervalSteps)) return false;
    const maximize = ctx.direction === 'maximize';
    const values = trial.intermediate.map((iv) => iv.value).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return true;
    const best = maximize ? Math.max(...values) : Math.min(...values);
    const atStep: number[] = [];
    for (const t of completed) {
      const v = valueAtStep(t, step);
      if (v !== undefined) atStep.push(v);
    }
    if (atStep.length < this.o.nMinTrials) return false;
    const p = nanPercentile(atStep, maximize ? 100 - this.o.percentile : this.o.percentile);
    if (Number.isNaN(p)) return false;
    return maximize ? best < p : best > p;
  }
}

import { KeelError } from '../../core/index.js';
import type { PruneContext, PrunerImpl } from './internal/pruner-impl.js';
import type { SamplerImpl } from './internal/sampler-impl.js';
import { checkPartialParams, initFromData, initFromOptions, type StudyInit } from './internal/study-init.js';
import type { ResolvedPrunerSpec } from './pruner.js';
import type { ResolvedSamplerSpec } from './sampler.js';
import type { SearchSpace } from './space.js';
import type { Params, ParamValue } from './space-spec.js';
import { type StudyData, storeTrial } from './study-data.js';
import type { StudyOptions } from './study-options.js';
import type { Direction, Trial, TrialRecord } from './trial.js';

/** The outcome `tell` records: a value (NaN records a failure, as Optuna), or a pruned/failed state. */
export type TellResult = number | { readonly state: 'pruned' | 'failed' };

/**
 * An ask/tell optimisation study: `ask()` a trial, train with its params, `report()` per-round
 * values and ask `shouldPrune()`, then `tell()` the result. The whole state (trials, sampler random
 * streams, pruner sizes, queue) is plain data: `toJSON()` / `Study.fromJSON()` resume it exactly.
 * Not safe for concurrent use from several threads; one process owns a study at a time.
 */
export class Study {
  readonly name: string;
  readonly direction: Direction;
  readonly seed: number;
  readonly space: SearchSpace;
  readonly sampler: ResolvedSamplerSpec;
  readonly pruner: ResolvedPrunerSpec;
  private readonly samplerImpl: SamplerImpl;
  private readonly prunerImpl: PrunerImpl;
  private readonly records: TrialRecord[];
  private readonly queue: Params[];

  private constructor(init: StudyInit) {
    this.name = init.name;
    this.direction = init.direction;
    this.seed = init.seed;
    this.space = init.space;
    this.sampler = init.sampler;
    this.pruner = init.pruner;
    this.samplerImpl = init.samplerImpl;
    this.prunerImpl = init.prunerImpl;
    this.records = init.trials;
    this.queue = init.queue;
  }

  /** Creates a study; see `createStudy`. */
  static create(options: StudyOptions): Study {
    return new Study(initFromOptions(options));
  }

  /**
   * Rebuilds a study from `toJSON()` output: it continues with the same random streams, so it asks
   * what the saved one would have asked. Running trials stay running (see `failRunning`,
   * `retryRunning`). Bad data fails with KEEL_TUNE_BAD_STUDY (or KEEL_TUNE_BAD_SPACE).
   */
  static fromJSON(data: unknown): Study {
    return new Study(initFromData(data));
  }

  /** Every trial, in number order (plain records; later calls do not change them). */
  get trials(): readonly TrialRecord[] {
    return [...this.records];
  }

  /** The complete trial with the best value (the first one on ties), or undefined before any. */
  get best(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    const better =
      this.direction === 'minimize' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
    for (const t of this.records) {
      if (t.state === 'complete' && t.value !== null && (best === undefined || better(t.value, best.value!)))
        best = t;
    }
    return best;
  }

  /** True when the sampler has nothing left to propose (a grid whose every point finished). */
  get exhausted(): boolean {
    return this.samplerImpl.isExhausted({
      space: this.space,
      direction: this.direction,
      trials: this.records,
    });
  }

  /** One trial by number; KEEL_TUNE_TRIAL_NOT_FOUND when there is none. */
  trial(number: number): TrialRecord {
    const t = Number.isInteger(number) ? this.records[number] : undefined;
    if (t === undefined) {
      throw new KeelError(
        'KEEL_TUNE_TRIAL_NOT_FOUND',
        `Study "${this.name}" has no trial ${number} (it has ${this.records.length}).`,
        {
          details: { study: this.name, trial: number },
        },
      );
    }
    return t;
  }

  /**
   * Starts a trial and samples its parameters: enqueued values first, then the sampler's joint
   * (multivariate) values, then one parameter at a time in space order; inactive conditional
   * parameters are left out.
   */
  ask(): Trial {
    const number = this.records.length;
    const fixed = this.queue[0] ?? {};
    const record: TrialRecord = {
      number,
      state: 'running',
      params: {},
      value: null,
      intermediate: [],
      rungs: [],
    };
    this.records.push(record);
    try {
      const ctx = {
        space: this.space,
        direction: this.direction,
        trials: this.samplerTrials(record),
        number,
      };
      const relative = this.samplerImpl.sampleRelative(ctx);
      const params: Record<string, ParamValue> = {};
      for (const p of this.space.params) {
        if (!this.space.isActive(p, params)) continue;
        if (Object.hasOwn(fixed, p.name)) params[p.name] = fixed[p.name] ?? null;
        else if (relative.has(p.name)) params[p.name] = relative.get(p.name) ?? null;
        else params[p.name] = this.samplerImpl.sampleIndependent(ctx, p, params);
      }
      this.records[number] = { ...record, params };
      this.queue.shift();
      return { number, params };
    } catch (error) {
      this.records.pop();
      throw error;
    }
  }

  /**
   * Fixes (some) parameters of the next asked trial, e.g. a known good configuration; the rest are
   * sampled. Values are checked against the space (KEEL_TUNE_BAD_SPACE); values for parameters that
   * turn out inactive are dropped.
   */
  enqueue(params: Params): void {
    checkPartialParams(this.space, params);
    this.queue.push({ ...params });
  }

  /**
   * Records a trial's intermediate value at `step` (a non-negative integer, e.g. a boosting round).
   * A step already reported keeps its first value (as Optuna). The trial must be running.
   */
  report(trialNumber: number, step: number, value: number): void {
    const t = this.running(trialNumber, 'report to');
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Trial ${trialNumber}: step must be an integer ≥ 0 (got ${step}).`,
      );
    }
    if (typeof value !== 'number') {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Trial ${trialNumber}: the value at step ${step} must be a number.`,
      );
    }
    if (t.intermediate.some((iv) => iv.step === step)) return;
    const intermediate = [...t.intermediate, { step, value }].sort((a, b) => a.step - b.step);
    this.records[trialNumber] = { ...t, intermediate };
  }

  /** Asks the pruner whether a running trial should stop now, given its reports so far. */
  shouldPrune(trialNumber: number): boolean {
    const t = this.running(trialNumber, 'prune');
    const result = this.prunerImpl.prune(this.pruneContext(), t);
    if (result.rungs !== t.rungs) this.records[trialNumber] = { ...t, rungs: result.rungs };
    return result.prune;
  }

  /**
   * Finishes a running trial: a number completes it (NaN fails it, as Optuna); `{ state: 'pruned' }`
   * records its last intermediate value as its value; `{ state: 'failed' }` records none.
   */
  tell(trialNumber: number, result: TellResult): TrialRecord {
    const t = this.running(trialNumber, 'tell');
    let next: TrialRecord;
    if (typeof result === 'number') {
      next = Number.isNaN(result)
        ? { ...t, state: 'failed', value: null }
        : { ...t, state: 'complete', value: result };
    } else if (result?.state === 'pruned') {
      const last = t.intermediate[t.intermediate.length - 1]?.value;
      next = { ...t, state: 'pruned', value: last === undefined || Number.isNaN(last) ? null : last };
    } else if (result?.state === 'failed') {
      next = { ...t, state: 'failed', value: null };
    } else {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Trial ${trialNumber}: tell a number, { state: 'pruned' } or { state: 'failed' }.`,
      );
    }
    this.records[trialNumber] = next;
    return next;
  }

  /** Marks every running trial failed (after a crash, when they will not be resumed); returns their numbers. */
  failRunning(): number[] {
    const numbers = this.records.filter((t) => t.state === 'running').map((t) => t.number);
    for (const n of numbers) this.tell(n, { state: 'failed' });
    return numbers;
  }

  /**
   * Marks every running trial failed and enqueues its parameters, so the next `ask()` calls re-run
   * them as new trials (Optuna's RetryFailedTrialCallback); returns the failed trial numbers.
   */
  retryRunning(): number[] {
    const running = this.records.filter((t) => t.state === 'running');
    for (const t of running) {
      this.tell(t.number, { state: 'failed' });
      this.queue.push({ ...t.params });
    }
    return running.map((t) => t.number);
  }

  /** The whole study as JSON-safe plain data (see `StudyData`). */
  toJSON(): StudyData {
    return {
      format: 'keel.study',
      version: 1,
      name: this.name,
      direction: this.direction,
      seed: this.seed,
      space: this.space.spec,
      sampler: this.sampler,
      pruner: this.pruner,
      samplerState: this.samplerImpl.toState(),
      prunerState: this.prunerImpl.toState(),
      queue: this.queue.map((q) => ({ ...q })),
      trials: this.records.map(storeTrial),
    };
  }

  private running(trialNumber: number, verb: string): TrialRecord {
    const t = this.trial(trialNumber);
    if (t.state !== 'running') {
      throw new KeelError(
        'KEEL_TUNE_TRIAL_FINISHED',
        `Cannot ${verb} trial ${trialNumber} of study "${this.name}": it is ${t.state}.`,
        {
          details: { study: this.name, trial: trialNumber, state: t.state },
        },
      );
    }
    return t;
  }

  private pruneContext(): PruneContext {
    return { trials: this.records, direction: this.direction, studyName: this.name };
  }

  private samplerTrials(record: TrialRecord): readonly TrialRecord[] {
    return this.prunerImpl.filterTrials(this.pruneContext(), record);
  }
}

/**
 * Creates an ask/tell study over a search space. Defaults: minimise, TPE with Optuna 3.1's defaults,
 * no pruner, a random seed. Bad spaces fail with KEEL_TUNE_BAD_SPACE, bad options with
 * KEEL_INVALID_ARGUMENT (a grid sampler over a continuous float fails here too).
 */
export function createStudy(options: StudyOptions): Study {
  return Study.create(options);
}

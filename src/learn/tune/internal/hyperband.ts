import type { HyperbandPrunerSpec } from '../pruner.js';
import type { TrialRecord } from '../trial.js';
import { lastStep, type PruneContext, type PruneResult, type PrunerImpl } from './pruner-impl.js';
import { successiveHalving } from './successive-halving.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (zlib / Python's binascii.crc32) of a string's UTF-8 bytes. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (const b of new TextEncoder().encode(text)) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Brackets {
  readonly budgets: readonly number[];
  readonly total: number;
}

/**
 * Optuna 3.1's HyperbandPruner: ⌊log_rf(max/min)⌋ + 1 successive-halving brackets (bracket b skips
 * its first b rungs) with trial budgets ⌈n·rf^s/(s+1)⌉; a trial's bracket is crc32("<study>_<number>")
 * mod the total budget walked through the budgets. Set up once a first trial completes ('auto').
 */
export class HyperbandPrunerImpl implements PrunerImpl {
  private brackets: Brackets | undefined;

  /** @param maxResource the size fixed by an earlier session (state), undefined before set-up */
  constructor(
    private readonly o: Required<HyperbandPrunerSpec>,
    private maxResource: number | undefined,
  ) {
    if (maxResource !== undefined) this.brackets = this.makeBrackets(maxResource);
  }

  prune(ctx: PruneContext, trial: TrialRecord): PruneResult {
    if (this.brackets === undefined) {
      this.init(ctx.trials);
      if (this.brackets === undefined) return { prune: false, rungs: trial.rungs };
    }
    // max < min leaves no bracket: Optuna then never prunes.
    if (this.brackets.total === 0) return { prune: false, rungs: trial.rungs };
    const bracket = this.bracketOf(ctx.studyName, trial.number);
    const peers = ctx.trials.filter((t) => this.bracketOf(ctx.studyName, t.number) === bracket);
    const sha = {
      reductionFactor: this.o.reductionFactor,
      minEarlyStoppingRate: bracket,
      bootstrapCount: this.o.bootstrapCount,
    };
    return successiveHalving(peers, trial, this.o.minResource, sha, ctx.direction === 'maximize');
  }

  filterTrials(ctx: PruneContext, trial: TrialRecord): readonly TrialRecord[] {
    if (this.brackets === undefined) return ctx.trials;
    const bracket = this.bracketOf(ctx.studyName, trial.number);
    return ctx.trials.filter((t) => this.bracketOf(ctx.studyName, t.number) === bracket);
  }

  toState(): { maxResource?: number } {
    return this.maxResource === undefined ? {} : { maxResource: this.maxResource };
  }

  /** The bracket of a trial (0 before the pruner is set up). */
  bracketOf(studyName: string, number: number): number {
    if (this.brackets === undefined || this.brackets.total === 0) return 0;
    let n = crc32(`${studyName}_${number}`) % this.brackets.total;
    for (let b = 0; b < this.brackets.budgets.length; b++) {
      n -= this.brackets.budgets[b]!;
      if (n < 0) return b;
    }
    return this.brackets.budgets.length - 1;
  }

  private init(trials: readonly TrialRecord[]): void {
    if (this.o.maxResource === 'auto') {
      let last: number | undefined;
      for (const t of trials) {
        const s = t.state === 'complete' ? lastStep(t) : undefined;
        if (s !== undefined && (last === undefined || s > last)) last = s;
      }
      if (last === undefined) return;
      this.maxResource = last + 1;
    } else this.maxResource = this.o.maxResource;
    this.brackets = this.makeBrackets(this.maxResource);
  }

  private makeBrackets(maxResource: number): Brackets {
    const rf = this.o.reductionFactor;
    const n = Math.floor(Math.log(maxResource / this.o.minResource) / Math.log(rf)) + 1;
    const budgets: number[] = [];
    for (let b = 0; b < n; b++) {
      const s = n - 1 - b;
      budgets.push(Math.ceil((n * rf ** s) / (s + 1)));
    }
    return { budgets, total: budgets.reduce((a, b) => a + b, 0) };
  }
}

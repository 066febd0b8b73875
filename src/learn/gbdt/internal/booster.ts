import { KeelError } from '../../../core/index.js';
import type { RoundReport } from '../../model.js';
import type { ResolvedGbdtParams } from '../params.js';
import type { BinnedMatrix } from './binning.js';
import { type EnsembleArrays, EnsembleBuilder } from './ensemble.js';
import type { HistExecutor } from './executor.js';
import { LevelGrower } from './level-grower.js';
import type { Objective } from './objectives.js';
import { PartitionGrower } from './partition-grower.js';
import { Rng } from './rng.js';
import type { TrainingData } from './training-data.js';

/** What the boosting loop returns: the kept trees and the round count. */
export interface BoostResult {
  readonly arrays: EnsembleArrays;
  readonly rounds: number;
  readonly baseScore: Float64Array;
}

/** Callbacks and limits of one boosting run. */
export interface BoostHooks {
  readonly onRound?: ((report: RoundReport) => boolean | undefined) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Depth-wise trees (no leaf limit) of moderate depth grow level by level (see `LevelGrower`). */
export function useLevelGrowth(p: Pick<ResolvedGbdtParams, 'maxLeaves' | 'maxDepth'>): boolean {
  return p.maxLeaves === 0 && p.maxDepth <= MAX_LEVEL_DEPTH;
}

/** Deeper depth-wise trees use the partition grower (level tables grow as 2^depth). */
const MAX_LEVEL_DEPTH = 12;

/** Picks the features of one tree (column subsampling among usable features) into the shared lists. */
function chooseFeatures(ex: HistExecutor, data: BinnedMatrix, fraction: number, rng: Rng): number {
  const usable: number[] = [];
  data.features.forEach((f, j) => {
    if (f.usable) usable.push(j);
  });
  let chosen = usable;
  if (fraction < 1) {
    const k = Math.max(1, Math.round(fraction * usable.length));
    chosen = Array.from(rng.sample(usable.length, k), (i) => usable[i]!);
  }
  ex.setFeatures(
    chosen,
    chosen.map((f) => data.offsets[f]!),
  );
  return chosen.length;
}

/** Per-round metrics, the best validation round, and whether to go on. */
class RoundTracker {
  bestRound = 0;
  private bestMetric = Number.POSITIVE_INFINITY;

  constructor(
    private readonly objective: Objective,
    private readonly y: Float64Array,
    private readonly valid: TrainingData['validation'],
    private readonly p: ResolvedGbdtParams,
    private readonly hooks: BoostHooks,
  ) {}

  /** Whether rounds need metrics at all (they cost a pass over the rows). */
  get active(): boolean {
    return this.hooks.onRound !== undefined || this.p.earlyStoppingRounds > 0;
  }

  /** Reports round `round`; false when training should stop (onRound said so, or early stopping). */
  report(round: number, scores: Float64Array, vScores: Float64Array | null): boolean {
    const metrics: Record<string, number> = {};
    if (this.hooks.onRound) {
      for (const [name, v] of Object.entries(this.objective.metrics(scores, this.y, false)))
        metrics[`train.${name}`] = v;
    }
    if (this.valid && vScores) {
      const vm = this.objective.metrics(vScores, this.valid.y, true);
      for (const [name, v] of Object.entries(vm)) metrics[`validation.${name}`] = v;
      const first = Object.values(vm)[0]!;
      if (first < this.bestMetric) {
        this.bestMetric = first;
        this.bestRound = round;
      }
    }
    if (this.hooks.onRound?.({ round, metrics }) === false) return false;
    return !(this.p.earlyStoppingRounds > 0 && round - this.bestRound >= this.p.earlyStoppingRounds);
  }
}

function initialScores(rows: number, base: Float64Array, out: Float64Array): void {
  const k = base.length;
  for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) out[i * k + c] = base[c]!;
}

/**
 * Runs boosting rounds: gradients, one tree per output, score updates, per-round metrics,
 * early stopping on the first validation metric, `onRound` and cancellation between rounds.
 */
export async function boost(
  ex: HistExecutor,
  data: TrainingData,
  y: Float64Array,
  objective: Objective,
  p: ResolvedGbdtParams,
  hooks: BoostHooks,
): Promise<BoostResult> {
  const { binned, validation: valid } = data;
  const n = binned.n;
  const k = objective.k;
  const baseScore = objective.baseScore(y, data.weights);
  const { scores } = ex.state;
  initialScores(n, baseScore, scores);
  const vScores = valid ? new Float64Array(valid.n * k) : null;
  if (valid && vScores) initialScores(valid.n, baseScore, vScores);
  const builder = new EnsembleBuilder(
    binned,
    data.specs.map((s) => s.levels?.length ?? 0),
  );
  const grower = useLevelGrowth(p) ? new LevelGrower(ex, binned, p) : new PartitionGrower(ex, binned, p);
  const rng = new Rng(p.seed);
  const tracker = new RoundTracker(objective, y, valid, p, hooks);
  let rounds = 0;
  for (let round = 1; round <= p.numTrees; round++) {
    // Let timers and abort signals run between rounds.
    if (round > 1) await new Promise((resolve) => setImmediate(resolve));
    if (hooks.signal?.aborted) {
      throw new KeelError('KEEL_CANCELLED', `GBDT training was cancelled after ${round - 1} rounds.`, {
        details: { rounds: round - 1 },
      });
    }
    objective.plan(scores, y, data.wMax, ex.state.plan);
    await ex.gradients(objective.kind, k);
    const sample = p.rowSubsample < 1 ? rng.sample(n, Math.max(1, Math.round(p.rowSubsample * n))) : null;
    const nf = chooseFeatures(ex, binned, p.colSubsample, rng);
    for (let c = 0; c < k; c++) builder.add(await grower.grow(c * 2 * n, sample, nf, k, c));
    rounds = round;
    if (valid && vScores) builder.addLastTrees(k, k, valid.x, valid.n, data.specs.length, vScores);
    if (tracker.active && !tracker.report(round, scores, vScores)) break;
  }
  const kept = p.earlyStoppingRounds > 0 && tracker.bestRound > 0 ? tracker.bestRound : rounds;
  return { arrays: builder.finish(kept * k), rounds: kept, baseScore };
}

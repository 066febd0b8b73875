import type { BinnedMatrix } from './binning.js';
import type { GrownTree } from './tree-types.js';

/** Node flag: missing (and unseen categorical) values go left. */
export const FLAG_MISSING_LEFT = 1;
/** Node flag: categorical split (threshold = word offset of the level bitset in `catBits`). */
export const FLAG_CATEGORICAL = 2;

/**
 * Every tree of a model as flat arrays over raw feature values (the serialized form). Node `i` is a
 * leaf when `feature[i] < 0`; otherwise rows go to `left[i]` when `x <= threshold[i]` (numeric) or
 * when bit `x` of the level bitset at `catBits[threshold[i]]` is set (categorical), else to
 * `left[i] + 1`; NaN goes left when `flags[i] & FLAG_MISSING_LEFT`. Tree `t` starts at
 * `treeStart[t]` and adds `value` of its leaf to output `t % k`.
 */
export interface EnsembleArrays {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly flags: Uint8Array;
  /** Leaf value (shrunk); for internal nodes the value the node would have as a leaf. */
  readonly value: Float64Array;
  /** Loss reduction of the split (0 for leaves). */
  readonly gain: Float64Array;
  /** Hessian sum of the training rows in the node. */
  readonly cover: Float64Array;
  readonly treeStart: Int32Array;
  readonly catBits: Uint32Array;
}

/** Collects grown trees, translating bin splits into raw thresholds and level bitsets. */
export class EnsembleBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly flags: number[] = [];
  private readonly value: number[] = [];
  private readonly gain: number[] = [];
  private readonly cover: number[] = [];
  private readonly treeStart: number[] = [];
  private readonly catBits: number[] = [];
  private readonly levelCounts: number[];

  constructor(
    private readonly data: BinnedMatrix,
    levelCounts: readonly number[],
  ) {
    this.levelCounts = [...levelCounts];
  }

  /** Number of trees added. */
  get treeCount(): number {
    return this.treeStart.length;
  }

  /** Appends a tree (breadth-first, so the two children of a node are adjacent). */
  add(tree: GrownTree): { start: number; end: number } {
    const start = this.feature.length;
    this.treeStart.push(start);
    const queue = [0];
    const slot = new Map<number, number>([[0, start]]);
    this.reserve(1);
    for (let q = 0; q < queue.length; q++) {
      const id = queue[q]!;
      const at = slot.get(id)!;
      const s = tree.splits[id];
      this.value[at] = tree.value[id]!;
      this.cover[at] = tree.cover[id]!;
      if (!s || tree.left[id]! < 0) continue;
      const kids = this.reserve(2);
      slot.set(tree.left[id]!, kids);
      slot.set(tree.right[id]!, kids + 1);
      queue.push(tree.left[id]!, tree.right[id]!);
      this.feature[at] = s.feature;
      this.left[at] = kids;
      this.gain[at] = s.gain;
      this.flags[at] = (s.missingLeft ? FLAG_MISSING_LEFT : 0) | (s.categorical ? FLAG_CATEGORICAL : 0);
      this.threshold[at] = s.categorical
        ? this.levelBits(s.feature, s.leftTable)
        : this.cut(s.feature, s.threshold);
    }
    return { start, end: this.feature.length };
  }

  /**
   * Adds the last `count` trees' values to raw scores `out` (n × k, tree t to output t % k) for
   * rows of `x` (n × p, categorical as level codes): per-round validation scores without copying
   * the whole ensemble.
   */
  addLastTrees(count: number, k: number, x: Float64Array, n: number, p: number, out: Float64Array): void {
    const { feature, threshold, left, flags, value, catBits } = this;
    for (let t = this.treeCount - count; t < this.treeCount; t++) {
      const root = this.treeStart[t]!;
      const c = t % k;
      for (let i = 0; i < n; i++) {
        let node = root;
        for (let f = feature[node]!; f >= 0; f = feature[node]!) {
          const v = x[i * p + f]!;
          const fl = flags[node]!;
          const goLeft = Number.isNaN(v)
            ? (fl & FLAG_MISSING_LEFT) !== 0
            : (fl & FLAG_CATEGORICAL) !== 0
              ? ((catBits[threshold[node]! + (v >>> 5)]! >>> (v & 31)) & 1) === 1
              : v <= threshold[node]!;
          node = left[node]! + (goLeft ? 0 : 1);
        }
        out[i * k + c]! += value[node]!;
      }
    }
  }

  /** The flat arrays of the first `trees` trees (all by default). */
  finish(trees = this.treeCount): EnsembleArrays {
    const end = trees < this.treeCount ? this.treeStart[trees]! : this.feature.length;
    return {
      feature: Int32Array.from(this.feature.slice(0, end)),
      threshold: Float64Array.from(this.threshold.slice(0, end)),
      left: Int32Array.from(this.left.slice(0, end)),
      flags: Uint8Array.from(this.flags.slice(0, end)),
      value: Float64Array.from(this.value.slice(0, end)),
      gain: Float64Array.from(this.gain.slice(0, end)),
      cover: Float64Array.from(this.cover.slice(0, end)),
      treeStart: Int32Array.from(this.treeStart.slice(0, trees)),
      catBits: Uint32Array.from(this.catBits),
    };
  }

  private reserve(k: number): number {
    const at = this.feature.length;
    for (let i = 0; i < k; i++) {
      this.feature.push(-1);
      this.threshold.push(0);
      this.left.push(-1);
      this.flags.push(0);
      this.value.push(0);
      this.gain.push(0);
      this.cover.push(0);
    }
    return at;
  }

  /** Numeric bins 1..t go left: x <= the t-th cut (every non-missing value when t is the last bin). */
  private cut(feature: number, t: number): number {
    const cuts = this.data.features[feature]!.cuts;
    return t - 1 < cuts.length ? cuts[t - 1]! : Number.POSITIVE_INFINITY;
  }

  /** Appends the bitset over level codes whose bin goes left; returns its word offset. */
  private levelBits(feature: number, leftTable: Uint8Array): number {
    const codeToBin = this.data.features[feature]!.codeToBin;
    const levels = this.levelCounts[feature]!;
    const offset = this.catBits.length;
    const words = Math.max(1, Math.ceil(levels / 32));
    for (let w = 0; w < words; w++) this.catBits.push(0);
    for (let code = 0; code < levels; code++) {
      const w = offset + (code >>> 5);
      if (leftTable[codeToBin[code]!] === 1) this.catBits[w] = (this.catBits[w]! | (1 << (code & 31))) >>> 0;
    }
    return offset;
  }
}

import { type EnsembleArrays, FLAG_CATEGORICAL, FLAG_MISSING_LEFT } from './ensemble.js';
import { leafOf } from './forest-eval.js';

/** Rows per block: a block's prepared features stay in L1 while one tree's nodes are walked for all its rows. */
const BLOCK = 128;
/** Categorical features with more levels than this are walked by the generic (branchy) loop. */
const MASK_LEVELS = 31;
/** Distinct thresholds a numeric feature may have for the rank encoding (ranks 1..255). */
const MAX_CUTS = 254;
/** Prepared value of a missing number in the column where missing goes right. */
const MISSING_RIGHT = 256;
/** Rank threshold that nothing exceeds (categorical nodes, leaves). */
const NEVER = 1 << 30;

/**
 * Trees compiled for inference, over integers only. Each block of rows is first prepared: a numeric
 * value becomes its rank among the model's thresholds for that feature (1 + thresholds below it),
 * written twice, in column 2f with missing = 256 and in column 2f + 1 with missing = 0; a
 * categorical value becomes its level code + 1 (missing = 0). A node is four integers: `col` (the
 * prepared column: 2f when missing goes right, 2f + 1 when left), `tb` (rank threshold; `NEVER` for
 * categorical nodes and leaves), `cm` (categorical: bit c + 1 set when level code c goes right, bit 0
 * for missing) and `lft` (left child; right = lft + 1; a leaf points to itself). A step is then
 *
 *   next = lft + ((v > tb) | ((cm >>> v) & 1))
 *
 * with no branch and no floating point; every tree is walked exactly `depth` steps, eight rows at a
 * time so the CPU overlaps eight independent chains. Models with a categorical feature of more than
 * 31 levels (or a feature with more than 254 thresholds) use the reference traversal.
 */
export class CompiledForest {
  private readonly col: Int32Array;
  private readonly tb: Int32Array;
  private readonly cm: Int32Array;
  private readonly lft: Int32Array;
  private readonly val: Float64Array;
  private readonly roots: Int32Array;
  private readonly depth: Int32Array;
  private readonly categorical: Uint8Array;
  /** Per feature: its sorted thresholds padded to 256 with +Infinity, at `f * 256`. */
  private readonly cuts: Float64Array;
  private readonly catFeatures: Int32Array;
  private readonly catLevels: Int32Array;
  private readonly block: Int32Array;
  /** Null when the integer kernel applies; otherwise the flat arrays for the reference walk. */
  private readonly generic: EnsembleArrays | null;

  constructor(
    a: EnsembleArrays,
    private readonly p: number,
    private readonly k: number,
    levelCounts: readonly number[],
  ) {
    const nodes = a.feature.length;
    this.col = new Int32Array(nodes);
    this.tb = new Int32Array(nodes).fill(NEVER);
    this.cm = new Int32Array(nodes);
    this.lft = new Int32Array(nodes);
    this.val = Float64Array.from(a.value);
    this.roots = Int32Array.from(a.treeStart);
    this.categorical = Uint8Array.from(levelCounts, (l) => (l > 0 ? 1 : 0));
    const cats = levelCounts.map((l, f) => (l > 0 ? f : -1)).filter((f) => f >= 0);
    this.catFeatures = Int32Array.from(cats);
    this.catLevels = Int32Array.from(cats, (f) => levelCounts[f]!);
    this.block = new Int32Array(BLOCK * 2 * p);
    const { cuts, rankOf, fits } = thresholdRanks(a, p);
    this.cuts = cuts;
    let fitsKernel = fits;
    for (let i = 0; i < nodes; i++) {
      const f = a.feature[i]!;
      if (f < 0) {
        this.lft[i] = i;
        continue;
      }
      const missingLeft = (a.flags[i]! & FLAG_MISSING_LEFT) !== 0;
      this.lft[i] = a.left[i]!;
      if ((a.flags[i]! & FLAG_CATEGORICAL) === 0) {
        this.col[i] = 2 * f + (missingLeft ? 1 : 0);
        this.tb[i] = rankOf(f, a.threshold[i]!);
        continue;
      }
      const levels = levelCounts[f]!;
      if (levels > MASK_LEVELS) fitsKernel = false;
      this.col[i] = 2 * f;
      const off = a.threshold[i]!;
      let mask = missingLeft ? 0 : 1;
      for (let c = 0; c < Math.min(levels, MASK_LEVELS); c++) {
        if (((a.catBits[off + (c >>> 5)]! >>> (c & 31)) & 1) === 0) mask |= 1 << (c + 1);
      }
      this.cm[i] = mask;
    }
    this.generic = fitsKernel ? null : a;
    this.depth = Int32Array.from(this.roots, (r) => this.treeDepth(r));
  }

  private treeDepth(node: number): number {
    if (this.lft[node] === node) return 0;
    const l = this.lft[node]!;
    return 1 + Math.max(this.treeDepth(l), this.treeDepth(l + 1));
  }

  /**
   * The first row and feature where a categorical input is neither NaN nor a level code
   * (an integer in 0..levels-1), or null.
   */
  findBadCode(x: Float64Array, n: number): { row: number; feature: number; value: number } | null {
    const { catFeatures, catLevels, p } = this;
    for (let j = 0; j < catFeatures.length; j++) {
      const f = catFeatures[j]!;
      const levels = catLevels[j]!;
      for (let i = 0; i < n; i++) {
        const v = x[i * p + f]!;
        if (Number.isNaN(v)) continue;
        if (!(v >= 0 && v < levels && (v | 0) === v)) return { row: i, feature: f, value: v };
      }
    }
    return null;
  }

  /** Adds every tree's leaf value to `out` (n × k raw scores) for rows of `x` (n × p). */
  add(x: Float64Array, n: number, out: Float64Array): void {
    const generic = this.generic;
    if (generic) {
      const { roots, val, p, k } = this;
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < roots.length; t++)
          out[i * k + (t % k)]! += val[leafOf(generic, roots[t]!, x, i * p)]!;
      }
      return;
    }
    if (n === 1) {
      this.prepare(x, 0, 1);
      this.addOne(out);
      return;
    }
    for (let b = 0; b < n; b += BLOCK) {
      const e = Math.min(n, b + BLOCK);
      this.prepare(x, b, e);
      this.addBlock(e - b, b, out);
    }
  }

  /** Writes rows [i0, i1) of `x` into the prepared block (see the class comment). */
  private prepare(x: Float64Array, i0: number, i1: number): void {
    const { block, cuts, categorical, p } = this;
    const q = 2 * p;
    for (let i = i0; i < i1; i++) {
      const s = i * p;
      const d = (i - i0) * q;
      for (let f = 0; f < p; f++) {
        const v = x[s + f]!;
        let right: number;
        let left: number;
        if (Number.isNaN(v)) {
          right = categorical[f] === 1 ? 0 : MISSING_RIGHT;
          left = 0;
        } else if (categorical[f] === 1) {
          right = left = v + 1;
        } else {
          const o = f * 256;
          let r = 0;
          r += 128 & -(cuts[o + r + 127]! < v);
          r += 64 & -(cuts[o + r + 63]! < v);
          r += 32 & -(cuts[o + r + 31]! < v);
          r += 16 & -(cuts[o + r + 15]! < v);
          r += 8 & -(cuts[o + r + 7]! < v);
          r += 4 & -(cuts[o + r + 3]! < v);
          r += 2 & -(cuts[o + r + 1]! < v);
          r += 1 & -(cuts[o + r]! < v);
          right = left = r + 1;
        }
        block[d + 2 * f] = right;
        block[d + 2 * f + 1] = left;
      }
    }
  }

  /** Walks every tree for the `rows` prepared rows; row j of the block is row `first + j` of `out`. */
  private addBlock(rows: number, first: number, out: Float64Array): void {
    const { col, tb, cm, lft, val, roots, depth, block, p, k } = this;
    const q = 2 * p;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      const d = depth[t]!;
      const c = t % k;
      let j = 0;
      for (; j + 8 <= rows; j += 8) {
        const a0 = j * q;
        const a1 = a0 + q;
        const a2 = a1 + q;
        const a3 = a2 + q;
        const a4 = a3 + q;
        const a5 = a4 + q;
        const a6 = a5 + q;
        const a7 = a6 + q;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        let n4 = root;
        let n5 = root;
        let n6 = root;
        let n7 = root;
        for (let s = 0; s < d; s++) {
          const v0 = block[a0 + col[n0]!]!;
          const v1 = block[a1 + col[n1]!]!;
          const v2 = block[a2 + col[n2]!]!;
          const v3 = block[a3 + col[n3]!]!;
          const v4 = block[a4 + col[n4]!]!;
          const v5 = block[a5 + col[n5]!]!;
          const v6 = block[a6 + col[n6]!]!;
          const v7 = block[a7 + col[n7]!]!;
          n0 = lft[n0]! + (+(v0 > tb[n0]!) | ((cm[n0]! >>> v0) & 1));
          n1 = lft[n1]! + (+(v1 > tb[n1]!) | ((cm[n1]! >>> v1) & 1));
          n2 = lft[n2]! + (+(v2 > tb[n2]!) | ((cm[n2]! >>> v2) & 1));
          n3 = lft[n3]! + (+(v3 > tb[n3]!) | ((cm[n3]! >>> v3) & 1));
          n4 = lft[n4]! + (+(v4 > tb[n4]!) | ((cm[n4]! >>> v4) & 1));
          n5 = lft[n5]! + (+(v5 > tb[n5]!) | ((cm[n5]! >>> v5) & 1));
          n6 = lft[n6]! + (+(v6 > tb[n6]!) | ((cm[n6]! >>> v6) & 1));
          n7 = lft[n7]! + (+(v7 > tb[n7]!) | ((cm[n7]! >>> v7) & 1));
        }
        const o = (first + j) * k + c;
        out[o]! += val[n0]!;
        out[o + k]! += val[n1]!;
        out[o + 2 * k]! += val[n2]!;
        out[o + 3 * k]! += val[n3]!;
        out[o + 4 * k]! += val[n4]!;
        out[o + 5 * k]! += val[n5]!;
        out[o + 6 * k]! += val[n6]!;
        out[o + 7 * k]! += val[n7]!;
      }
      for (; j < rows; j++) {
        const a = j * q;
        let node = root;
        for (let s = 0; s < d; s++) {
          const v = block[a + col[node]!]!;
          node = lft[node]! + (+(v > tb[node]!) | ((cm[node]! >>> v) & 1));
        }
        out[(first + j) * k + c]! += val[node]!;
      }
    }
  }

  /** One prepared row: four trees walked together. */
  private addOne(out: Float64Array): void {
    const { col, tb, cm, lft, val, roots, depth, block, k } = this;
    const trees = roots.length;
    let t = 0;
    for (; t + 4 <= trees; t += 4) {
      let n0 = roots[t]!;
      let n1 = roots[t + 1]!;
      let n2 = roots[t + 2]!;
      let n3 = roots[t + 3]!;
      const d = Math.max(depth[t]!, depth[t + 1]!, depth[t + 2]!, depth[t + 3]!);
      for (let s = 0; s < d; s++) {
        const v0 = block[col[n0]!]!;
        const v1 = block[col[n1]!]!;
        const v2 = block[col[n2]!]!;
        const v3 = block[col[n3]!]!;
        n0 = lft[n0]! + (+(v0 > tb[n0]!) | ((cm[n0]! >>> v0) & 1));
        n1 = lft[n1]! + (+(v1 > tb[n1]!) | ((cm[n1]! >>> v1) & 1));
        n2 = lft[n2]! + (+(v2 > tb[n2]!) | ((cm[n2]! >>> v2) & 1));
        n3 = lft[n3]! + (+(v3 > tb[n3]!) | ((cm[n3]! >>> v3) & 1));
      }
      out[t % k]! += val[n0]!;
      out[(t + 1) % k]! += val[n1]!;
      out[(t + 2) % k]! += val[n2]!;
      out[(t + 3) % k]! += val[n3]!;
    }
    for (; t < trees; t++) {
      let node = roots[t]!;
      for (let s = 0; s < depth[t]!; s++) {
        const v = block[col[node]!]!;
        node = lft[node]! + (+(v > tb[node]!) | ((cm[node]! >>> v) & 1));
      }
      out[t % k]! += val[node]!;
    }
  }
}

/**
 * Each numeric feature's distinct finite thresholds, sorted and padded to 256 with +Infinity, and
 * the rank threshold of a node: x <= cuts[j] exactly when rank(x) <= j + 1; +Infinity (every
 * non-missing value goes left) maps to 255, above every rank. `fits` is false when a feature has
 * more than 254 thresholds or a -Infinity / NaN threshold (possible only in a hand-made file).
 */
function thresholdRanks(
  a: EnsembleArrays,
  p: number,
): { cuts: Float64Array; rankOf: (f: number, t: number) => number; fits: boolean } {
  const sets = Array.from({ length: p }, () => new Set<number>());
  let odd = false;
  for (let i = 0; i < a.feature.length; i++) {
    const f = a.feature[i]!;
    const t = a.threshold[i]!;
    if (f < 0 || (a.flags[i]! & FLAG_CATEGORICAL) !== 0) continue;
    if (Number.isFinite(t)) sets[f]!.add(t);
    else if (t !== Number.POSITIVE_INFINITY) odd = true;
  }
  const cuts = new Float64Array(256 * p).fill(Number.POSITIVE_INFINITY);
  const index = sets.map((set, f) => {
    const sorted = [...set].sort((x, y) => x - y);
    cuts.set(sorted.slice(0, MAX_CUTS), f * 256);
    return new Map(sorted.map((v, j) => [v, j + 1]));
  });
  const fits = !odd && sets.every((s) => s.size <= MAX_CUTS);
  const rankOf = (f: number, t: number) => (Number.isFinite(t) ? index[f]!.get(t)! : 255);
  return { cuts, rankOf, fits };
}

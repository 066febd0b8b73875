import { type EnsembleArrays, FLAG_CATEGORICAL, FLAG_MISSING_LEFT } from './ensemble.js';
import { leafOf } from './forest-eval.js';
import { doubleArray, smiArray, zeroDoubles } from './plain-arrays.js';
import { thresholdRanks } from './threshold-ranks.js';

/**
 * Rows per block: the block's prepared columns stay in cache while each tree is walked for all its
 * rows (64, 128, 256 and 512 measured the same on the fraud model; smaller suits wide models).
 */
const BLOCK = 128;
/** Categorical features with more levels than this are walked by the generic (branchy) loop. */
const MASK_LEVELS = 31;
/** Prepared value of a missing number in the column where missing goes right. */
const MISSING_RIGHT = 256;
/** Rank threshold that nothing exceeds (categorical nodes, leaves). */
const NEVER = 1 << 20;

/**
 * Trees compiled for inference, over integers only. Each block of rows is first prepared: a numeric
 * value becomes its rank among the model's thresholds for that feature (1 + thresholds below it),
 * written twice, in column 2f with missing = 256 and in column 2f + 1 with missing = 0; a
 * categorical value becomes its level code + 1 (missing = 0). The block is column-major (value of
 * row j in column c at `c * BLOCK + j`), so a node stores its column premultiplied (`co`) and eight
 * rows walked together share one row offset. A node is four integers: `co`, `tb` (rank threshold;
 * `NEVER` for categorical nodes and leaves), `cm` (categorical: bit c + 1 set when level code c goes
 * right, bit 0 for missing) and `lft` (left child; right = lft + 1; a leaf points to itself). A
 * step is then
 *
 *   next = lft + ((v > tb) | ((cm >>> v) & 1))
 *
 * with no branch and no floating point; every tree is walked exactly `depth` steps, eight rows at a
 * time so the CPU overlaps eight independent chains, and leaf values are summed per row in tree
 * order (as the reference walk does, so scores are bit-identical). The hot arrays are plain JS
 * arrays (see plain-arrays.ts). Models with a categorical feature of more than 31 levels (or a
 * feature with more than 254 thresholds) use the reference traversal.
 */
export class CompiledForest {
  private readonly co: number[];
  private readonly tb: number[];
  private readonly cm: number[];
  private readonly lft: number[];
  private readonly val: number[];
  private readonly roots: number[];
  private readonly depth: number[];
  private readonly categorical: number[];
  /** Per feature: its sorted thresholds padded to 256 with +Infinity, at `f * 256`. */
  private readonly cuts: number[];
  private readonly catFeatures: Int32Array;
  private readonly catLevels: Int32Array;
  /** The prepared block (column-major, see the class comment). */
  private readonly block: number[];
  /** Raw scores of the block's rows (row j, output c at j * k + c) while trees are added. */
  private readonly acc: number[];
  /** Null when the integer kernel applies; otherwise the flat arrays for the reference walk. */
  private readonly generic: EnsembleArrays | null;

  constructor(
    a: EnsembleArrays,
    private readonly p: number,
    private readonly k: number,
    levelCounts: readonly number[],
  ) {
    const nodes = a.feature.length;
    const co = smiArray(nodes);
    const tb = smiArray(nodes, NEVER);
    const cm = smiArray(nodes);
    const lft = smiArray(nodes);
    this.val = doubleArray(a.value);
    this.roots = Array.from(a.treeStart, (r) => r | 0);
    this.categorical = levelCounts.map((l) => (l > 0 ? 1 : 0));
    const cats = levelCounts.map((l, f) => (l > 0 ? f : -1)).filter((f) => f >= 0);
    this.catFeatures = Int32Array.from(cats);
    this.catLevels = Int32Array.from(cats, (f) => levelCounts[f]!);
    this.block = smiArray(BLOCK * 2 * p);
    this.acc = zeroDoubles(BLOCK * k);
    const { cuts, rankOf, fits } = thresholdRanks(a, p);
    this.cuts = doubleArray(cuts);
    let fitsKernel = fits;
    for (let i = 0; i < nodes; i++) {
      const f = a.feature[i]!;
      if (f < 0) {
        lft[i] = i;
        continue;
      }
      const missingLeft = (a.flags[i]! & FLAG_MISSING_LEFT) !== 0;
      lft[i] = a.left[i]! | 0;
      if ((a.flags[i]! & FLAG_CATEGORICAL) === 0) {
        co[i] = (2 * f + (missingLeft ? 1 : 0)) * BLOCK;
        tb[i] = rankOf(f, a.threshold[i]!) | 0;
        continue;
      }
      const levels = levelCounts[f]!;
      if (levels > MASK_LEVELS) fitsKernel = false;
      co[i] = 2 * f * BLOCK;
      const off = a.threshold[i]!;
      let mask = missingLeft ? 0 : 1;
      for (let c = 0; c < Math.min(levels, MASK_LEVELS); c++) {
        if (((a.catBits[off + (c >>> 5)]! >>> (c & 31)) & 1) === 0) mask |= 1 << (c + 1);
      }
      cm[i] = mask;
    }
    this.co = co;
    this.tb = tb;
    this.cm = cm;
    this.lft = lft;
    this.generic = fitsKernel ? null : a;
    this.depth = this.roots.map((r) => this.treeDepth(r));
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
    const { acc, k } = this;
    for (let b = 0; b < n; b += BLOCK) {
      const rows = Math.min(n - b, BLOCK);
      this.prepare(x, b, rows);
      const o = b * k;
      for (let j = 0; j < rows * k; j++) acc[j] = out[o + j]!;
      if (rows === 1) this.addOne();
      else this.addBlock(rows);
      for (let j = 0; j < rows * k; j++) out[o + j] = acc[j]!;
    }
  }

  /** Writes `rows` rows of `x` from row `first` into the prepared block (see the class comment). */
  private prepare(x: Float64Array, first: number, rows: number): void {
    const { block, cuts, categorical, p } = this;
    for (let j = 0; j < rows; j++) {
      const s = (first + j) * p;
      for (let f = 0; f < p; f++) {
        const v = x[s + f]!;
        let right: number;
        let left: number;
        if (Number.isNaN(v)) {
          right = categorical[f] === 1 ? 0 : MISSING_RIGHT;
          left = 0;
        } else if (categorical[f] === 1) {
          right = left = (v + 1) | 0; // an integer, so the block stays a small-integer array
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
        block[2 * f * BLOCK + j] = right;
        block[(2 * f + 1) * BLOCK + j] = left;
      }
    }
  }

  /** Walks every tree for the `rows` prepared rows, adding leaf values to `acc`. */
  private addBlock(rows: number): void {
    const { co, tb, cm, lft, val, roots, depth, block, acc, k } = this;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      const d = depth[t]!;
      const c = t % k;
      let j = 0;
      for (; j + 8 <= rows; j += 8) {
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        let n4 = root;
        let n5 = root;
        let n6 = root;
        let n7 = root;
        for (let s = 0; s < d; s++) {
          const v0 = block[co[n0]! + j]!;
          const v1 = block[co[n1]! + j + 1]!;
          const v2 = block[co[n2]! + j + 2]!;
          const v3 = block[co[n3]! + j + 3]!;
          const v4 = block[co[n4]! + j + 4]!;
          const v5 = block[co[n5]! + j + 5]!;
          const v6 = block[co[n6]! + j + 6]!;
          const v7 = block[co[n7]! + j + 7]!;
          n0 = lft[n0]! + (+(v0 > tb[n0]!) | ((cm[n0]! >>> v0) & 1));
          n1 = lft[n1]! + (+(v1 > tb[n1]!) | ((cm[n1]! >>> v1) & 1));
          n2 = lft[n2]! + (+(v2 > tb[n2]!) | ((cm[n2]! >>> v2) & 1));
          n3 = lft[n3]! + (+(v3 > tb[n3]!) | ((cm[n3]! >>> v3) & 1));
          n4 = lft[n4]! + (+(v4 > tb[n4]!) | ((cm[n4]! >>> v4) & 1));
          n5 = lft[n5]! + (+(v5 > tb[n5]!) | ((cm[n5]! >>> v5) & 1));
          n6 = lft[n6]! + (+(v6 > tb[n6]!) | ((cm[n6]! >>> v6) & 1));
          n7 = lft[n7]! + (+(v7 > tb[n7]!) | ((cm[n7]! >>> v7) & 1));
        }
        const o = j * k + c;
        acc[o]! += val[n0]!;
        acc[o + k]! += val[n1]!;
        acc[o + 2 * k]! += val[n2]!;
        acc[o + 3 * k]! += val[n3]!;
        acc[o + 4 * k]! += val[n4]!;
        acc[o + 5 * k]! += val[n5]!;
        acc[o + 6 * k]! += val[n6]!;
        acc[o + 7 * k]! += val[n7]!;
      }
      for (; j < rows; j++) {
        let node = root;
        for (let s = 0; s < d; s++) {
          const v = block[co[node]! + j]!;
          node = lft[node]! + (+(v > tb[node]!) | ((cm[node]! >>> v) & 1));
        }
        acc[j * k + c]! += val[node]!;
      }
    }
  }

  /** One prepared row (block row 0): four trees walked together. */
  private addOne(): void {
    const { co, tb, cm, lft, val, roots, depth, block, acc, k } = this;
    const trees = roots.length;
    let t = 0;
    for (; t + 4 <= trees; t += 4) {
      let n0 = roots[t]!;
      let n1 = roots[t + 1]!;
      let n2 = roots[t + 2]!;
      let n3 = roots[t + 3]!;
      const d = Math.max(depth[t]!, depth[t + 1]!, depth[t + 2]!, depth[t + 3]!);
      for (let s = 0; s < d; s++) {
        const v0 = block[co[n0]!]!;
        const v1 = block[co[n1]!]!;
        const v2 = block[co[n2]!]!;
        const v3 = block[co[n3]!]!;
        n0 = lft[n0]! + (+(v0 > tb[n0]!) | ((cm[n0]! >>> v0) & 1));
        n1 = lft[n1]! + (+(v1 > tb[n1]!) | ((cm[n1]! >>> v1) & 1));
        n2 = lft[n2]! + (+(v2 > tb[n2]!) | ((cm[n2]! >>> v2) & 1));
        n3 = lft[n3]! + (+(v3 > tb[n3]!) | ((cm[n3]! >>> v3) & 1));
      }
      acc[t % k]! += val[n0]!;
      acc[(t + 1) % k]! += val[n1]!;
      acc[(t + 2) % k]! += val[n2]!;
      acc[(t + 3) % k]! += val[n3]!;
    }
    for (; t < trees; t++) {
      let node = roots[t]!;
      for (let s = 0; s < depth[t]!; s++) {
        const v = block[co[node]!]!;
        node = lft[node]! + (+(v > tb[node]!) | ((cm[node]! >>> v) & 1));
      }
      acc[t % k]! += val[node]!;
    }
  }
}

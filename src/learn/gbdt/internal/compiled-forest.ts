import type { EnsembleArrays } from './ensemble.js';
import { leafOf } from './forest-eval.js';
import { BLOCK, ForestKernel, masksFit } from './forest-kernel.js';
import { doubleArray } from './plain-arrays.js';
import { thresholdRanks } from './threshold-ranks.js';

/** Prepared value of a missing number in the column where missing goes right. */
const MISSING_RIGHT = 256;

/**
 * Trees compiled for inference, over integers only. Each block of rows is first prepared: a numeric
 * value becomes its rank among the model's thresholds for that feature (1 + thresholds below it),
 * written twice, in column 2f with missing = 256 and in column 2f + 1 with missing = 0; a
 * categorical value becomes its level code + 1 (missing = 0). The block is column-major (value of
 * row j in column c at `c * BLOCK + j`), so a node stores its column's address (`co`) and eight
 * rows walked together share one row offset. A node is four integers: `co`, `tb` (rank threshold;
 * `NEVER` for categorical nodes and leaves), `cm` (categorical: bit c + 1 set when level code c goes
 * right, bit 0 for missing) and its left child (right = left + 1; a leaf points to itself). A step
 * is then
 *
 *   next = left + ((v > tb) | ((cm >>> v) & 1))
 *
 * with no branch and no floating point; every tree is walked exactly `depth` steps, eight rows at a
 * time so the CPU overlaps eight independent chains (a single row walks eight trees at a time
 * instead), and leaf values are summed per row in tree order (as the reference walk does, so
 * scores are bit-identical). The walk itself runs in WebAssembly (`ForestKernel`,
 * forest-kernel.wat): the same steps in JS paid a bounds check on every array load. Models with a
 * categorical feature of more than 31 levels (or a feature with more than 254 thresholds) use the
 * reference traversal.
 */
export class CompiledForest {
  /** Per feature: 1 when categorical. */
  private readonly categorical: number[];
  /** Per feature: its sorted thresholds padded to 256 with +Infinity, at `f * 256`. */
  private readonly cuts: number[];
  private readonly catFeatures: Int32Array;
  private readonly catLevels: Int32Array;
  /** Null when the model does not fit the integer kernel: then the reference walk runs over `a`. */
  private readonly kernel: ForestKernel | null;

  constructor(
    private readonly a: EnsembleArrays,
    private readonly p: number,
    private readonly k: number,
    levelCounts: readonly number[],
  ) {
    this.categorical = levelCounts.map((l) => (l > 0 ? 1 : 0));
    const cats = levelCounts.map((l, f) => (l > 0 ? f : -1)).filter((f) => f >= 0);
    this.catFeatures = Int32Array.from(cats);
    this.catLevels = Int32Array.from(cats, (f) => levelCounts[f]!);
    const { cuts, rankOf, fits } = thresholdRanks(a, p);
    this.cuts = doubleArray(cuts);
    this.kernel = fits && masksFit(a, levelCounts) ? new ForestKernel(a, p, k, levelCounts, rankOf) : null;
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
    const { kernel, a, p, k } = this;
    if (!kernel) {
      const roots = a.treeStart;
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < roots.length; t++)
          out[i * k + (t % k)]! += a.value[leafOf(a, roots[t]!, x, i * p)]!;
      }
      return;
    }
    const acc = kernel.acc;
    for (let b = 0; b < n; b += BLOCK) {
      const rows = Math.min(n - b, BLOCK);
      this.prepare(kernel.block, x, b, rows);
      const o = b * k;
      // Element loops, not set(subarray): a one-row request would allocate two views for 2 numbers.
      for (let j = 0; j < rows * k; j++) acc[j] = out[o + j]!;
      kernel.walk(rows);
      for (let j = 0; j < rows * k; j++) out[o + j] = acc[j]!;
    }
  }

  /** Writes `rows` rows of `x` from row `first` into the prepared block (see the class comment). */
  private prepare(block: Uint16Array, x: Float64Array, first: number, rows: number): void {
    const { cuts, categorical, p } = this;
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
        block[2 * f * BLOCK + j] = right;
        block[(2 * f + 1) * BLOCK + j] = left;
      }
    }
  }
}

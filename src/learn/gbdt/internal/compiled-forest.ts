import { type EnsembleArrays, FLAG_CATEGORICAL, FLAG_MISSING_LEFT } from './ensemble.js';
import { leafOf } from './forest-eval.js';
import { FOREST_KERNEL_WASM } from './forest-kernel-wasm.js';
import { doubleArray } from './plain-arrays.js';
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

/** The part of the WebAssembly JS API used here (@types/node 20 declares its types, not its values). */
interface WasmApi {
  Memory: new (size: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The walk of forest-kernel.wat, compiled once per thread. */
let kernelModule: object | undefined;

type WalkRow = (trees: number, treeCount: number, acc: number, valueBias: number) => void;
type Walk = (
  rows: number,
  trees: number,
  treeCount: number,
  acc: number,
  k: number,
  valueBias: number,
) => void;

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
 * scores are bit-identical). The walk runs in WebAssembly
 * (forest-kernel.wat, whose header gives the memory layout): the same steps in JS paid a bounds
 * check on every array load. Models with a categorical feature of more than 31 levels (or a feature
 * with more than 254 thresholds) use the reference traversal.
 */
export class CompiledForest {
  /** Per feature: 1 when categorical. */
  private readonly categorical: number[];
  /** Per feature: its sorted thresholds padded to 256 with +Infinity, at `f * 256`. */
  private readonly cuts: number[];
  private readonly catFeatures: Int32Array;
  private readonly catLevels: Int32Array;
  /** The prepared block in the kernel's memory (column-major, see the class comment). */
  private readonly block: Uint16Array;
  /** Raw scores of the block's rows in the kernel's memory (row j, output c at j * k + c). */
  private readonly acc: Float64Array;
  private readonly walk: Walk;
  private readonly walkRow: WalkRow;
  private readonly layout: { acc: number; trees: number; treeCount: number; valueBias: number };
  /** Null when the integer kernel applies; otherwise the flat arrays for the reference walk. */
  private readonly generic: EnsembleArrays | null;

  constructor(
    a: EnsembleArrays,
    private readonly p: number,
    private readonly k: number,
    levelCounts: readonly number[],
  ) {
    const nodes = a.feature.length;
    const trees = a.treeStart.length;
    this.categorical = levelCounts.map((l) => (l > 0 ? 1 : 0));
    const cats = levelCounts.map((l, f) => (l > 0 ? f : -1)).filter((f) => f >= 0);
    this.catFeatures = Int32Array.from(cats);
    this.catLevels = Int32Array.from(cats, (f) => levelCounts[f]!);
    const { cuts, rankOf, fits } = thresholdRanks(a, p);
    this.cuts = doubleArray(cuts);

    // The kernel's memory: block | acc | trees | nodes | values (byte addresses, see the .wat).
    const blockBytes = BLOCK * 2 * p * 2;
    const accAt = align(blockBytes, 16);
    const treesAt = accAt + BLOCK * k * 8;
    const nodesAt = treesAt + trees * 16;
    const valuesAt = nodesAt + nodes * 16;
    const pages = Math.ceil((valuesAt + nodes * 8) / 65536);
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    const i32 = new Int32Array(memory.buffer);
    const f64 = new Float64Array(memory.buffer);
    this.block = new Uint16Array(memory.buffer, 0, BLOCK * 2 * p);
    this.acc = new Float64Array(memory.buffer, accAt, BLOCK * k);

    let fitsKernel = fits;
    for (let i = 0; i < nodes; i++) {
      const at = (nodesAt >> 2) + i * 4;
      f64[(valuesAt >> 3) + i] = a.value[i]!;
      const f = a.feature[i]!;
      if (f < 0) {
        i32[at + 1] = NEVER;
        i32[at + 3] = nodesAt + i * 16;
        continue;
      }
      const missingLeft = (a.flags[i]! & FLAG_MISSING_LEFT) !== 0;
      i32[at + 3] = nodesAt + a.left[i]! * 16;
      if ((a.flags[i]! & FLAG_CATEGORICAL) === 0) {
        i32[at] = (2 * f + (missingLeft ? 1 : 0)) * BLOCK * 2;
        i32[at + 1] = rankOf(f, a.threshold[i]!);
        continue;
      }
      const levels = levelCounts[f]!;
      if (levels > MASK_LEVELS) fitsKernel = false;
      i32[at] = 2 * f * BLOCK * 2;
      i32[at + 1] = NEVER;
      const off = a.threshold[i]!;
      let mask = missingLeft ? 0 : 1;
      for (let c = 0; c < Math.min(levels, MASK_LEVELS); c++) {
        if (((a.catBits[off + (c >>> 5)]! >>> (c & 31)) & 1) === 0) mask |= 1 << (c + 1);
      }
      i32[at + 2] = mask;
    }
    for (let t = 0; t < trees; t++) {
      const root = a.treeStart[t]!;
      const depth = treeDepth(a, root);
      const group = (treesAt >> 2) + (t - (t % 8)) * 4;
      i32[(treesAt >> 2) + t * 4] = nodesAt + root * 16;
      i32[(treesAt >> 2) + t * 4 + 1] = depth;
      i32[(treesAt >> 2) + t * 4 + 2] = t % k;
      i32[group + 3] = Math.max(i32[group + 3]!, depth);
    }
    this.generic = fitsKernel ? null : a;
    kernelModule ??= new wasm.Module(Buffer.from(FOREST_KERNEL_WASM, 'base64'));
    const instance = new wasm.Instance(kernelModule, { keel: { memory } });
    this.walk = instance.exports.walk as Walk;
    this.walkRow = instance.exports.walkRow as WalkRow;
    this.layout = { acc: accAt, trees: treesAt, treeCount: trees, valueBias: valuesAt - nodesAt / 2 };
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
    const { p, k } = this;
    if (generic) {
      const roots = generic.treeStart;
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < roots.length; t++)
          out[i * k + (t % k)]! += generic.value[leafOf(generic, roots[t]!, x, i * p)]!;
      }
      return;
    }
    const { acc, layout, walk } = this;
    for (let b = 0; b < n; b += BLOCK) {
      const rows = Math.min(n - b, BLOCK);
      this.prepare(x, b, rows);
      const o = b * k;
      // Element loops, not set(subarray): a one-row request would allocate two views for 2 numbers.
      for (let j = 0; j < rows * k; j++) acc[j] = out[o + j]!;
      if (rows === 1) this.walkRow(layout.trees, layout.treeCount, layout.acc, layout.valueBias);
      else walk(rows, layout.trees, layout.treeCount, layout.acc, k, layout.valueBias);
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

/** Steps from `node` to its deepest leaf. */
function treeDepth(a: EnsembleArrays, node: number): number {
  if (a.feature[node]! < 0) return 0;
  const l = a.left[node]!;
  return 1 + Math.max(treeDepth(a, l), treeDepth(a, l + 1));
}

function align(bytes: number, to: number): number {
  return Math.ceil(bytes / to) * to;
}

/**
 * The shared memory layout between the training thread and its workers: the binned matrix,
 * gradients, scores, row indices, per-row tree positions, level tables and a small control block
 * driven with Atomics. Allocated once per training call.
 */

/** Control block slots (Int32Array over a SharedArrayBuffer). */
export const CTRL = {
  seq: 0,
  op: 1,
  start: 2,
  end: 3,
  ghOffset: 4,
  nf: 5,
  feature: 6,
  error: 7,
  /** Bumped whenever `feats`/`binBase` change, so workers rebuild their kernels. */
  featuresVersion: 8,
  /** Gradient kernel kind and trees per round for the gradient operation. */
  gradientKind: 9,
  k: 10,
  /** Histogram slots a level scan fills; output column of a score update. */
  slots: 11,
  column: 12,
  /** done[t] for thread t (workers are 1..threads-1). */
  done: 16,
  /** Left count per thread after a partition. */
  leftCount: 16 + 257,
  size: 16 + 257 + 257,
} as const;

/** Operations a worker runs on its chunk of rows. */
export const OP = {
  histogram: 1,
  partition: 2,
  gradients: 3,
  scan: 4,
  scores: 5,
  finalScan: 6,
  exit: 7,
} as const;

/** Tables describing one level of a depth-wise tree for the level scan (indexed by node id). */
export interface LevelTables {
  /** Feature a node splits on at this level, -1 when rows in it stay put. */
  readonly splitFeature: Int32Array;
  /** Row of `leftTables` (256 entries: 1 = left, per bin) for a splitting node. */
  readonly tableIndex: Int32Array;
  readonly leftTables: Uint8Array;
  /** Left child id of a splitting node (right = left + 1). */
  readonly leftChild: Int32Array;
  /** Histogram slot a child's rows are accumulated into, -1 for none. */
  readonly histSlot: Int32Array;
  /** Per node value added to the scores at the end of a tree. */
  readonly nodeValue: Float64Array;
}

/** Everything a worker needs, passed once as `workerData` (buffers are shared, not copied). */
export interface SharedTrainingState {
  readonly threads: number;
  readonly n: number;
  readonly p: number;
  readonly totalBins: number;
  readonly bins: Uint8Array;
  /** Quantised (g, h) pairs, class c at `c * 2n`. */
  readonly gh: Float32Array;
  /** Raw scores (n × k), labels and row weights the gradients come from. */
  readonly scores: Float64Array;
  readonly y: Float64Array;
  readonly w: Float64Array;
  /** Gradient plan (`PLAN` slots of gradient-kernels.ts). */
  readonly plan: Float64Array;
  readonly idx: Uint32Array;
  readonly tmp: Uint32Array;
  /** Node id of every row in the tree being grown (level scan) and 1 for rows in this tree's sample. */
  readonly pos: Int32Array;
  readonly inSample: Uint8Array;
  readonly level: LevelTables;
  readonly ctrl: Int32Array;
  /** Features to histogram (`nf` used) and each one's first bin. */
  readonly feats: Int32Array;
  readonly binBase: Int32Array;
  /** Partition rule: 1 = left, per bin. */
  readonly leftTable: Uint8Array;
  /** Per-thread histogram space: `slotCapacity` histograms of `totalBins * 3` values each. */
  readonly partials: readonly Float64Array[];
  readonly slotCapacity: number;
}

function shared<T>(make: (b: SharedArrayBuffer) => T, bytes: number): T {
  return make(new SharedArrayBuffer(Math.max(8, bytes)));
}

/** Sizes of the shared state beyond the data itself. */
export interface SharedStateShape {
  readonly p: number;
  readonly totalBins: number;
  /** Gradient sets (trees per round). */
  readonly k: number;
  readonly threads: number;
  /** Most nodes one tree may have (level scan tables). */
  readonly maxNodes: number;
  /** Histograms one level scan may fill per thread. */
  readonly slotCapacity: number;
}

/** Allocates the shared state for labels `y`, weights `w` and binned rows `bins`; copies `y` and `w`. */
export function allocateSharedState(
  bins: Uint8Array,
  y: Float64Array,
  w: Float64Array,
  shape: SharedStateShape,
): SharedTrainingState {
  const n = y.length;
  const { p, totalBins, k, threads, maxNodes, slotCapacity } = shape;
  const histBytes = totalBins * 3 * 8;
  const partials: Float64Array[] = [];
  for (let t = 0; t < threads; t++)
    partials.push(shared((b) => new Float64Array(b), histBytes * Math.max(1, slotCapacity)));
  const sharedY = shared((b) => new Float64Array(b), n * 8);
  sharedY.set(y);
  const sharedW = shared((b) => new Float64Array(b), n * 8);
  sharedW.set(w);
  return {
    threads,
    n,
    p,
    totalBins,
    bins,
    gh: shared((b) => new Float32Array(b), k * 2 * n * 4),
    scores: shared((b) => new Float64Array(b), n * k * 8),
    y: sharedY,
    w: sharedW,
    plan: shared((b) => new Float64Array(b), 4 * 8),
    idx: shared((b) => new Uint32Array(b), n * 4),
    tmp: shared((b) => new Uint32Array(b), n * 4),
    pos: shared((b) => new Int32Array(b), n * 4),
    inSample: shared((b) => new Uint8Array(b), n),
    level: {
      splitFeature: shared((b) => new Int32Array(b), maxNodes * 4),
      tableIndex: shared((b) => new Int32Array(b), maxNodes * 4),
      leftTables: shared((b) => new Uint8Array(b), Math.ceil(maxNodes / 2) * 256),
      leftChild: shared((b) => new Int32Array(b), maxNodes * 4),
      histSlot: shared((b) => new Int32Array(b), maxNodes * 4),
      nodeValue: shared((b) => new Float64Array(b), maxNodes * 8),
    },
    ctrl: shared((b) => new Int32Array(b), CTRL.size * 4),
    feats: shared((b) => new Int32Array(b), p * 4),
    binBase: shared((b) => new Int32Array(b), p * 4),
    leftTable: shared((b) => new Uint8Array(b), 256),
    partials,
    slotCapacity,
  };
}

import { type EnsembleArrays, FLAG_CATEGORICAL, FLAG_MISSING_LEFT } from './ensemble.js';
import { FOREST_KERNEL_WASM } from './forest-kernel-wasm.js';

/** Rows per prepared block (see `CompiledForest`). */
export const BLOCK = 128;
/** Categorical features with more levels than this do not fit the kernel's 32-bit masks. */
const MASK_LEVELS = 31;
/** Rank threshold that nothing exceeds (categorical nodes, leaves). */
const NEVER = 1 << 20;

/** The part of the WebAssembly JS API used here (@types/node 20 declares its types, not its values). */
interface WasmApi {
  Memory: new (size: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** forest-kernel.wat, compiled once per thread. */
let kernelModule: object | undefined;

type Walk = (
  rows: number,
  trees: number,
  treeCount: number,
  acc: number,
  k: number,
  valueBias: number,
) => void;
type WalkRow = (trees: number, treeCount: number, acc: number, valueBias: number) => void;

/** Byte addresses of the kernel's memory regions (see the header of forest-kernel.wat). */
interface Layout {
  readonly acc: number;
  readonly trees: number;
  readonly nodes: number;
  readonly values: number;
  readonly end: number;
}

function layoutOf(p: number, k: number, trees: number, nodes: number): Layout {
  const acc = Math.ceil((BLOCK * 2 * p * 2) / 16) * 16;
  const treesAt = acc + BLOCK * k * 8;
  const nodesAt = treesAt + trees * 16;
  const values = nodesAt + nodes * 16;
  return { acc, trees: treesAt, nodes: nodesAt, values, end: values + nodes * 8 };
}

/** True when every categorical split's feature has at most `MASK_LEVELS` levels. */
export function masksFit(a: EnsembleArrays, levelCounts: readonly number[]): boolean {
  for (let i = 0; i < a.feature.length; i++) {
    const f = a.feature[i]!;
    if (f >= 0 && (a.flags[i]! & FLAG_CATEGORICAL) !== 0 && levelCounts[f]! > MASK_LEVELS) return false;
  }
  return true;
}

/**
 * The trees of a model in one WebAssembly memory, walked by forest-kernel.wat: the caller prepares
 * rows into `block` (column-major, `BLOCK` rows), puts the scores to add to into `acc`, calls
 * `walk` (or `walkRow` for one row) and reads `acc` back. Nodes are 16 bytes: the byte address of
 * their block column, the rank threshold, the categorical mask and the left child's address.
 */
export class ForestKernel {
  /** The prepared block (u16, column c of row j at `c * BLOCK + j`). */
  readonly block: Uint16Array;
  /** Raw scores of the block's rows (row j, output c at `j * k + c`). */
  readonly acc: Float64Array;
  private readonly walkRows: Walk;
  private readonly walkOne: WalkRow;
  private readonly at: Layout;
  private readonly treeCount: number;
  /** A node at address m has its value at `valueBias + m / 2`. */
  private readonly valueBias: number;

  constructor(
    a: EnsembleArrays,
    p: number,
    private readonly k: number,
    levelCounts: readonly number[],
    rankOf: (feature: number, threshold: number) => number,
  ) {
    this.treeCount = a.treeStart.length;
    const at = layoutOf(p, k, this.treeCount, a.feature.length);
    const pages = Math.ceil(at.end / 65536);
    const memory = new wasm.Memory({ initial: pages, maximum: pages });
    writeNodes(memory.buffer, at, a, levelCounts, rankOf);
    writeTrees(memory.buffer, at, a, k);
    this.block = new Uint16Array(memory.buffer, 0, BLOCK * 2 * p);
    this.acc = new Float64Array(memory.buffer, at.acc, BLOCK * k);
    kernelModule ??= new wasm.Module(Buffer.from(FOREST_KERNEL_WASM, 'base64'));
    const { exports } = new wasm.Instance(kernelModule, { keel: { memory } });
    this.walkRows = exports.walk as Walk;
    this.walkOne = exports.walkRow as WalkRow;
    this.at = at;
    this.valueBias = at.values - at.nodes / 2;
  }

  /** Adds every tree's leaf value to `acc` for the block's first `rows` rows. */
  walk(rows: number): void {
    const { at, valueBias } = this;
    if (rows === 1) this.walkOne(at.trees, this.treeCount, at.acc, valueBias);
    else this.walkRows(rows, at.trees, this.treeCount, at.acc, this.k, valueBias);
  }
}

/** Writes every node (16 bytes) and its value (f64, at `values + 8 * i`). */
function writeNodes(
  buffer: ArrayBuffer,
  at: Layout,
  a: EnsembleArrays,
  levelCounts: readonly number[],
  rankOf: (feature: number, threshold: number) => number,
): void {
  const i32 = new Int32Array(buffer);
  const f64 = new Float64Array(buffer);
  for (let i = 0; i < a.feature.length; i++) {
    const n = (at.nodes >> 2) + i * 4;
    f64[(at.values >> 3) + i] = a.value[i]!;
    const f = a.feature[i]!;
    if (f < 0) {
      // A leaf points to itself and never goes right.
      i32[n + 1] = NEVER;
      i32[n + 3] = at.nodes + i * 16;
      continue;
    }
    const missingLeft = (a.flags[i]! & FLAG_MISSING_LEFT) !== 0;
    i32[n + 3] = at.nodes + a.left[i]! * 16;
    if ((a.flags[i]! & FLAG_CATEGORICAL) === 0) {
      i32[n] = (2 * f + (missingLeft ? 1 : 0)) * BLOCK * 2;
      i32[n + 1] = rankOf(f, a.threshold[i]!);
      continue;
    }
    i32[n] = 2 * f * BLOCK * 2;
    i32[n + 1] = NEVER;
    i32[n + 2] = categoryMask(a, i, Math.min(levelCounts[f]!, MASK_LEVELS), missingLeft);
  }
}

/** Bit c + 1 set when level code c goes right; bit 0 when missing goes right. */
function categoryMask(a: EnsembleArrays, node: number, levels: number, missingLeft: boolean): number {
  const off = a.threshold[node]!;
  let mask = missingLeft ? 0 : 1;
  for (let c = 0; c < levels; c++) {
    if (((a.catBits[off + (c >>> 5)]! >>> (c & 31)) & 1) === 0) mask |= 1 << (c + 1);
  }
  return mask;
}

/** Writes each tree's root address, depth and output column, and each group of eight's deepest depth. */
function writeTrees(buffer: ArrayBuffer, at: Layout, a: EnsembleArrays, k: number): void {
  const i32 = new Int32Array(buffer);
  for (let t = 0; t < a.treeStart.length; t++) {
    const root = a.treeStart[t]!;
    const depth = treeDepth(a, root);
    const slot = (at.trees >> 2) + t * 4;
    const group = (at.trees >> 2) + (t - (t % 8)) * 4;
    i32[slot] = at.nodes + root * 16;
    i32[slot + 1] = depth;
    i32[slot + 2] = t % k;
    i32[group + 3] = Math.max(i32[group + 3]!, depth);
  }
}

/** Steps from `node` to its deepest leaf. */
function treeDepth(a: EnsembleArrays, node: number): number {
  if (a.feature[node]! < 0) return 0;
  const l = a.left[node]!;
  return 1 + Math.max(treeDepth(a, l), treeDepth(a, l + 1));
}

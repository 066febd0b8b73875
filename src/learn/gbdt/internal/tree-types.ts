import type { Split, SplitRules } from './split-finder.js';

/** How trees grow: depth and leaf limits (0 = none) and shrinkage. */
export interface GrowRules extends SplitRules {
  readonly maxDepth: number;
  readonly maxLeaves: number;
  readonly learningRate: number;
}

/** A tree as grown, in node order (root first): splits on bins and node values already shrunk. */
export interface GrownTree {
  readonly splits: (Split | null)[];
  /** Child ids (-1 for leaves). */
  readonly left: number[];
  readonly right: number[];
  /** The node's value as a leaf: −T(G)/(H + λ) × learning rate. */
  readonly value: number[];
  /** Hessian sum of the node's training rows. */
  readonly cover: number[];
}

/** Grows trees and adds each new tree's values to the shared raw scores of every training row. */
export interface Grower {
  /**
   * Grows a tree for output `column` of `k` from the gradients at `ghOffset`, over the rows of
   * `sample` (sorted; null = every row), with the executor's current features (`nf` of them).
   */
  grow(
    ghOffset: number,
    sample: Uint32Array | null,
    nf: number,
    k: number,
    column: number,
  ): Promise<GrownTree>;
}

/** An empty tree to grow into. */
export function emptyTree(): GrownTree {
  return { splits: [], left: [], right: [], value: [], cover: [] };
}

/** Sums of (gradient, hessian, count) over one feature's bins: the totals of the histogram's rows. */
export function histogramTotals(hist: Float64Array, from: number, to: number): [number, number, number] {
  let g = 0;
  let h = 0;
  let c = 0;
  for (let b = from; b < to; b++) {
    g += hist[b * 3]!;
    h += hist[b * 3 + 1]!;
    c += hist[b * 3 + 2]!;
  }
  return [g, h, c];
}

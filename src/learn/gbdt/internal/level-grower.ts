import type { BinnedMatrix } from './binning.js';
import type { HistExecutor } from './executor.js';
import { findBestSplit, leafWeight, type Split } from './split-finder.js';
import { emptyTree, type Grower, type GrownTree, type GrowRules, histogramTotals } from './tree-types.js';

interface Node {
  readonly id: number;
  readonly depth: number;
  readonly g: number;
  readonly h: number;
  readonly c: number;
  hist: Float64Array | null;
  split: Split | null;
}

/** Most nodes a depth-wise tree of depth `maxDepth` may have. */
export function maxNodesOf(maxDepth: number): number {
  return 2 ** (maxDepth + 1) - 1;
}

/** Histograms one level may build: the smaller child of every split above the last two levels. */
export function levelSlotsOf(maxDepth: number): number {
  return 2 ** Math.max(0, maxDepth - 2);
}

/**
 * Depth-wise growth, one level at a time, without moving rows: every row carries the id of its
 * node (`pos`), and one sequential scan per level moves the rows of the splitting nodes to their
 * children while adding each row to its child's histogram when that child is the smaller of the
 * two (the larger is parent − smaller, exact). One dispatch per level on the worker pool; the
 * scan reads bins and gradients in row order, which is what makes it cheaper than partitioning
 * row indices. The final positions give every row's leaf, sampled or not.
 */
export class LevelGrower implements Grower {
  private readonly pool: Float64Array[] = [];
  private readonly histLength: number;

  constructor(
    private readonly ex: HistExecutor,
    private readonly data: BinnedMatrix,
    private readonly rules: GrowRules,
  ) {
    this.histLength = data.offsets[data.p]! * 3;
  }

  async grow(
    ghOffset: number,
    sample: Uint32Array | null,
    nf: number,
    k: number,
    column: number,
  ): Promise<GrownTree> {
    const { idx, pos, inSample, level } = this.ex.state;
    const n = this.data.n;
    if (sample) {
      idx.set(sample);
      inSample.fill(0);
      for (let i = 0; i < sample.length; i++) inSample[sample[i]!] = 1;
    } else {
      for (let i = 0; i < n; i++) idx[i] = i;
      inSample.fill(1);
    }
    pos.fill(0);
    const tree = emptyTree();
    const nodes: Node[] = [];
    const rootHist = this.take();
    await this.ex.histogram(ghOffset, 0, sample ? sample.length : n, rootHist);
    const f0 = this.ex.state.feats[0]!;
    const root = this.node(
      tree,
      nodes,
      0,
      ...histogramTotals(rootHist, this.data.offsets[f0]!, this.data.offsets[f0 + 1]!),
    );
    root.hist = rootHist;
    this.evaluate(root, nf);
    let frontier = root.split ? [root] : [];
    let scored = false;
    while (frontier.length > 0 && !scored) {
      const next = await this.splitLevel(tree, nodes, frontier, ghOffset, nf, k, column);
      scored = next === null;
      frontier = next ?? [];
    }
    if (!scored) {
      for (const node of nodes) level.nodeValue[node.id] = tree.value[node.id]!;
      await this.ex.addNodeValues(k, column);
    }
    return tree;
  }

  /**
   * Splits every node of `frontier` (all have a split) and returns the children that have one; or,
   * when no child can split further (the last level), routes the rows straight to their leaves,
   * adds the leaf values to the scores and returns null.
   */
  private async splitLevel(
    tree: GrownTree,
    nodes: Node[],
    frontier: Node[],
    ghOffset: number,
    nf: number,
    k: number,
    column: number,
  ): Promise<Node[] | null> {
    const { level } = this.ex.state;
    const built: Node[] = [];
    const pairs: [Node, Node, Node][] = [];
    frontier.forEach((parent, j) => {
      const s = parent.split!;
      const depth = parent.depth + 1;
      const l = this.node(tree, nodes, depth, s.gl, s.hl, s.cl);
      const r = this.node(tree, nodes, depth, s.gr, s.hr, s.cr);
      tree.splits[parent.id] = s;
      tree.left[parent.id] = l.id;
      tree.right[parent.id] = r.id;
      level.splitFeature[parent.id] = s.feature;
      level.tableIndex[parent.id] = j;
      level.leftTables.set(s.leftTable, j * 256);
      level.leftChild[parent.id] = l.id;
      level.histSlot[l.id] = -1;
      level.histSlot[r.id] = -1;
      if (this.splittable(l) || this.splittable(r)) {
        const small = l.c <= r.c ? l : r;
        level.histSlot[small.id] = built.length;
        built.push(small);
        pairs.push([parent, small, small === l ? r : l]);
      } else this.release(parent);
    });
    if (built.length === 0) {
      for (const node of nodes) level.nodeValue[node.id] = tree.value[node.id]!;
      await this.ex.finalScan(k, column);
      return null;
    }
    const hists = built.map(() => this.take());
    await this.ex.scan(ghOffset, hists);
    const next: Node[] = [];
    pairs.forEach(([parent, small, large], j) => {
      const parentHist = parent.hist!;
      parent.hist = null;
      const smallHist = hists[j]!;
      for (let i = 0; i < this.histLength; i++) parentHist[i]! -= smallHist[i]!;
      small.hist = smallHist;
      large.hist = parentHist;
      for (const child of [small, large]) {
        this.evaluate(child, nf);
        if (child.split) next.push(child);
        else this.release(child);
      }
    });
    return next;
  }

  private node(tree: GrownTree, nodes: Node[], depth: number, g: number, h: number, c: number): Node {
    const node: Node = { id: nodes.length, depth, g, h, c, hist: null, split: null };
    nodes.push(node);
    tree.splits.push(null);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(leafWeight(g, h, this.rules) * this.rules.learningRate);
    tree.cover.push(h);
    this.ex.state.level.splitFeature[node.id] = -1;
    return node;
  }

  private splittable(n: Node): boolean {
    const r = this.rules;
    return (
      (r.maxDepth === 0 || n.depth < r.maxDepth) && n.c >= 2 * r.minSamplesLeaf && n.h >= 2 * r.minChildWeight
    );
  }

  private evaluate(n: Node, nf: number): void {
    if (n.hist && this.splittable(n)) {
      const d = this.data;
      n.split = findBestSplit(
        n.hist,
        d.features,
        d.offsets,
        this.ex.state.feats,
        nf,
        n.g,
        n.h,
        n.c,
        this.rules,
      );
    }
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histLength);
  }

  private release(n: Node): void {
    if (n.hist) this.pool.push(n.hist);
    n.hist = null;
  }
}

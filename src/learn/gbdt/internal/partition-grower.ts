import type { BinnedMatrix } from './binning.js';
import type { HistExecutor } from './executor.js';
import { findBestSplit, leafWeight, type Split } from './split-finder.js';
import { emptyTree, type Grower, type GrownTree, type GrowRules, histogramTotals } from './tree-types.js';

interface Node {
  readonly id: number;
  readonly depth: number;
  /** The node's rows are `idx[start..end)` (-1 for leaves whose rows were not partitioned). */
  readonly start: number;
  readonly end: number;
  readonly g: number;
  readonly h: number;
  readonly c: number;
  hist: Float64Array | null;
  split: Split | null;
}

/** Where a tree's training rows ended up, for the score update. */
interface Placement {
  /** Leaves with their rows at `idx[start..end)`. */
  readonly leaves: Node[];
  /** Splits whose children are both final: rows at `idx[start..end)` are routed by the split. */
  readonly finalSplits: Node[];
}

/**
 * Best-first (leaf-wise) growth over a row-index array partitioned in place: the split with the
 * highest gain goes next, until `maxLeaves`. Histograms: the smaller child is built, the larger is
 * parent − smaller (exact). Splits whose children can split no further are not partitioned.
 */
export class PartitionGrower implements Grower {
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
    const { idx } = this.ex.state;
    const n = this.data.n;
    if (sample) idx.set(sample);
    else for (let i = 0; i < n; i++) idx[i] = i;
    const rows = sample ? sample.length : n;
    const tree = emptyTree();
    const rootHist = this.take();
    await this.ex.histogram(ghOffset, 0, rows, rootHist);
    const f0 = this.ex.state.feats[0]!;
    const [g, h, c] = histogramTotals(rootHist, this.data.offsets[f0]!, this.data.offsets[f0 + 1]!);
    const nodes: Node[] = [];
    const root = this.node(tree, nodes, 0, 0, rows, g, h, c);
    root.hist = rootHist;
    const candidates: Node[] = [];
    const placement: Placement = { leaves: [], finalSplits: [] };
    this.evaluate(root, nf, candidates);
    let leaves = 1;
    while (candidates.length > 0 && (this.rules.maxLeaves === 0 || leaves < this.rules.maxLeaves)) {
      const parent = this.popBest(candidates);
      const s = parent.split!;
      tree.splits[parent.id] = s;
      leaves++;
      const depth = parent.depth + 1;
      if (!this.splittable(depth, s.cl, s.hl) && !this.splittable(depth, s.cr, s.hr)) {
        tree.left[parent.id] = this.node(tree, nodes, depth, -1, -1, s.gl, s.hl, s.cl).id;
        tree.right[parent.id] = this.node(tree, nodes, depth, -1, -1, s.gr, s.hr, s.cr).id;
        placement.finalSplits.push(parent);
        this.release(parent);
        continue;
      }
      this.ex.state.leftTable.set(s.leftTable);
      const nLeft = await this.ex.partition(parent.start, parent.end, s.feature);
      if (nLeft !== s.cl)
        throw new Error(`GBDT partition mismatch: ${nLeft} rows left, histogram said ${s.cl}`);
      const mid = parent.start + nLeft;
      const l = this.node(tree, nodes, depth, parent.start, mid, s.gl, s.hl, s.cl);
      const r = this.node(tree, nodes, depth, mid, parent.end, s.gr, s.hr, s.cr);
      tree.left[parent.id] = l.id;
      tree.right[parent.id] = r.id;
      await this.childHistograms(parent, l, r, ghOffset);
      this.evaluate(l, nf, candidates);
      this.evaluate(r, nf, candidates);
    }
    for (const n of candidates) this.release(n);
    for (const n of nodes) if (tree.left[n.id]! < 0 && n.start >= 0) placement.leaves.push(n);
    this.addToScores(tree, placement, k, column);
    if (sample) this.addOutOfBag(tree, sample, k, column);
    return tree;
  }

  private node(
    tree: GrownTree,
    nodes: Node[],
    depth: number,
    start: number,
    end: number,
    g: number,
    h: number,
    c: number,
  ): Node {
    const node: Node = { id: nodes.length, depth, start, end, g, h, c, hist: null, split: null };
    nodes.push(node);
    tree.splits.push(null);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(leafWeight(g, h, this.rules) * this.rules.learningRate);
    tree.cover.push(h);
    return node;
  }

  private splittable(depth: number, c: number, h: number): boolean {
    const r = this.rules;
    return (r.maxDepth === 0 || depth < r.maxDepth) && c >= 2 * r.minSamplesLeaf && h >= 2 * r.minChildWeight;
  }

  /** Smaller child built, larger = parent − smaller (exact: sums are on a power-of-two grid). */
  private async childHistograms(parent: Node, l: Node, r: Node, ghOffset: number): Promise<void> {
    const parentHist = parent.hist!;
    parent.hist = null;
    const [small, large] = l.c <= r.c ? [l, r] : [r, l];
    const smallHist = this.take();
    await this.ex.histogram(ghOffset, small.start, small.end, smallHist);
    const len = this.histLength;
    for (let i = 0; i < len; i++) parentHist[i]! -= smallHist[i]!;
    small.hist = smallHist;
    large.hist = parentHist;
  }

  private evaluate(n: Node, nf: number, candidates: Node[]): void {
    if (n.hist && this.splittable(n.depth, n.c, n.h)) {
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
    if (n.split) candidates.push(n);
    else this.release(n);
  }

  private popBest(candidates: Node[]): Node {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) {
      const a = candidates[i]!;
      const b = candidates[best]!;
      if (a.split!.gain > b.split!.gain || (a.split!.gain === b.split!.gain && a.id < b.id)) best = i;
    }
    return candidates.splice(best, 1)[0]!;
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histLength);
  }

  private release(n: Node): void {
    if (n.hist) this.pool.push(n.hist);
    n.hist = null;
  }

  /** Adds leaf values to the raw scores of the tree's sampled rows. */
  private addToScores(tree: GrownTree, placement: Placement, k: number, c: number): void {
    const { idx, scores } = this.ex.state;
    const { bins, p } = this.data;
    for (const leaf of placement.leaves) {
      const v = tree.value[leaf.id]!;
      for (let q = leaf.start; q < leaf.end; q++) scores[idx[q]! * k + c]! += v;
    }
    for (const node of placement.finalSplits) {
      const s = node.split!;
      const table = s.leftTable;
      const vl = tree.value[tree.left[node.id]!]!;
      const vr = tree.value[tree.right[node.id]!]!;
      for (let q = node.start; q < node.end; q++) {
        const r = idx[q]!;
        scores[r * k + c]! += table[bins[r * p + s.feature]!] === 1 ? vl : vr;
      }
    }
  }

  /** Routes the rows left out of the sample through the tree and adds their leaf values. */
  private addOutOfBag(tree: GrownTree, sample: Uint32Array, k: number, c: number): void {
    const { bins, p, n } = this.data;
    const { scores } = this.ex.state;
    let j = 0;
    for (let r = 0; r < n; r++) {
      if (j < sample.length && sample[j] === r) {
        j++;
        continue;
      }
      let node = 0;
      for (let s = tree.splits[0]; s && tree.left[node]! >= 0; s = tree.splits[node]) {
        node = s.leftTable[bins[r * p + s.feature]!] === 1 ? tree.left[node]! : tree.right[node]!;
      }
      scores[r * k + c]! += tree.value[node]!;
    }
  }
}

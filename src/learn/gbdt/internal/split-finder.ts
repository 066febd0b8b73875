import type { BinnedFeature } from './binning.js';

/** Regularisation and constraints that decide splits. */
export interface SplitRules {
  readonly l2: number;
  readonly l1: number;
  readonly minChildWeight: number;
  readonly minSamplesLeaf: number;
  readonly minSplitGain: number;
  readonly maxCatToOnehot: number;
  readonly maxCatThreshold: number;
  readonly catSmooth: number;
  readonly catL2: number;
}

/** The best split of a node: which rows go left (`leftTable[bin]`) and the children's sums. */
export interface Split {
  readonly feature: number;
  readonly gain: number;
  readonly categorical: boolean;
  /** Numeric: non-missing bins 1..threshold go left. */
  readonly threshold: number;
  readonly missingLeft: boolean;
  /** 1 = left, for each bin 0..255 of the feature (bin 0 = missing). */
  readonly leftTable: Uint8Array;
  readonly gl: number;
  readonly hl: number;
  readonly cl: number;
  readonly gr: number;
  readonly hr: number;
  readonly cr: number;
}

/** L1 soft-thresholding of a gradient sum (XGBoost's alpha). */
export function thresholdL1(g: number, l1: number): number {
  return g > l1 ? g - l1 : g < -l1 ? g + l1 : 0;
}

/** A leaf's Newton step before shrinkage: -T(G) / (H + l2). */
export function leafWeight(g: number, h: number, rules: Pick<SplitRules, 'l1' | 'l2'>): number {
  const d = h + rules.l2;
  return d > 0 ? -thresholdL1(g, rules.l1) / d : 0;
}

function score(g: number, h: number, l1: number, lambda: number): number {
  const t = thresholdL1(g, l1);
  const d = h + lambda;
  return d > 0 ? (t * t) / d : 0;
}

/** Scratch buffers for categorical splits (reused across nodes). */
const catBin = new Int32Array(256);
const catKey = new Float64Array(256);
const order = new Int32Array(256);

/**
 * Finds the best split of a node from its histogram over the allowed features; null when no
 * split passes the constraints with gain > `minSplitGain`. Gain = ½ (S_L + S_R − S_parent) with
 * S = T(G)² / (H + λ) (XGBoost), λ += catL2 for sorted categorical splits.
 */
export function findBestSplit(
  hist: Float64Array,
  features: readonly BinnedFeature[],
  offsets: Int32Array,
  allowed: Int32Array,
  nAllowed: number,
  g: number,
  h: number,
  c: number,
  rules: SplitRules,
): Split | null {
  let best: Split | null = null;
  let bestGain = rules.minSplitGain;
  for (let j = 0; j < nAllowed; j++) {
    const f = allowed[j]!;
    const feat = features[f]!;
    if (!feat.usable) continue;
    const s =
      feat.kind === 'numeric'
        ? numericSplit(hist, offsets[f]!, feat.nBins, f, g, h, c, rules, bestGain)
        : categoricalSplit(hist, offsets[f]!, feat.nBins, f, g, h, c, rules, bestGain);
    if (s && s.gain > bestGain) {
      best = s;
      bestGain = s.gain;
    }
  }
  return best;
}

function ok(hl: number, cl: number, hr: number, cr: number, r: SplitRules): boolean {
  return cl >= r.minSamplesLeaf && cr >= r.minSamplesLeaf && hl >= r.minChildWeight && hr >= r.minChildWeight;
}

function numericSplit(
  hist: Float64Array,
  off: number,
  nb: number,
  feature: number,
  g: number,
  h: number,
  c: number,
  r: SplitRules,
  floor: number,
): Split | null {
  const base = off * 3;
  const gm = hist[base]!;
  const hm = hist[base + 1]!;
  const cm = hist[base + 2]!;
  const parent = score(g, h, r.l1, r.l2);
  let bestGain = floor;
  let bestT = -1;
  let bestMissingLeft = false;
  let gl = 0;
  let hl = 0;
  let cl = 0;
  for (let t = 1; t < nb; t++) {
    const o = base + t * 3;
    gl += hist[o]!;
    hl += hist[o + 1]!;
    cl += hist[o + 2]!;
    if (t < nb - 1 || cm > 0) {
      // Missing rows go right (for t = nb - 1 this is "non-missing | missing").
      const gr = g - gl;
      const hr = h - hl;
      const cr = c - cl;
      if (ok(hl, cl, hr, cr, r)) {
        const gain = 0.5 * (score(gl, hl, r.l1, r.l2) + score(gr, hr, r.l1, r.l2) - parent);
        if (gain > bestGain) {
          bestGain = gain;
          bestT = t;
          bestMissingLeft = false;
        }
      }
    }
    if (cm > 0 && t < nb - 1) {
      const gL = gl + gm;
      const hL = hl + hm;
      const cL = cl + cm;
      if (ok(hL, cL, h - hL, c - cL, r)) {
        const gain = 0.5 * (score(gL, hL, r.l1, r.l2) + score(g - gL, h - hL, r.l1, r.l2) - parent);
        if (gain > bestGain) {
          bestGain = gain;
          bestT = t;
          bestMissingLeft = true;
        }
      }
    }
  }
  if (bestT < 0) return null;
  let sg = 0;
  let sh = 0;
  let sc = 0;
  for (let t = 1; t <= bestT; t++) {
    sg += hist[base + t * 3]!;
    sh += hist[base + t * 3 + 1]!;
    sc += hist[base + t * 3 + 2]!;
  }
  // No missing rows here: send missing values to the bigger child (as scikit-learn HGB).
  const missingLeft = cm > 0 ? bestMissingLeft : sc >= c - sc;
  if (bestMissingLeft) {
    sg += gm;
    sh += hm;
    sc += cm;
  }
  const leftTable = new Uint8Array(256);
  for (let b = 1; b <= bestT; b++) leftTable[b] = 1;
  leftTable[0] = missingLeft ? 1 : 0;
  return {
    feature,
    gain: bestGain,
    categorical: false,
    threshold: bestT,
    missingLeft,
    leftTable,
    gl: sg,
    hl: sh,
    cl: sc,
    gr: g - sg,
    hr: h - sh,
    cr: c - sc,
  };
}

function categoricalSplit(
  hist: Float64Array,
  off: number,
  nb: number,
  feature: number,
  g: number,
  h: number,
  c: number,
  r: SplitRules,
  floor: number,
): Split | null {
  const base = off * 3;
  let n = 0;
  for (let b = 0; b < nb; b++) if (hist[base + b * 3 + 2]! > 0) catBin[n++] = b;
  if (n < 2) return null;
  const onehot = n <= r.maxCatToOnehot;
  const lambda = onehot ? r.l2 : r.l2 + r.catL2;
  const parent = score(g, h, r.l1, lambda);
  for (let i = 0; i < n; i++) {
    const o = base + catBin[i]! * 3;
    catKey[i] = hist[o]! / (hist[o + 1]! + r.catSmooth);
    order[i] = i;
  }
  if (!onehot) {
    const view = Array.from(order.subarray(0, n));
    view.sort((a, b) => catKey[a]! - catKey[b]! || catBin[a]! - catBin[b]!);
    for (let i = 0; i < n; i++) order[i] = view[i]!;
  }
  let bestGain = floor;
  let bestDir = 0;
  let bestK = 0;
  const maxK = onehot ? 1 : Math.min(r.maxCatThreshold, n - 1);
  const dirs = onehot ? n : 2;
  for (let d = 0; d < dirs; d++) {
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let k = 0; k < maxK; k++) {
      // One-hot: direction d is the category itself; sorted: d = 0 from the low end, 1 from the high end.
      const pos = onehot ? d : d === 0 ? k : n - 1 - k;
      const o = base + catBin[order[pos]!]! * 3;
      gl += hist[o]!;
      hl += hist[o + 1]!;
      cl += hist[o + 2]!;
      if (!ok(hl, cl, h - hl, c - cl, r)) continue;
      const gain = 0.5 * (score(gl, hl, r.l1, lambda) + score(g - gl, h - hl, r.l1, lambda) - parent);
      if (gain > bestGain) {
        bestGain = gain;
        bestDir = d;
        bestK = k + 1;
      }
    }
  }
  if (bestK === 0) return null;
  const leftTable = new Uint8Array(256);
  let sg = 0;
  let sh = 0;
  let sc = 0;
  for (let k = 0; k < bestK; k++) {
    const pos = onehot ? bestDir : bestDir === 0 ? k : n - 1 - k;
    const b = catBin[order[pos]!]!;
    leftTable[b] = 1;
    sg += hist[base + b * 3]!;
    sh += hist[base + b * 3 + 1]!;
    sc += hist[base + b * 3 + 2]!;
  }
  // Bins without rows in this node (missing included) follow the bigger child.
  const emptyLeft = sc >= c - sc ? 1 : 0;
  for (let b = 0; b < 256; b++) if (b >= nb || hist[base + b * 3 + 2]! === 0) leftTable[b] = emptyLeft;
  return {
    feature,
    gain: bestGain,
    categorical: true,
    threshold: 0,
    missingLeft: leftTable[0] === 1,
    leftTable,
    gl: sg,
    hl: sh,
    cl: sc,
    gr: g - sg,
    hr: h - sh,
    cr: c - sc,
  };
}

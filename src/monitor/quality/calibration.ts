/**
 * Probability calibration for CBPE: isotonic regression (pool-adjacent-violators, as scikit-learn's
 * `IsotonicRegression(out_of_bounds='clip')`), expected calibration error, and NannyML's rule for
 * deciding whether calibrating helps.
 */

/** A fitted monotone map from scores to calibrated probabilities. */
export type Calibrator = (score: number) => number;

/**
 * Fits isotonic regression of `y` (0/1) on `x` (scores): sorts by score, pools adjacent violators,
 * and returns a function interpolating linearly between the block means, clipped at both ends.
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>): Calibrator {
  const order = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  // Merge equal x first (their mean y), then pool adjacent violators.
  const xs: number[] = [];
  const sums: number[] = [];
  const weights: number[] = [];
  for (const i of order) {
    const xi = x[i]!;
    if (xs.length > 0 && xs[xs.length - 1] === xi) {
      sums[sums.length - 1]! += y[i]!;
      weights[weights.length - 1]!++;
    } else {
      xs.push(xi);
      sums.push(y[i]!);
      weights.push(1);
    }
  }
  const blockStart: number[] = [];
  const blockSum: number[] = [];
  const blockW: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    blockStart.push(i);
    blockSum.push(sums[i]!);
    blockW.push(weights[i]!);
    while (blockSum.length > 1) {
      const k = blockSum.length - 1;
      if (blockSum[k - 1]! / blockW[k - 1]! <= blockSum[k]! / blockW[k]!) break;
      blockSum[k - 1]! += blockSum[k]!;
      blockW[k - 1]! += blockW[k]!;
      blockSum.pop();
      blockW.pop();
      blockStart.pop();
    }
  }
  const fitted = new Float64Array(xs.length);
  blockStart.forEach((start, b) => {
    const end = b + 1 < blockStart.length ? blockStart[b + 1]! : xs.length;
    for (let i = start; i < end; i++) fitted[i] = blockSum[b]! / blockW[b]!;
  });
  return (score: number): number => {
    if (xs.length === 0) return score;
    if (score <= xs[0]!) return fitted[0]!;
    const last = xs.length - 1;
    if (score >= xs[last]!) return fitted[last]!;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= score) lo = mid;
      else hi = mid;
    }
    const t = (score - xs[lo]!) / (xs[hi]! - xs[lo]!);
    return fitted[lo]! + t * (fitted[hi]! - fitted[lo]!);
  };
}

/** Expected calibration error over `bins` equal-width bins of [0, 1]: Σ (n_b / n) |mean p − mean y|. */
export function expectedCalibrationError(p: ArrayLike<number>, y: ArrayLike<number>, bins = 10): number {
  const n = p.length;
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    count[b]!++;
    sumP[b]! += p[i]!;
    sumY[b]! += y[i]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(sumP[b]! - sumY[b]!) / n;
  return ece;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indices of a stratified random split: `testShare` of each class in the test part. */
function stratifiedSplit(
  y: ArrayLike<number>,
  testShare: number,
  rand: () => number,
): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx = Array.from({ length: y.length }, (_, i) => i).filter((i) => y[i] === cls);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const nTest = Math.max(1, Math.round(idx.length * testShare));
    test.push(...idx.slice(0, nTest));
    train.push(...idx.slice(nTest));
  }
  return { train, test };
}

/**
 * NannyML's calibration decision: calibrate with isotonic regression only when both classes are
 * present, the scores do not already separate them almost perfectly (AUROC ≤ 0.999, passed in), and
 * over `splits` stratified shuffle splits (test share 10%, seeded) calibration never makes the
 * expected calibration error worse. Returns the calibrator fitted on all data, or null.
 */
export function chooseCalibrator(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  auroc: number | null,
  options: { readonly splits?: number; readonly seed?: number } = {},
): Calibrator | null {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  if (positives === 0 || positives === labels.length || auroc === null || auroc > 0.999) return null;
  const rand = mulberry32(options.seed ?? 42);
  for (let s = 0; s < (options.splits ?? 10); s++) {
    const { train, test } = stratifiedSplit(labels, 0.1, rand);
    const cal = fitIsotonic(
      train.map((i) => scores[i]!),
      train.map((i) => labels[i]!),
    );
    const yTest = test.map((i) => labels[i]!);
    const raw = expectedCalibrationError(
      test.map((i) => scores[i]!),
      yTest,
    );
    const calibrated = expectedCalibrationError(
      test.map((i) => cal(scores[i]!)),
      yTest,
    );
    if (calibrated > raw) return null;
  }
  return fitIsotonic(scores, labels);
}

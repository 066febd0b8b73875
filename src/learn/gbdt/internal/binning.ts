import type { Column, Frame } from '../../../core/index.js';
import type { FeatureSpec } from '../../model.js';
import { Rng } from './rng.js';

/** Rows sampled to find quantile cut points (as scikit-learn HGB's `subsample=2e5`). */
const QUANTILE_SAMPLE = 200_000;

/**
 * How one feature is binned. Bin 0 is always "missing"; numeric values go to bins 1..nBins-1
 * (bin b holds values <= cuts[b-1], the last bin everything above the last cut); categorical
 * level codes go to `codeToBin[code]` (levels beyond `maxBins - 1` share the last bin).
 */
export interface BinnedFeature {
  readonly kind: 'numeric' | 'categorical';
  /** Bins including the missing bin 0. */
  readonly nBins: number;
  readonly cuts: Float64Array;
  /** Categorical: bin of each training level code (spec order); empty for numeric. */
  readonly codeToBin: Uint8Array;
  /** False when the feature cannot split (constant, or all missing). */
  readonly usable: boolean;
}

/** The training matrix as bins, row-major (`bins[row * p + feature]`), in shared memory. */
export interface BinnedMatrix {
  readonly n: number;
  readonly p: number;
  readonly bins: Uint8Array;
  readonly features: readonly BinnedFeature[];
  /** Start of each feature's bins in a histogram; `offsets[p]` is the total bin count. */
  readonly offsets: Int32Array;
}

/** Sorted distinct finite values of a numeric column over the sampled rows. */
function sortedSample(values: Float64Array, rows: Uint32Array | null): Float64Array {
  const n = rows ? rows.length : values.length;
  const out = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[rows ? rows[i]! : i]!;
    if (Number.isFinite(v)) out[m++] = v;
  }
  return out.subarray(0, m).sort();
}

/** Cut points as scikit-learn HGB: midpoints of distinct values, or midpoint percentiles, deduplicated. */
export function numericCuts(sorted: Float64Array, maxBins: number): Float64Array {
  const m = sorted.length;
  const distinct: number[] = [];
  for (let i = 0; i < m && distinct.length <= maxBins; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  }
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 1; i < distinct.length; i++) cuts.push((distinct[i - 1]! + distinct[i]!) / 2);
  } else {
    for (let i = 1; i < maxBins; i++) {
      const pos = (i / maxBins) * (m - 1);
      const c = (sorted[Math.floor(pos)]! + sorted[Math.ceil(pos)]!) / 2;
      if (cuts.length === 0 || c > cuts[cuts.length - 1]!) cuts.push(c);
    }
  }
  return Float64Array.from(cuts);
}

/**
 * Bin of a numeric value: 0 for NaN, else 1 + the number of cuts below it. Branch-free (about 5x
 * faster than a binary search on random data): a lower bound over the cuts padded to 256 entries
 * with +Infinity, halving the range eight times.
 */
function paddedBin(padded: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let q = 0;
  q += 128 & -(padded[q + 127]! < v);
  q += 64 & -(padded[q + 63]! < v);
  q += 32 & -(padded[q + 31]! < v);
  q += 16 & -(padded[q + 15]! < v);
  q += 8 & -(padded[q + 7]! < v);
  q += 4 & -(padded[q + 3]! < v);
  q += 2 & -(padded[q + 1]! < v);
  q += 1 & -(padded[q]! < v);
  return q + 1;
}

function binNumeric(
  values: Float64Array,
  sample: Uint32Array | null,
  maxBins: number,
  out: Uint8Array,
  p: number,
  j: number,
): BinnedFeature {
  const cuts = numericCuts(sortedSample(values, sample), maxBins);
  const padded = new Float64Array(256).fill(Number.POSITIVE_INFINITY);
  padded.set(cuts);
  let missing = false;
  let seen = -1;
  let varies = false;
  for (let i = 0; i < values.length; i++) {
    const b = paddedBin(padded, values[i]!);
    out[i * p + j] = b;
    if (b === 0) missing = true;
    else if (seen < 0) seen = b;
    else if (b !== seen) varies = true;
  }
  const usable = varies || (missing && seen > 0);
  return { kind: 'numeric', nBins: cuts.length + 2, cuts, codeToBin: new Uint8Array(0), usable };
}

/** Codes of a categorical column remapped to the spec's level order (-1 missing or unknown). */
function specCodes(column: Column, levels: readonly string[]): Int32Array {
  const index = new Map(levels.map((l, k) => [l, k]));
  const n = column.type === 'categorical' ? column.codes.length : column.values.length;
  const out = new Int32Array(n);
  if (column.type !== 'categorical') return out.fill(-1);
  const remap = column.levels.map((l) => index.get(l) ?? -1);
  for (let i = 0; i < n; i++) {
    const c = column.codes[i]!;
    out[i] = c < 0 ? -1 : remap[c]!;
  }
  return out;
}

function binCategorical(
  codes: Int32Array,
  levelCount: number,
  maxBins: number,
  out: Uint8Array,
  p: number,
  j: number,
): BinnedFeature {
  const counts = new Float64Array(levelCount);
  for (let i = 0; i < codes.length; i++) if (codes[i]! >= 0) counts[codes[i]!]!++;
  const codeToBin = new Uint8Array(levelCount);
  if (levelCount <= maxBins) {
    for (let c = 0; c < levelCount; c++) codeToBin[c] = c + 1;
  } else {
    // The most frequent levels keep their own bin; the rest share the last one.
    const order = Array.from({ length: levelCount }, (_, c) => c).sort(
      (a, b) => counts[b]! - counts[a]! || a - b,
    );
    codeToBin.fill(maxBins);
    for (let r = 0; r < maxBins - 1; r++) codeToBin[order[r]!] = r + 1;
  }
  let missing = false;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    const b = c < 0 ? 0 : codeToBin[c]!;
    out[i * p + j] = b;
    if (b === 0) missing = true;
  }
  const present = counts.reduce((k, v) => k + (v > 0 ? 1 : 0), 0);
  const nBins = Math.min(levelCount, maxBins) + 1;
  return {
    kind: 'categorical',
    nBins,
    cuts: new Float64Array(0),
    codeToBin,
    usable: present + (missing ? 1 : 0) > 1,
  };
}

/**
 * Bins the feature columns of `frame` into a shared row-major Uint8 matrix: quantile cuts for
 * numbers (from at most 200,000 sampled rows, seeded), one bin per level for categoricals.
 */
export function binFrame(
  frame: Frame,
  specs: readonly FeatureSpec[],
  maxBins: number,
  seed: number,
): BinnedMatrix {
  const n = frame.rowCount;
  const p = specs.length;
  const bins = new Uint8Array(new SharedArrayBuffer(Math.max(1, n * p)));
  const sample = n > QUANTILE_SAMPLE ? new Rng(seed).sample(n, QUANTILE_SAMPLE) : null;
  const features = specs.map((spec, j): BinnedFeature => {
    const column = frame.column(spec.name);
    if (spec.kind === 'categorical') {
      return binCategorical(
        specCodes(column, spec.levels ?? []),
        spec.levels?.length ?? 0,
        maxBins,
        bins,
        p,
        j,
      );
    }
    if (column.type === 'categorical' || column.type === 'text')
      throw new Error(`numeric spec for ${spec.name}`);
    return binNumeric(column.values, sample, maxBins, bins, p, j);
  });
  const offsets = new Int32Array(p + 1);
  for (let j = 0; j < p; j++) offsets[j + 1] = offsets[j]! + features[j]!.nBins;
  return { n, p, bins, features, offsets };
}

import { type EnsembleArrays, FLAG_CATEGORICAL } from './ensemble.js';

/** Distinct thresholds a numeric feature may have for the rank encoding (ranks 1..255). */
export const MAX_CUTS = 254;

/**
 * Each numeric feature's distinct finite thresholds, sorted and padded to 256 with +Infinity, and
 * the rank threshold of a node: x <= cuts[j] exactly when rank(x) <= j + 1; +Infinity (every
 * non-missing value goes left) maps to 255, above every rank. `fits` is false when a feature has
 * more than 254 thresholds or a -Infinity / NaN threshold (possible only in a hand-made file).
 */
export function thresholdRanks(
  a: EnsembleArrays,
  p: number,
): { cuts: Float64Array; rankOf: (f: number, t: number) => number; fits: boolean } {
  const sets = Array.from({ length: p }, () => new Set<number>());
  let odd = false;
  for (let i = 0; i < a.feature.length; i++) {
    const f = a.feature[i]!;
    const t = a.threshold[i]!;
    if (f < 0 || (a.flags[i]! & FLAG_CATEGORICAL) !== 0) continue;
    if (Number.isFinite(t)) sets[f]!.add(t);
    else if (t !== Number.POSITIVE_INFINITY) odd = true;
  }
  const cuts = new Float64Array(256 * p).fill(Number.POSITIVE_INFINITY);
  const index = sets.map((set, f) => {
    const sorted = [...set].sort((x, y) => x - y);
    cuts.set(sorted.slice(0, MAX_CUTS), f * 256);
    return new Map(sorted.map((v, j) => [v, j + 1]));
  });
  const fits = !odd && sets.every((s) => s.size <= MAX_CUTS);
  const rankOf = (f: number, t: number) => (Number.isFinite(t) ? index[f]!.get(t)! : 255);
  return { cuts, rankOf, fits };
}

/**
 * The first Wasserstein (earth mover's) distance between two 1-D empirical distributions,
 * as SciPy 1.10's `stats.wasserstein_distance` (∫ |U(x) - V(x)| dx over the pooled support),
 * plus Evidently's normed variant (divided by the reference's population standard deviation).
 */
import { KeelError } from '../../../core/index.js';
import { sortFloat64 } from './radix-sort.js';
import { meanStd, sortedSample, upperBound } from './sample.js';

function validate(values: ArrayLike<number>, weights: ArrayLike<number> | undefined, side: string): void {
  if (values.length === 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `Wasserstein distance: the ${side} distribution is empty.`, {
      details: { side },
    });
  }
  if (weights === undefined) return;
  if (weights.length !== values.length) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Wasserstein distance: ${side} has ${values.length} values but ${weights.length} weights.`,
      { details: { side } },
    );
  }
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i]! >= 0)) {
      throw new KeelError('KEEL_INVALID_ARGUMENT', `Wasserstein distance: ${side} weight ${i} is negative.`, {
        details: { side, index: i },
      });
    }
    sum += weights[i]!;
  }
  if (!(sum > 0 && sum < Number.POSITIVE_INFINITY)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Wasserstein distance: ${side} weights must have a positive, finite sum.`,
      { details: { side } },
    );
  }
}

/**
 * W1 between two samples that are NaN-free and sorted ascending: one merge walk over the pooled
 * values, O(n1 + n2). The fast path of drift reports.
 */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  validate(u, undefined, 'reference');
  validate(v, undefined, 'current');
  const nu = u.length;
  const nv = v.length;
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(u[0]!, v[0]!);
  while (i < nu || j < nv) {
    const a = i < nu ? u[i]! : Number.POSITIVE_INFINITY;
    const b = j < nv ? v[j]! : Number.POSITIVE_INFINITY;
    const x = Math.min(a, b);
    // Between the previous support point and x both CDFs are constant.
    if (x !== prev) total += Math.abs(i / nu - j / nv) * (x - prev);
    while (i < nu && u[i]! <= x) i++;
    while (j < nv && v[j]! <= x) j++;
    prev = x;
  }
  return total;
}

function sortWithWeights(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
): [Float64Array, Float64Array] {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((p, q) => values[p]! - values[q]!);
  const sv = new Float64Array(order.length);
  const cum = new Float64Array(order.length + 1);
  for (let k = 0; k < order.length; k++) {
    sv[k] = values[order[k]!]!;
    cum[k + 1] = cum[k]! + weights[order[k]!]!;
  }
  return [sv, cum];
}

/**
 * First Wasserstein distance between the empirical distributions of `u` and `v` (SciPy 1.10
 * `wasserstein_distance`), optionally weighted. Throws `KEEL_INVALID_ARGUMENT` on an empty side
 * or bad weights.
 */
export function wassersteinDistance(
  u: ArrayLike<number>,
  v: ArrayLike<number>,
  uWeights?: ArrayLike<number>,
  vWeights?: ArrayLike<number>,
): number {
  validate(u, uWeights, 'reference');
  validate(v, vWeights, 'current');
  if (uWeights === undefined && vWeights === undefined) {
    return wassersteinSorted(sortFloat64(Float64Array.from(u)), sortFloat64(Float64Array.from(v)));
  }
  const [su, cu] = sortWithWeights(u, uWeights ?? new Float64Array(u.length).fill(1));
  const [sv, cv] = sortWithWeights(v, vWeights ?? new Float64Array(v.length).fill(1));
  const all = new Float64Array(su.length + sv.length);
  all.set(su);
  all.set(sv, su.length);
  all.sort();
  const tu = cu[cu.length - 1]!;
  const tv = cv[cv.length - 1]!;
  let total = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const delta = all[k + 1]! - all[k]!;
    if (delta === 0) continue;
    const fu = cu[upperBound(su, all[k]!)]! / tu;
    const fv = cv[upperBound(sv, all[k]!)]! / tv;
    total += Math.abs(fu - fv) * delta;
  }
  return total;
}

/**
 * Evidently's normed Wasserstein distance: W1(reference, current) / max(std(reference), 0.001),
 * std being the population standard deviation. NaNs are dropped from both samples first.
 */
export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const ref = sortedSample(reference).values;
  const cur = sortedSample(current).values;
  return wassersteinSorted(ref, cur) / Math.max(meanStd(ref).std, 0.001);
}

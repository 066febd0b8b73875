/**
 * The Jensen–Shannon distance between two discrete distributions, as SciPy 1.10's
 * `spatial.distance.jensenshannon`: both vectors renormalised to sum 1, 0·ln 0 = 0, the square
 * root of the divergence (natural log by default, divided by ln(base) when a base is given).
 */
import { KeelError } from '../../../core/index.js';

function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

function total(values: ArrayLike<number>, side: string): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Jensen–Shannon: ${side} entry ${i} is ${v}; shares or counts must be finite and >= 0.`,
        { details: { side, index: i } },
      );
    }
    s += v;
  }
  if (s <= 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `Jensen–Shannon: the ${side} vector sums to 0.`, {
      details: { side },
    });
  }
  return s;
}

/**
 * Jensen–Shannon distance between `p` and `q` (counts or shares over the same bins; renormalised).
 * `base` undefined means natural log (range [0, sqrt(ln 2)]); base 2 gives range [0, 1].
 */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  if (p.length !== q.length) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Jensen–Shannon: the vectors have different lengths (${p.length} and ${q.length}).`,
      { details: { p: p.length, q: q.length } },
    );
  }
  const sp = total(p, 'first');
  const sq = total(q, 'second');
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]! / sp;
    const qi = q[i]! / sq;
    const m = (pi + qi) / 2.0;
    left += relEntr(pi, m);
    right += relEntr(qi, m);
  }
  let js = left + right;
  if (base !== undefined) js /= Math.log(base);
  return Math.sqrt(js / 2.0);
}

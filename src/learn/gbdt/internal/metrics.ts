/** Per-round metrics on raw scores (unweighted); names follow `RoundReport` keys without the prefix. */

const EPS = 1e-15;

/** Binary log loss of raw log-odds `scores` against 0/1 labels. */
export function binaryLogloss(scores: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const p = 1 / (1 + Math.exp(-scores[i]!));
    s -= y[i]! > 0.5 ? Math.log(Math.max(p, EPS)) : Math.log(Math.max(1 - p, EPS));
  }
  return s / y.length;
}

/** ROC AUC of `scores` against 0/1 labels (ties count one half); NaN when one class is absent. */
export function rocAuc(scores: Float64Array, y: Float64Array): number {
  let np = 0;
  for (let i = 0; i < y.length; i++) if (y[i]! > 0.5) np++;
  const nn = y.length - np;
  if (np === 0 || nn === 0) return Number.NaN;
  const pos = new Float64Array(np);
  const neg = new Float64Array(nn);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! > 0.5) pos[a++] = scores[i]!;
    else neg[b++] = scores[i]!;
  }
  pos.sort();
  neg.sort();
  // For each positive: negatives strictly below it plus half of those equal.
  let below = 0;
  let upto = 0;
  let sum = 0;
  for (let i = 0; i < np; i++) {
    const v = pos[i]!;
    while (below < nn && neg[below]! < v) below++;
    if (upto < below) upto = below;
    while (upto < nn && neg[upto]! <= v) upto++;
    sum += below + (upto - below) / 2;
  }
  return sum / (np * nn);
}

/** Multiclass log loss and accuracy of raw scores (n × k, row-major) against class indices. */
export function multiclassMetrics(
  scores: Float64Array,
  y: Float64Array,
  k: number,
): { logloss: number; accuracy: number } {
  let loss = 0;
  let hits = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let max = Number.NEGATIVE_INFINITY;
    let arg = 0;
    for (let c = 0; c < k; c++) {
      const v = scores[i * k + c]!;
      if (v > max) {
        max = v;
        arg = c;
      }
    }
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(scores[i * k + c]! - max);
    const label = y[i]!;
    loss -= Math.max(scores[i * k + label]! - max - Math.log(z), Math.log(EPS));
    if (arg === label) hits++;
  }
  return { logloss: loss / n, accuracy: hits / n };
}

/** Root mean squared error and mean absolute error. */
export function regressionMetrics(pred: Float64Array, y: Float64Array): { rmse: number; mae: number } {
  let se = 0;
  let ae = 0;
  for (let i = 0; i < y.length; i++) {
    const d = pred[i]! - y[i]!;
    se += d * d;
    ae += Math.abs(d);
  }
  return { rmse: Math.sqrt(se / y.length), mae: ae / y.length };
}

import { quickselect } from '../../../core/index.js';
import type { GbdtObjective } from '../params.js';
import { GRADIENT_KIND, PLAN } from './gradient-kernels.js';
import { binaryLogloss, multiclassMetrics, regressionMetrics, rocAuc } from './metrics.js';

/**
 * Loss functions: base score, per-row gradient/hessian and per-round metrics.
 *
 * Gradients are quantised to a power-of-two grid (at most 24 significant bits, fewer beyond 2^28
 * rows) so every histogram sum is exact in float64: sums do not depend on the order rows are added
 * in, which makes parallel training bit-identical to serial training and the subtraction trick exact.
 */
export interface Objective {
  readonly name: GbdtObjective;
  /** Trees per round (classes for softmax, else 1). */
  readonly k: number;
  /** The constant raw score every row starts from (length k). */
  baseScore(y: Float64Array, w: Float64Array): Float64Array;
  /** The gradient kernel to run (`GRADIENT_KIND`). */
  readonly kind: number;
  /**
   * Fills `plan` (`PLAN` slots: grid steps, Huber threshold) for this round's raw scores
   * (n × k row-major); `gradientRange` then writes the quantised (g, h) pairs.
   */
  plan(scores: Float64Array, y: Float64Array, wMax: number, plan: Float64Array): void;
  /** Metrics of raw scores, keyed without prefix; the first key is the early-stopping metric (lower is better). */
  metrics(scores: Float64Array, y: Float64Array, withAuc: boolean): Record<string, number>;
}

/** The grid step for values bounded by `bound` summed over `n` rows. */
function gridStep(bound: number, n: number): number {
  const bits = Math.min(24, 52 - Math.ceil(Math.log2(n + 1)));
  if (!(bound > 0) || !Number.isFinite(bound)) return 1;
  return 2 ** (Math.ceil(Math.log2(bound)) - bits);
}

const sigmoid = (s: number): number => 1 / (1 + Math.exp(-s));

function weightedMean(y: Float64Array, w: Float64Array): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    s += y[i]! * w[i]!;
    sw += w[i]!;
  }
  return s / sw;
}

function weightedMedian(y: Float64Array, w: Float64Array): number {
  const order = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => y[a]! - y[b]! || a - b);
  let total = 0;
  for (let i = 0; i < w.length; i++) total += w[i]!;
  let acc = 0;
  for (const i of order) {
    acc += w[i]!;
    if (acc >= total / 2) return y[i]!;
  }
  return y[order[order.length - 1]!]!;
}

/** The q-quantile of |y - s| (quickselect on a scratch copy). */
function absResidualQuantile(s: Float64Array, y: Float64Array, q: number, scratch: Float64Array): number {
  const n = y.length;
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(y[i]! - s[i]!);
  const k = Math.min(n - 1, Math.floor(q * (n - 1)));
  quickselect(scratch, k, 0, n);
  return scratch[k]!;
}

function logloss(): Objective {
  return {
    name: 'logloss',
    k: 1,
    baseScore(y, w) {
      const p = Math.min(Math.max(weightedMean(y, w), 1e-15), 1 - 1e-15);
      return Float64Array.of(Math.log(p / (1 - p)));
    },
    kind: GRADIENT_KIND.logloss,
    plan(_scores, y, wMax, plan) {
      plan[PLAN.gradStep] = gridStep(wMax, y.length);
      plan[PLAN.hessStep] = gridStep(0.25 * wMax, y.length);
    },
    metrics(scores, y, withAuc) {
      const out: Record<string, number> = { logloss: binaryLogloss(scores, y) };
      if (withAuc) out.auc = rocAuc(scores, y);
      return out;
    },
  };
}

function softmax(k: number): Objective {
  return {
    name: 'softmax',
    k,
    baseScore(y, w) {
      const prior = new Float64Array(k);
      let total = 0;
      for (let i = 0; i < y.length; i++) {
        prior[y[i]!] = prior[y[i]!]! + w[i]!;
        total += w[i]!;
      }
      return prior.map((v) => Math.log(Math.max(v / total, 1e-15)));
    },
    kind: GRADIENT_KIND.softmax,
    plan(_scores, y, wMax, plan) {
      plan[PLAN.gradStep] = gridStep(wMax, y.length);
      plan[PLAN.hessStep] = gridStep(0.25 * wMax, y.length);
    },
    metrics(scores, y) {
      return multiclassMetrics(scores, y, k);
    },
  };
}

function l2(): Objective {
  return {
    name: 'l2',
    k: 1,
    baseScore: (y, w) => Float64Array.of(weightedMean(y, w)),
    kind: GRADIENT_KIND.l2,
    plan(scores, y, wMax, plan) {
      let bound = 0;
      for (let i = 0; i < y.length; i++) bound = Math.max(bound, Math.abs(scores[i]! - y[i]!));
      plan[PLAN.gradStep] = gridStep(bound * wMax, y.length);
      plan[PLAN.hessStep] = gridStep(wMax, y.length);
    },
    metrics: (scores, y) => regressionMetrics(scores, y),
  };
}

function huber(fixedDelta: number | null): Objective {
  let scratch: Float64Array | null = null;
  return {
    name: 'huber',
    k: 1,
    baseScore: (y, w) => Float64Array.of(weightedMedian(y, w)),
    kind: GRADIENT_KIND.huber,
    plan(scores, y, wMax, plan) {
      const n = y.length;
      let delta = fixedDelta;
      if (delta === null) {
        scratch ??= new Float64Array(n);
        delta = Math.max(absResidualQuantile(scores, y, 0.9, scratch), 1e-12);
      }
      plan[PLAN.gradStep] = gridStep(delta * wMax, n);
      plan[PLAN.hessStep] = gridStep(wMax, n);
      plan[PLAN.delta] = delta;
    },
    metrics(scores, y) {
      const { rmse, mae } = regressionMetrics(scores, y);
      return { mae, rmse };
    },
  };
}

/** The objective kernel for a resolved objective (`k` = number of classes for softmax). */
export function makeObjective(name: GbdtObjective, k: number, huberDelta: number | null): Objective {
  switch (name) {
    case 'logloss':
      return logloss();
    case 'softmax':
      return softmax(k);
    case 'l2':
      return l2();
    case 'huber':
      return huber(huberDelta);
  }
}

/** Turns raw scores (n × k) into outputs in place: sigmoid (logloss), softmax, or identity. */
export function transformScores(name: GbdtObjective, raw: Float64Array, n: number, k: number): void {
  if (name === 'logloss') {
    for (let i = 0; i < n; i++) raw[i] = sigmoid(raw[i]!);
  } else if (name === 'softmax') {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[o + c]!);
      let z = 0;
      for (let c = 0; c < k; c++) z += raw[o + c] = Math.exp(raw[o + c]! - max);
      for (let c = 0; c < k; c++) raw[o + c] = raw[o + c]! / z;
    }
  }
}

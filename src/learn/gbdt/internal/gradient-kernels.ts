/**
 * Per-row gradient and hessian kernels over a row range, shared by the training thread and the
 * workers. Values are rounded to a power-of-two grid (`plan[0]` for gradients, `plan[1]` for
 * hessians) so histogram sums are exact; see objectives.ts.
 */

import { fastExp } from './fast-exp.js';

/** Kernel ids (what a worker is told to run). */
export const GRADIENT_KIND = { logloss: 1, softmax: 2, l2: 3, huber: 4 } as const;

/** Slots of the plan vector: grid steps and the Huber threshold. */
export const PLAN = { gradStep: 0, hessStep: 1, delta: 2, size: 4 } as const;

/**
 * Rounds `v` to the nearest multiple of `step` (a power of two) with one add and one subtract:
 * `magic = 1.5 * 2^52 * step` puts the rounding point of float64 at `step` (valid for |v| < 2^51 step).
 */
export function magicFor(step: number): number {
  return 1.5 * 2 ** 52 * step;
}

/** Computes (g, h) of rows [start, end) into `gh` (class c of k at `c * 2n`). */
export function gradientRange(
  kind: number,
  k: number,
  plan: Float64Array,
  scores: Float64Array,
  y: Float64Array,
  w: Float64Array,
  gh: Float32Array,
  n: number,
  start: number,
  end: number,
): void {
  const mg = magicFor(plan[PLAN.gradStep]!);
  const mh = magicFor(plan[PLAN.hessStep]!);
  if (kind === GRADIENT_KIND.logloss) {
    for (let i = start; i < end; i++) {
      const p = 1 / (1 + fastExp(-scores[i]!));
      const wi = w[i]!;
      gh[2 * i] = (p - y[i]!) * wi + mg - mg;
      gh[2 * i + 1] = p * (1 - p) * wi + mh - mh;
    }
  } else if (kind === GRADIENT_KIND.softmax) {
    softmaxRange(k, mg, mh, scores, y, w, gh, n, start, end);
  } else if (kind === GRADIENT_KIND.l2) {
    for (let i = start; i < end; i++) {
      const wi = w[i]!;
      gh[2 * i] = (scores[i]! - y[i]!) * wi + mg - mg;
      gh[2 * i + 1] = wi + mh - mh;
    }
  } else {
    const delta = plan[PLAN.delta]!;
    for (let i = start; i < end; i++) {
      const r = scores[i]! - y[i]!;
      const wi = w[i]!;
      gh[2 * i] = Math.max(-delta, Math.min(delta, r)) * wi + mg - mg;
      gh[2 * i + 1] = wi + mh - mh;
    }
  }
}

function softmaxRange(
  k: number,
  mg: number,
  mh: number,
  scores: Float64Array,
  y: Float64Array,
  w: Float64Array,
  gh: Float32Array,
  n: number,
  start: number,
  end: number,
): void {
  for (let i = start; i < end; i++) {
    const o = i * k;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[o + c]!);
    let z = 0;
    for (let c = 0; c < k; c++) z += fastExp(scores[o + c]! - max);
    const wi = w[i]!;
    const label = y[i]!;
    for (let c = 0; c < k; c++) {
      const p = fastExp(scores[o + c]! - max) / z;
      const at = c * 2 * n + 2 * i;
      gh[at] = (p - (label === c ? 1 : 0)) * wi + mg - mg;
      gh[at + 1] = p * (1 - p) * wi + mh - mh;
    }
  }
}

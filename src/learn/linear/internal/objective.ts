import type { Task } from '../../model.js';
import type { DesignMatrix } from './design-matrix.js';

/**
 * The smooth part of a linear model's training objective on the mean-loss scale:
 * f(x) = (1/W) sum_i w_i loss_i + (l2/2) |beta|^2, where x = [beta (K x d, output-major), intercept (K)].
 * Losses: squared error / 2 (regression), log loss (binary, one output), softmax cross-entropy
 * (multiclass, K outputs, full parameterisation).
 */
export class LinearObjective {
  readonly K: number;
  readonly size: number;
  /** Mean data loss at the last evaluated point (log loss, or squared error / 2). */
  lastLoss = 0;
  private readonly eta: Float64Array;
  private readonly resid: Float64Array;
  private readonly sums: Float64Array;
  private readonly normWeights: Float64Array;
  private readonly hdiag: Float64Array;
  private readonly curvature: Float64Array;
  private readonly diag: Float64Array;

  constructor(
    readonly design: DesignMatrix,
    readonly task: Task,
    readonly y: Float64Array,
    weights: Float64Array,
    readonly classes: number,
    readonly l2: number,
    readonly fitIntercept: boolean,
  ) {
    this.K = task === 'multiclass' ? classes : 1;
    this.size = this.K * design.d + this.K;
    const multi = task === 'multiclass';
    this.eta = new Float64Array(multi ? this.K * design.n : 0);
    this.resid = new Float64Array(multi ? this.K * design.n : 0);
    this.curvature = new Float64Array(multi ? this.K * design.n : 0);
    this.sums = new Float64Array(this.K);
    this.hdiag = new Float64Array(design.d + 1);
    this.diag = new Float64Array(this.size).fill(1);
    let total = 0;
    for (const w of weights) total += w;
    this.normWeights = Float64Array.from(weights, (w) => w / total);
  }

  /** Evaluates f at `x` and writes its gradient into `grad`; returns f. */
  evaluate(x: Float64Array, grad: Float64Array): number {
    const { K, design } = this;
    const d = design.d;
    const coef = x.subarray(0, K * d);
    const intercept = x.subarray(K * d);
    let loss: number;
    if (this.task === 'multiclass') {
      design.margins(coef, intercept, K, this.eta);
      loss = this.softmaxLoss();
      design.gradient(this.resid, K, grad, this.sums);
      const hsum = new Float64Array(K);
      design.weightedSquares(this.curvature, K, this.diag, hsum);
      for (let j = 0; j < K * d; j++) this.diag[j]! += this.l2;
      for (let k = 0; k < K; k++) this.diag[K * d + k] = this.fitIntercept ? hsum[k]! : 1;
    } else {
      const logistic = this.task === 'binary';
      loss = design.fusedSingleOutput(
        coef,
        intercept[0]!,
        logistic,
        this.y,
        this.normWeights,
        grad,
        this.sums,
        this.hdiag,
      );
      const diag = this.diag;
      for (let j = 0; j < d; j++) diag[j] = this.hdiag[j]! + this.l2;
      diag[d] = this.fitIntercept ? this.hdiag[d]! : 1;
    }
    this.lastLoss = loss;
    let penalty = 0;
    for (let j = 0; j < K * d; j++) {
      penalty += coef[j]! * coef[j]!;
      grad[j]! += this.l2 * coef[j]!;
    }
    for (let k = 0; k < K; k++) grad[K * d + k] = this.fitIntercept ? this.sums[k]! : 0;
    return loss + 0.5 * this.l2 * penalty;
  }

  /**
   * The Hessian diagonal of f at the last evaluated point (multiclass: the per-class blocks'
   * diagonals), with entries that are not positive replaced by 1: L-BFGS's initial inverse-Hessian scaling.
   */
  hessianDiagonal(): Float64Array {
    const out = Float64Array.from(this.diag);
    for (let j = 0; j < out.length; j++) if (!(out[j]! > 0)) out[j] = 1;
    return out;
  }

  private softmaxLoss(): number {
    const { eta, resid, curvature, y, normWeights, K } = this;
    const n = y.length;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, eta[k * n + i]!);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp(eta[k * n + i]! - max);
      const lse = max + Math.log(sum);
      const yi = y[i]!;
      const w = normWeights[i]!;
      loss += w * (lse - eta[yi * n + i]!);
      for (let k = 0; k < K; k++) {
        const pk = Math.exp(eta[k * n + i]! - lse);
        resid[k * n + i] = w * (pk - (k === yi ? 1 : 0));
        curvature[k * n + i] = w * pk * (1 - pk);
      }
    }
    return loss;
  }
}

import { type Frame, KeelError } from '../../core/index.js';
import { encodeFrame, featureSpecs, trainingFeatureNames } from '../encoding.js';
import { encodeLabels, type PreparedLabels, prepareLabels } from '../labels.js';
import { evaluate } from '../metrics/evaluate.js';
import type { TrainOptions } from '../model.js';
import { rowWeights, weightColumn } from '../row-weights.js';
import { DesignMatrix } from './internal/design-matrix.js';
import { LinearObjective } from './internal/objective.js';
import { type IterationState, minimize } from './internal/owlqn.js';
import { LinearModel } from './linear-model.js';
import {
  type LinearParams,
  penaltyStrengths,
  type ResolvedLinearParams,
  resolveLinearParams,
} from './params.js';
import { type FeaturePreprocessing, fitPreprocessing } from './preprocessing.js';

function initialIntercept(labels: PreparedLabels, w: Float64Array, K: number): Float64Array {
  const out = new Float64Array(K);
  let total = 0;
  for (const v of w) total += v;
  if (labels.task === 'regression') {
    for (let i = 0; i < w.length; i++) out[0]! += (w[i]! * labels.y[i]!) / total;
    return out;
  }
  const k = labels.classes!.length;
  const prior = new Float64Array(k);
  for (let i = 0; i < w.length; i++) prior[labels.y[i]!]! += w[i]! / total;
  const logp = Array.from(prior, (q) => Math.log(Math.min(Math.max(q, 1e-12), 1 - 1e-12)));
  if (labels.task === 'binary') out[0] = logp[1]! - logp[0]!;
  else {
    const mean = logp.reduce((a, b) => a + b, 0) / k;
    for (let c = 0; c < k; c++) out[c] = logp[c]! - mean;
  }
  return out;
}

/** Turns K x n margins (output-major) into model outputs (n x K, row-major). */
function outputsOf(task: PreparedLabels['task'], eta: Float64Array, n: number, K: number): Float64Array {
  const out = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    if (task === 'regression') out[i] = eta[i]!;
    else if (task === 'binary') out[i] = 1 / (1 + Math.exp(-eta[i]!));
    else {
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, eta[k * n + i]!);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[i * K + k] = Math.exp(eta[k * n + i]! - max);
      for (let k = 0; k < K; k++) out[i * K + k]! /= sum;
    }
  }
  return out;
}

interface ValidationSet {
  readonly design: DesignMatrix;
  readonly y: Float64Array;
  readonly weights: Float64Array | undefined;
  readonly eta: Float64Array;
}

function validationSet(
  frame: Frame,
  options: TrainOptions,
  labels: PreparedLabels,
  pre: FeaturePreprocessing[],
  specs: ReturnType<typeof featureSpecs>,
  K: number,
): ValidationSet {
  const x = encodeFrame(frame, specs);
  const y = encodeLabels(frame, options.target, labels);
  const weights = options.weightColumn ? (weightColumn(frame, options.weightColumn) ?? undefined) : undefined;
  const design = new DesignMatrix(x, frame.rowCount, pre);
  return { design, y, weights, eta: new Float64Array(K * frame.rowCount) };
}

function cancelled(): KeelError {
  return new KeelError('KEEL_CANCELLED', 'Linear model training was cancelled.');
}

/**
 * Trains a linear regression (task `regression`) or logistic regression (binary; multinomial softmax
 * for multiclass) on `frame`. Numeric features are median-imputed (with a missing indicator where
 * training had missing values) and standardised, categoricals one-hot encoded, all inside the model.
 * L2 or no penalty is solved by L-BFGS, L1 and elastic net by OWL-QN, from a fixed start (deterministic).
 * `options.onRound` gets `train.logloss` (or `train.rmse`), `train.objective` and, with
 * `options.validation`, the `validation.*` metrics of `evaluate` after every iteration (return false to stop).
 */
export async function trainLinear(
  frame: Frame,
  params: LinearParams,
  options: TrainOptions,
): Promise<LinearModel> {
  if (options.signal?.aborted) throw cancelled();
  const labels = prepareLabels(frame, options.target, options.task);
  const p: ResolvedLinearParams = resolveLinearParams(params, labels.task);
  const specs = featureSpecs(frame, trainingFeatureNames(frame, options));
  const n = frame.rowCount;
  const x = encodeFrame(frame, specs);
  const weights = rowWeights(frame, options, labels, p.classWeights, 'Linear');
  const pre = fitPreprocessing(x, n, specs, p);
  const design = new DesignMatrix(x, n, pre);
  const K = labels.task === 'multiclass' ? labels.classes!.length : 1;
  let weightSum = 0;
  for (const w of weights) weightSum += w;
  const { l1, l2 } = penaltyStrengths(p, weightSum);
  const objective = new LinearObjective(design, labels.task, labels.y, weights, K, l2, p.fitIntercept);
  const x0 = new Float64Array(objective.size);
  if (p.fitIntercept) x0.set(initialIntercept(labels, weights, K), K * design.d);
  let l1Weights: Float64Array | null = null;
  if (l1 > 0) {
    const active = design.activeColumns();
    l1Weights = new Float64Array(objective.size);
    for (let k = 0; k < K; k++)
      for (let j = 0; j < design.d; j++) l1Weights[k * design.d + j] = active[j] ? l1 : 0;
  }
  const validation = options.validation
    ? validationSet(options.validation, options, labels, pre, specs, K)
    : null;
  const report = async (state: IterationState): Promise<boolean> => {
    if (options.signal) {
      // Let timers and I/O run so an abort can arrive between iterations.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal.aborted) throw cancelled();
    }
    if (!options.onRound) return true;
    const metrics: Record<string, number> = {
      [labels.task === 'regression' ? 'train.rmse' : 'train.logloss']:
        labels.task === 'regression' ? Math.sqrt(2 * objective.lastLoss) : objective.lastLoss,
      'train.objective': state.objective,
    };
    if (validation) {
      const v = validation;
      v.design.margins(state.x.subarray(0, K * design.d), state.x.subarray(K * design.d), K, v.eta);
      const outputs = outputsOf(labels.task, v.eta, v.design.n, K);
      const m = evaluate(labels.task, v.y, outputs, labels.classes, v.weights);
      for (const [key, value] of Object.entries(m)) metrics[`validation.${key}`] = value;
    }
    return options.onRound({ round: state.iteration, metrics }) !== false;
  };
  const result = await minimize((w, g) => objective.evaluate(w, g), x0, {
    l1: l1Weights,
    maxIter: p.maxIter,
    tol: p.tol,
    hessianDiagonal: () => objective.hessianDiagonal(),
    onIteration: report,
  });
  const coef = result.x.slice(0, K * design.d);
  const intercept = result.x.slice(K * design.d);
  if (labels.task === 'multiclass' && p.fitIntercept) {
    // Softmax is invariant to a common shift; report the centred intercepts (as scikit-learn's lbfgs ends up).
    const mean = intercept.reduce((a, b) => a + b, 0) / K;
    for (let k = 0; k < K; k++) intercept[k]! -= mean;
  }
  return new LinearModel({
    task: labels.task,
    target: options.target,
    features: specs,
    classes: labels.classes,
    preprocessing: pre,
    coef,
    intercept,
    params: p,
    training: {
      iterations: result.iterations,
      converged: result.reason === 'converged' || result.reason === 'no-progress',
      stopReason: result.reason,
      objective: result.objective,
      rows: n,
      weightSum,
    },
  });
}

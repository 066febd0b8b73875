import { KeelError } from '../../core/index.js';
import type { Task } from '../model.js';

/** The penalty on the coefficients (never on the intercept). */
export type LinearPenalty = 'none' | 'l2' | 'l1' | 'elasticnet';

/**
 * Hyperparameters of `trainLinear`; every field is optional and unknown keys are refused with
 * `KEEL_LEARN_INVALID_PARAM`. The penalty strength is given ONE way — `C`, `alpha` (with `l1Ratio`),
 * or `l1` / `l2` directly — and means, with W the sum of row weights (n without weights):
 *
 * - `C` (scikit-learn `LogisticRegression(C)`, and `Ridge(alpha)` = `C: 1/alpha` for regression):
 *   minimise sum(w_i loss_i) + (1/C) r(beta);
 * - `alpha` (scikit-learn `Lasso(alpha)` / `ElasticNet(alpha, l1_ratio)`):
 *   minimise (1/W) sum(w_i loss_i) + alpha r(beta);
 * - `l1`, `l2`: minimise (1/W) sum(w_i loss_i) + l1 |beta|_1 + (l2/2) |beta|^2;
 *
 * with r = |beta|^2/2 (l2), |beta|_1 (l1), l1Ratio |beta|_1 + (1 - l1Ratio) |beta|^2/2 (elasticnet);
 * loss = log loss (classifiers) or (y - yhat)^2/2 (regression). Default: penalty l2 with C = 1.
 */
export interface LinearParams {
  /** Default `l2`, or inferred from `l1`/`l2` (both → elasticnet) or from `l1Ratio` (elasticnet). */
  readonly penalty?: LinearPenalty;
  /** Inverse strength on the summed loss, > 0; default 1 when no other strength is given. */
  readonly C?: number;
  /** Strength on the mean loss, >= 0. */
  readonly alpha?: number;
  /** Elastic-net mix in [0, 1] for `C`/`alpha` (1 = lasso); default 0.5. */
  readonly l1Ratio?: number;
  /** L1 strength on the mean loss, >= 0. */
  readonly l1?: number;
  /** L2 strength on the mean loss, >= 0. */
  readonly l2?: number;
  /** Fit an unpenalised intercept; default true. */
  readonly fitIntercept?: boolean;
  /** Optimiser iterations (L-BFGS / OWL-QN); default 1000, range 1..1e6. */
  readonly maxIter?: number;
  /** Stop when the largest (pseudo-)gradient entry of the mean objective is <= tol; default 1e-7. */
  readonly tol?: number;
  /** Class weights: `balanced` (n / (k * count)) or a map label → weight > 0 (missing labels weigh 1). */
  readonly classWeights?: 'balanced' | Readonly<Record<string, number>>;
  /** Add a missing-indicator column for numeric features with missing training values; default true. */
  readonly missingIndicators?: boolean;
  /** Standardise one-hot columns too (as a StandardScaler after a OneHotEncoder); default false (0/1). */
  readonly scaleOneHot?: boolean;
}

/** How the penalty strength was given. */
export type PenaltyStrength =
  | { readonly kind: 'C'; readonly C: number; readonly l1Ratio: number }
  | { readonly kind: 'alpha'; readonly alpha: number; readonly l1Ratio: number }
  | { readonly kind: 'direct'; readonly l1: number; readonly l2: number };

/** Parameters after defaults and validation. */
export interface ResolvedLinearParams {
  readonly penalty: LinearPenalty;
  readonly strength: PenaltyStrength | null;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly classWeights: 'balanced' | Readonly<Record<string, number>> | null;
  readonly missingIndicators: boolean;
  readonly scaleOneHot: boolean;
}

/** The defaults `trainLinear` applies. */
export const LINEAR_DEFAULTS = {
  penalty: 'l2',
  C: 1,
  l1Ratio: 0.5,
  fitIntercept: true,
  maxIter: 1000,
  tol: 1e-7,
  missingIndicators: true,
  scaleOneHot: false,
} as const;

const KNOWN = [
  'penalty',
  'C',
  'alpha',
  'l1Ratio',
  'l1',
  'l2',
  'fitIntercept',
  'maxIter',
  'tol',
  'classWeights',
  'missingIndicators',
  'scaleOneHot',
];

function invalid(param: string, message: string, value: unknown): KeelError {
  return new KeelError('KEEL_LEARN_INVALID_PARAM', `Linear parameter "${param}" ${message}.`, {
    details: { param, value: typeof value === 'object' ? JSON.stringify(value) : String(value) },
  });
}

function num(
  raw: Record<string, unknown>,
  key: string,
  min: number,
  minOpen: boolean,
  max = Number.MAX_VALUE,
) {
  const v = raw[key];
  if (v === undefined) return undefined;
  const ok = typeof v === 'number' && Number.isFinite(v) && (minOpen ? v > min : v >= min) && v <= max;
  if (!ok) {
    const hi = max === Number.MAX_VALUE ? 'Infinity' : String(max);
    throw invalid(
      key,
      `must be a number in ${minOpen ? '(' : '['}${min}, ${hi}], got ${JSON.stringify(v)}`,
      v,
    );
  }
  return v as number;
}

function bool(raw: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = raw[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw invalid(key, `must be true or false, got ${JSON.stringify(v)}`, v);
  return v;
}

function inferPenalty(raw: Record<string, unknown>): LinearPenalty {
  const v = raw.penalty;
  if (v !== undefined) {
    if (!['none', 'l2', 'l1', 'elasticnet'].includes(v as string)) {
      throw invalid('penalty', `must be one of none, l2, l1, elasticnet; got ${JSON.stringify(v)}`, v);
    }
    return v as LinearPenalty;
  }
  if (raw.l1 !== undefined && raw.l2 !== undefined) return 'elasticnet';
  if (raw.l1 !== undefined) return 'l1';
  if (raw.l1Ratio !== undefined) return 'elasticnet';
  return LINEAR_DEFAULTS.penalty;
}

function resolveStrength(raw: Record<string, unknown>, penalty: LinearPenalty): PenaltyStrength | null {
  const C = num(raw, 'C', 0, true);
  const alpha = num(raw, 'alpha', 0, false);
  const l1 = num(raw, 'l1', 0, false);
  const l2 = num(raw, 'l2', 0, false);
  const l1Ratio = num(raw, 'l1Ratio', 0, false, 1);
  const given = [C !== undefined && 'C', alpha !== undefined && 'alpha', (l1 ?? l2) !== undefined && 'l1/l2'];
  const ways = given.filter(Boolean);
  if (ways.length > 1)
    throw invalid(String(ways[1]), `cannot be combined with ${ways[0]}: give the strength one way`, 1);
  if (penalty === 'none') {
    const extra = ['C', 'alpha', 'l1', 'l2', 'l1Ratio'].find((k) => raw[k] !== undefined);
    if (extra) throw invalid(extra, 'needs a penalty; it is meaningless with penalty "none"', raw[extra]);
    return null;
  }
  if (l1Ratio !== undefined && penalty !== 'elasticnet') {
    throw invalid('l1Ratio', `applies to penalty "elasticnet" only (penalty is "${penalty}")`, l1Ratio);
  }
  if (penalty === 'l2' && l1 !== undefined) throw invalid('l1', 'needs penalty "l1" or "elasticnet"', l1);
  if (penalty === 'l1' && l2 !== undefined) throw invalid('l2', 'needs penalty "l2" or "elasticnet"', l2);
  const ratio = penalty === 'l1' ? 1 : penalty === 'l2' ? 0 : (l1Ratio ?? LINEAR_DEFAULTS.l1Ratio);
  if (alpha !== undefined) return { kind: 'alpha', alpha, l1Ratio: ratio };
  if (l1 !== undefined || l2 !== undefined) return { kind: 'direct', l1: l1 ?? 0, l2: l2 ?? 0 };
  return { kind: 'C', C: C ?? LINEAR_DEFAULTS.C, l1Ratio: ratio };
}

function checkClassWeights(value: unknown, task: Task): ResolvedLinearParams['classWeights'] {
  if (value === undefined) return null;
  if (task === 'regression') throw invalid('classWeights', 'applies to classification only', value);
  if (value === 'balanced') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(
      'classWeights',
      `must be "balanced" or a map of label to weight, got ${JSON.stringify(value)}`,
      value,
    );
  }
  for (const [label, w] of Object.entries(value)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw invalid('classWeights', `weight of class "${label}" must be a finite number > 0`, value);
    }
  }
  return value as Record<string, number>;
}

/**
 * Applies defaults and validates every parameter for `task`; `KEEL_LEARN_INVALID_PARAM` names the
 * parameter and its allowed values, and refuses unknown keys (listing the known ones).
 */
export function resolveLinearParams(params: LinearParams, task: Task): ResolvedLinearParams {
  if (params === null || typeof params !== 'object') throw invalid('params', 'must be an object', params);
  for (const key of Object.keys(params)) {
    if (!KNOWN.includes(key))
      throw invalid(key, `is unknown; known parameters: ${[...KNOWN].sort().join(', ')}`, key);
  }
  const raw = params as Record<string, unknown>;
  const penalty = inferPenalty(raw);
  const maxIter = num(raw, 'maxIter', 1, false, 1e6) ?? LINEAR_DEFAULTS.maxIter;
  if (!Number.isInteger(maxIter)) throw invalid('maxIter', `must be an integer, got ${maxIter}`, maxIter);
  return {
    penalty,
    strength: resolveStrength(raw, penalty),
    fitIntercept: bool(raw, 'fitIntercept', LINEAR_DEFAULTS.fitIntercept),
    maxIter,
    tol: num(raw, 'tol', 0, true, 1) ?? LINEAR_DEFAULTS.tol,
    classWeights: checkClassWeights(raw.classWeights, task),
    missingIndicators: bool(raw, 'missingIndicators', LINEAR_DEFAULTS.missingIndicators),
    scaleOneHot: bool(raw, 'scaleOneHot', LINEAR_DEFAULTS.scaleOneHot),
  };
}

/** The L1 and L2 strengths on the mean-loss scale for a total row weight `weightSum` (see `LinearParams`). */
export function penaltyStrengths(p: ResolvedLinearParams, weightSum: number): { l1: number; l2: number } {
  const s = p.strength;
  if (!s) return { l1: 0, l2: 0 };
  if (s.kind === 'direct') return { l1: s.l1, l2: s.l2 };
  const lambda = s.kind === 'C' ? 1 / (s.C * weightSum) : s.alpha;
  return { l1: lambda * s.l1Ratio, l2: lambda * (1 - s.l1Ratio) };
}

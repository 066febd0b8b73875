import { KeelError, quickselect } from '../../core/index.js';
import type { FeatureSpec } from '../model.js';

/** Standardisation of one design column: z = (value - mean) / scale. */
export interface ColumnScaling {
  readonly mean: number;
  readonly scale: number;
  /** Constant in training: the column is left out of the fit and its coefficient is 0. */
  readonly constant: boolean;
}

/** How a numeric feature becomes design columns: median imputation, optional missing indicator, standardisation. */
export interface NumericPreprocessing extends ColumnScaling {
  readonly kind: 'numeric';
  readonly feature: string;
  /** Training median of the present values (0 when the column was all missing). */
  readonly median: number;
  /** Scaling of the 0/1 missing-indicator column, or null when there is none. */
  readonly indicator: ColumnScaling | null;
}

/** How a categorical feature becomes one-hot columns (one per training level; missing and unseen → all 0). */
export interface CategoricalPreprocessing {
  readonly kind: 'categorical';
  readonly feature: string;
  /** One scaling per level, in `FeatureSpec.levels` order (mean 0, scale 1 unless one-hot columns are scaled). */
  readonly levels: readonly ColumnScaling[];
}

/** Preprocessing of one feature, in feature order. */
export type FeaturePreprocessing = NumericPreprocessing | CategoricalPreprocessing;

const EPS = 2 ** -52;

/**
 * Mean and population standard deviation of a column as scikit-learn's StandardScaler computes them,
 * with its constant-feature rule (var <= n eps var + (n mean eps)^2 → scale 1, flagged constant).
 */
export function columnScaling(values: Float64Array): ColumnScaling {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const mean = sum / n;
  let sq = 0;
  let corr = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    sq += d * d;
    corr += d;
  }
  const variance = Math.max(0, (sq - (corr * corr) / n) / n);
  const constant = variance <= n * EPS * variance + (n * mean * EPS) ** 2;
  return { mean, scale: constant ? 1 : Math.sqrt(variance), constant };
}

/** The median of the first `count` values (mean of the two middle values for an even count); reorders them. */
function medianInPlace(a: Float64Array, count: number): number {
  const m = count >> 1;
  quickselect(a, m, 0, count);
  const upper = a[m]!;
  if (count % 2) return upper;
  let lower = a[0]!;
  for (let i = 1; i < m; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

function numericPreprocessing(
  x: Float64Array,
  n: number,
  p: number,
  j: number,
  spec: FeatureSpec,
  missingIndicators: boolean,
): NumericPreprocessing {
  const present = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i * p + j]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isFinite(v)) {
      throw new KeelError(
        'KEEL_LEARN_BAD_FEATURES',
        `Feature "${spec.name}" is ${v} at row ${i}; linear models need finite numbers (NaN = missing).`,
        { details: { column: spec.name, row: i } },
      );
    }
    present[count++] = v;
  }
  const median = count > 0 ? medianInPlace(present, count) : 0;
  const imputed = new Float64Array(n);
  const missing = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = x[i * p + j]!;
    imputed[i] = Number.isNaN(v) ? median : v;
    missing[i] = Number.isNaN(v) ? 1 : 0;
  }
  const hasIndicator = missingIndicators && count < n && count > 0;
  return {
    kind: 'numeric',
    feature: spec.name,
    median,
    ...columnScaling(imputed),
    indicator: hasIndicator ? columnScaling(missing) : null,
  };
}

function categoricalPreprocessing(
  x: Float64Array,
  n: number,
  p: number,
  j: number,
  spec: FeatureSpec,
  scaleOneHot: boolean,
): CategoricalPreprocessing {
  const count = new Float64Array(spec.levels?.length ?? 0);
  for (let i = 0; i < n; i++) {
    const c = x[i * p + j]!;
    if (c >= 0 && c < count.length) count[c]!++;
  }
  const levels = Array.from(count, (k): ColumnScaling => {
    const constant = k === 0 || k === n;
    if (!scaleOneHot) return { mean: 0, scale: 1, constant };
    const mean = k / n;
    return constant ? { mean, scale: 1, constant } : { mean, scale: Math.sqrt(mean * (1 - mean)), constant };
  });
  return { kind: 'categorical', feature: spec.name, levels };
}

/** Options of `fitPreprocessing`. */
export interface PreprocessingOptions {
  readonly missingIndicators: boolean;
  readonly scaleOneHot: boolean;
}

/**
 * Learns the preprocessing of every feature from the encoded training matrix (`encodeFrame` layout).
 * Statistics are unweighted (as scikit-learn pipelines that pass sample weights to the final step).
 * Fails with `KEEL_LEARN_BAD_FEATURES` when every design column is constant or missing.
 */
export function fitPreprocessing(
  x: Float64Array,
  n: number,
  specs: readonly FeatureSpec[],
  options: PreprocessingOptions,
): FeaturePreprocessing[] {
  const p = specs.length;
  const out = specs.map((spec, j) =>
    spec.kind === 'numeric'
      ? numericPreprocessing(x, n, p, j, spec, options.missingIndicators)
      : categoricalPreprocessing(x, n, p, j, spec, options.scaleOneHot),
  );
  const informative = out.some((f) =>
    f.kind === 'numeric'
      ? !f.constant || (f.indicator !== null && !f.indicator.constant)
      : f.levels.some((l) => !l.constant),
  );
  if (!informative) {
    throw new KeelError(
      'KEEL_LEARN_BAD_FEATURES',
      `Every feature (${specs.map((s) => s.name).join(', ')}) is constant or missing in the ${n} training rows; nothing to learn from.`,
      { details: { features: specs.map((s) => s.name) } },
    );
  }
  return out;
}

/** The names of the design columns: `feature`, `feature:missing` (indicator) and `feature=level` (one-hot). */
export function designColumnNames(
  pre: readonly FeaturePreprocessing[],
  specs: readonly FeatureSpec[],
): string[] {
  const names: string[] = [];
  pre.forEach((f, j) => {
    if (f.kind === 'numeric') {
      names.push(f.feature);
      if (f.indicator) names.push(`${f.feature}:missing`);
    } else {
      for (const level of specs[j]!.levels ?? []) names.push(`${f.feature}=${level}`);
    }
  });
  return names;
}

/** The number of design columns (coefficients per output). */
export function designWidth(pre: readonly FeaturePreprocessing[]): number {
  return pre.reduce((d, f) => d + (f.kind === 'numeric' ? (f.indicator ? 2 : 1) : f.levels.length), 0);
}

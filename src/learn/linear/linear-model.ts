import type { FeatureImportance, FeatureSpec, Model, Task } from '../model.js';
import { writeLinearModel } from './linear-format.js';
import type { LinearModelData, LinearTrainingInfo } from './linear-model-data.js';
import type { ResolvedLinearParams } from './params.js';
import { designColumnNames, designWidth, type FeaturePreprocessing } from './preprocessing.js';

/** Coefficients on the standardised / one-hot design, per output. */
export interface LinearCoefficients {
  /** Design column names: `feature`, `feature:missing`, `feature=level`. */
  readonly columns: readonly string[];
  /** One row of d coefficients per output (binary and regression: one row). */
  readonly coef: readonly Float64Array[];
  readonly intercept: readonly number[];
}

/**
 * A trained linear or logistic regression model. Serving sends raw columns: numeric values are
 * median-imputed (plus a missing indicator where training had missing values) and standardised,
 * categoricals one-hot encoded with missing and unseen levels as all zeros — all folded into per-feature
 * slopes and level tables at construction, so prediction is one multiply-add per numeric feature and
 * one table look-up per categorical feature.
 */
export class LinearModel implements Model {
  readonly learner = 'linear';
  readonly task: Task;
  readonly target: string;
  readonly features: readonly FeatureSpec[];
  readonly classes: readonly string[] | null;
  readonly outputWidth: number;
  readonly params: ResolvedLinearParams;
  readonly training: LinearTrainingInfo;
  private readonly data: LinearModelData;
  private readonly K: number;
  private readonly d: number;
  // Folded raw-scale predictor: eta_k = bias[k] + sum slope*v (or missing[k] when v is NaN) + table[code].
  private readonly bias: Float64Array;
  private readonly numIndex: Int32Array;
  private readonly slope: Float64Array;
  private readonly missing: Float64Array;
  private readonly catIndex: Int32Array;
  private readonly tables: Float64Array[];

  constructor(data: LinearModelData) {
    this.data = data;
    this.task = data.task;
    this.target = data.target;
    this.features = data.features;
    this.classes = data.classes;
    this.params = data.params;
    this.training = data.training;
    this.K = data.task === 'multiclass' ? data.classes!.length : 1;
    this.outputWidth = this.K;
    this.d = designWidth(data.preprocessing);
    const { K, d } = this;
    const coef = data.coef;
    this.bias = Float64Array.from(data.intercept);
    const numIndex: number[] = [];
    const slope: number[] = [];
    const missing: number[] = [];
    const catIndex: number[] = [];
    this.tables = [];
    let col = 0;
    data.preprocessing.forEach((f, j) => {
      if (f.kind === 'numeric') {
        numIndex.push(j);
        const ind = f.indicator;
        for (let k = 0; k < K; k++) {
          const b = coef[k * d + col]!;
          const a = f.constant ? 0 : b / f.scale;
          const bi = ind ? coef[k * d + col + 1]! : 0;
          const ia = ind && !ind.constant ? bi / ind.scale : 0;
          this.bias[k]! += -a * f.mean - ia * (ind ? ind.mean : 0);
          slope.push(a);
          missing.push(a * f.median + ia);
        }
        col += ind ? 2 : 1;
        return;
      }
      catIndex.push(j);
      const L = f.levels.length;
      const table = new Float64Array(K * L);
      for (let k = 0; k < K; k++) {
        for (let l = 0; l < L; l++) {
          const lev = f.levels[l]!;
          const b = lev.constant ? 0 : coef[k * d + col + l]!;
          table[k * L + l] = b / lev.scale;
          this.bias[k]! -= (b * lev.mean) / lev.scale;
        }
      }
      this.tables.push(table);
      col += L;
    });
    this.numIndex = Int32Array.from(numIndex);
    this.slope = Float64Array.from(slope);
    this.missing = Float64Array.from(missing);
    this.catIndex = Int32Array.from(catIndex);
  }

  /** See `Model.predictEncoded`: probabilities (sigmoid / softmax) or values. */
  predictEncoded(x: Float64Array, n: number, out: Float64Array): void {
    const { K, numIndex, slope, missing, catIndex, tables, bias } = this;
    const p = this.features.length;
    for (let i = 0; i < n; i++) {
      const row = i * p;
      const o = i * K;
      for (let k = 0; k < K; k++) out[o + k] = bias[k]!;
      for (let t = 0; t < numIndex.length; t++) {
        const v = x[row + numIndex[t]!]!;
        const nan = Number.isNaN(v);
        for (let k = 0; k < K; k++) out[o + k]! += nan ? missing[t * K + k]! : slope[t * K + k]! * v;
      }
      for (let t = 0; t < catIndex.length; t++) {
        const c = x[row + catIndex[t]!]!;
        const table = tables[t]!;
        const L = table.length / K;
        if (c >= 0 && c < L) for (let k = 0; k < K; k++) out[o + k]! += table[k * L + c]!;
      }
      if (this.task === 'binary') {
        const e = out[o]!;
        out[o] = e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e));
      } else if (this.task === 'multiclass') {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) max = Math.max(max, out[o + k]!);
        let sum = 0;
        for (let k = 0; k < K; k++) sum += out[o + k] = Math.exp(out[o + k]! - max);
        for (let k = 0; k < K; k++) out[o + k]! /= sum;
      }
    }
  }

  /** The versioned `keel-linear` bytes (docs/model-format.md). */
  serialize(): Uint8Array {
    return writeLinearModel(this.data);
  }

  /** Per feature: the sum over its design columns and outputs of |coefficient| on the standardised scale. */
  featureImportance(): FeatureImportance[] {
    const { K, d } = this;
    let col = 0;
    return this.data.preprocessing.map((f) => {
      const width = f.kind === 'numeric' ? (f.indicator ? 2 : 1) : f.levels.length;
      let gain = 0;
      for (let k = 0; k < K; k++)
        for (let c = col; c < col + width; c++) gain += Math.abs(this.data.coef[k * d + c]!);
      col += width;
      return { name: f.feature, gain, splits: 0 };
    });
  }

  /** The fitted coefficients on the standardised / one-hot design (what scikit-learn's `coef_` holds). */
  coefficients(): LinearCoefficients {
    const { K, d } = this;
    return {
      columns: designColumnNames(this.data.preprocessing, this.features),
      coef: Array.from({ length: K }, (_, k) => this.data.coef.slice(k * d, (k + 1) * d)),
      intercept: [...this.data.intercept],
    };
  }

  /** The preprocessing learnt from the training rows, in feature order. */
  preprocessing(): readonly FeaturePreprocessing[] {
    return this.data.preprocessing;
  }
}

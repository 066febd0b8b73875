import { describe, expect, it } from 'vitest';
import { Frame } from '../../../src/core/index.js';
import {
  accuracyScore,
  crossValidate,
  encodeLabels,
  evaluate,
  type LinearModel,
  type LinearParams,
  predictFrame,
  rocAucScore,
  rootMeanSquaredError,
  trainLinear,
} from '../../../src/learn/index.js';
import { holdout, readDataset } from '../datasets.js';
import { readOracle } from '../oracle-json.js';

// sklearn_quality.json is ../shared/oracles/sklearn_quality (scikit-learn 1.2.1): the hold-out split,
// 5-fold CV folds and the fitted coefficients of standardised LogisticRegression(C=1), LinearRegression
// and Ridge(alpha=1). Keel must reach the same quality and the same coefficients (the objectives are convex).

interface Fitted {
  readonly scaler_mean: number[];
  readonly scaler_scale: number[];
  readonly feature_order: string[];
  readonly coef: number[][];
  readonly intercept: number[];
}
interface ModelResult {
  readonly test_metrics: Record<string, number>;
  readonly fitted_linear_model?: Fitted;
}
interface DatasetResult {
  readonly dataset: string;
  readonly features: string[];
  readonly split: { readonly test_indices: number[] };
  readonly holdout: Record<string, ModelResult>;
  readonly cv5: { readonly fold_of_row: number[] } & Record<string, Record<string, { mean: number }>>;
}

const oracle = readOracle<{ results: DatasetResult[] }>('oracles/sklearn_quality.json');
const result = (name: string): DatasetResult => oracle.results.find((r) => r.dataset === name)!;

function expectCoefficients(model: LinearModel, fitted: Fitted, tol = 1e-3): void {
  const c = model.coefficients();
  expect(c.columns).toEqual(fitted.feature_order);
  fitted.coef.forEach((row, k) => {
    row.forEach((v, j) => {
      expect(Math.abs(c.coef[k]![j]! - v), `coef[${k}][${j}] ${c.columns[j]}`).toBeLessThan(tol);
    });
  });
  fitted.intercept.forEach((v, k) => {
    expect(Math.abs(c.intercept[k]! - v), `intercept[${k}]`).toBeLessThan(tol);
  });
}

function expectScaler(model: LinearModel, fitted: Fitted): void {
  const scaling = model.preprocessing().flatMap((f) => (f.kind === 'numeric' ? [f] : f.levels));
  scaling.forEach((s, j) => {
    expect(s.mean).toBeCloseTo(fitted.scaler_mean[j]!, 9);
    expect(s.scale).toBeCloseTo(fitted.scaler_scale[j]!, 9);
  });
}

describe('linear models match scikit-learn 1.2.1 on the shared datasets', () => {
  it('breast_cancer: LogisticRegression(C=1) on standardised features', async () => {
    const r = result('breast_cancer');
    const frame = readDataset('breast_cancer');
    const { train, test } = holdout(frame, r.split.test_indices);
    const sk = r.holdout.LogisticRegression_standardized!;
    const model = await trainLinear(train, { C: 1 }, { target: 'target', features: r.features });
    expect(model.training.converged).toBe(true);
    expectScaler(model, sk.fitted_linear_model!);
    expectCoefficients(model, sk.fitted_linear_model!);
    const pred = predictFrame(model, test);
    const y = encodeLabels(test, 'target', model);
    const auc = rocAucScore(y, pred.outputs);
    const acc = accuracyScore(y, Float64Array.from(pred.labels!, Number));
    expect(auc).toBeGreaterThanOrEqual(sk.test_metrics.roc_auc! - 0.01);
    expect(acc).toBeGreaterThanOrEqual(sk.test_metrics.accuracy! - 0.01);
  });

  it('breast_cancer: 5-fold CV on the oracle folds reaches scikit-learn mean AUC', async () => {
    const r = result('breast_cancer');
    const frame = readDataset('breast_cancer');
    const fold = r.cv5.fold_of_row;
    const folds = [0, 1, 2, 3, 4].map((f) => ({
      train: Int32Array.from(fold.flatMap((v, i) => (v === f ? [] : [i]))),
      test: Int32Array.from(fold.flatMap((v, i) => (v === f ? [i] : []))),
    }));
    const cv = await crossValidate(
      frame,
      (tr) => trainLinear(tr, {}, { target: 'target', features: r.features }),
      {
        target: 'target',
        folds,
      },
    );
    const sk = r.cv5.LogisticRegression_standardized!;
    expect(cv.folds).toHaveLength(5);
    expect(cv.mean.auc!).toBeGreaterThanOrEqual(sk.roc_auc!.mean - 0.01);
    expect(cv.mean.accuracy!).toBeGreaterThanOrEqual(sk.accuracy!.mean - 0.01);
  });

  for (const [name, params] of [
    ['LinearRegression_standardized', { penalty: 'none' }],
    ['Ridge_alpha1_standardized', { C: 1 }],
  ] as [string, LinearParams][]) {
    it(`diabetes: ${name}`, async () => {
      const r = result('diabetes');
      const { train, test } = holdout(readDataset('diabetes'), r.split.test_indices);
      const sk = r.holdout[name]!;
      const model = await trainLinear(train, params, { target: 'target', features: r.features });
      expect(model.task).toBe('regression');
      expectScaler(model, sk.fitted_linear_model!);
      expectCoefficients(model, sk.fitted_linear_model!);
      const rmse = rootMeanSquaredError(
        test.numberColumn('target').values,
        predictFrame(model, test).outputs,
      );
      expect(rmse).toBeLessThanOrEqual(sk.test_metrics.rmse! * 1.03);
      expect(Math.abs(rmse - sk.test_metrics.rmse!)).toBeLessThan(1e-3);
    });
  }

  it('penguins: multinomial LogisticRegression(C=1) with median imputation and standardised one-hot', async () => {
    const r = result('penguins');
    // scikit-learn's pipeline one-hot encoded sex with the levels FEMALE and MALE only: the one "."
    // value (row 336, a training row) became all zeros, which in Keel is a missing value.
    const frame = readDataset('penguins', { missing: ['.'] });
    const { train, test } = holdout(frame, r.split.test_indices);
    const sk = r.holdout.LogisticRegression_standardized!;
    // The oracle pipeline: SimpleImputer(median) without indicator, then StandardScaler on all 9 columns.
    const model = await trainLinear(
      train,
      { C: 1, missingIndicators: false, scaleOneHot: true },
      {
        target: 'species',
        features: ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g', 'island', 'sex'],
      },
    );
    expect(model.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const medians = model.preprocessing().flatMap((f) => (f.kind === 'numeric' ? [f.median] : []));
    expect(medians).toEqual([44.5, 17.3, 197.0, 4000.0]);
    expectScaler(model, sk.fitted_linear_model!);
    expectCoefficients(model, sk.fitted_linear_model!);
    const pred = predictFrame(model, test);
    const m = evaluate('multiclass', encodeLabels(test, 'species', model), pred.outputs, model.classes);
    expect(m.accuracy!).toBeGreaterThanOrEqual(sk.test_metrics.accuracy! - 0.01);
    expect(m.auc!).toBeGreaterThanOrEqual(sk.test_metrics.roc_auc_ovr_macro! - 0.01);
    expect(m.f1_macro!).toBeGreaterThanOrEqual(sk.test_metrics.f1_macro! - 0.01);
  });

  it('penguins: the default preprocessing (indicators, 0/1 one-hot) is as good on the hold-out', async () => {
    const r = result('penguins');
    const { train, test } = holdout(readDataset('penguins', { missing: ['.'] }), r.split.test_indices);
    const model = await trainLinear(train, {}, { target: 'species' });
    expect(model.coefficients().columns).toContain('beak_length_mm:missing');
    const m = evaluate(
      'multiclass',
      encodeLabels(test, 'species', model),
      predictFrame(model, test).outputs,
      model.classes,
    );
    expect(m.accuracy!).toBeGreaterThanOrEqual(
      r.holdout.LogisticRegression_standardized!.test_metrics.accuracy! - 0.01,
    );
    expect(Frame).toBeDefined();
  });
});

import { describe, expect, it } from 'vitest';
import { type Frame, numberColumn } from '../../../src/core/index.js';
import { type LinearParams, trainLinear } from '../../../src/learn/index.js';
import { readDataset } from '../datasets.js';

// Reference coefficients computed once with /usr/bin/python3 and scikit-learn 1.2.1 on the whole fixture
// datasets, features standardised with StandardScaler (fitted on all rows, unweighted), e.g.
//   Lasso(alpha=1.0, tol=1e-12, max_iter=1_000_000).fit(X, y)
//   LogisticRegression(penalty='l1', C=0.1, solver='saga', tol=1e-10, max_iter=1_000_000).fit(X, y)
// Weighted cases use sample_weight = 1 + (row index % 3). saga agrees with itself to ~3e-6 between
// tol 1e-8 and 1e-10, so the comparisons allow 1e-4.
const SK = {
  lasso_a1: {
    coef: [
      -0.0, -9.3193295449, 24.8315037282, 14.0889855123, -4.8389461924, -0.0, -10.6227562973, 0.0,
      24.4209333982, 2.5618755134,
    ],
    intercept: 152.1334841629,
  },
  enet_a05_r03: {
    coef: [
      0.6012026512, -7.1275079698, 19.7722808528, 12.4195592832, -1.1223792058, -3.1796495447, -8.6792766794,
      5.5988779198, 17.0187506095, 4.9937217709,
    ],
    intercept: 152.1334841629,
  },
  lasso_a1_weighted: {
    coef: [
      -0.0, -7.6161551766, 24.6319407709, 12.8009503109, -4.0524659294, -0.0, -11.1520647102, 0.0,
      23.1123604911, 2.5133925687,
    ],
    intercept: 152.5828502671,
  },
  lr_l1_C01: {
    coef: [
      0, 0, 0, 0, 0, 0, 0, -0.5194787519, 0, 0, -0.3198604735, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2.2494057447,
      -0.7354346552, 0, 0, -0.1817037784, 0, -0.0255472483, -1.0953454575, -0.1628512647, 0,
    ],
    intercept: 0.6936478148,
  },
  lr_en_C05_r05: {
    coef: [
      -0.27642497, -0.3647936855, -0.2271993008, -0.3092030536, 0, 0, -0.4809098442, -0.7513444366, 0,
      0.2265033738, -1.1677951878, 0.0947004223, -0.3984997368, -0.6862940764, -0.1223043805, 0.5674847272, 0,
      -0.0050914231, 0.1546571906, 0.2632149718, -1.0074259894, -1.029353721, -0.7712453961, -0.8815708369,
      -0.6701760604, 0, -0.6767377074, -0.9520498895, -0.6220540462, 0,
    ],
    intercept: 0.301698627,
  },
  // LogisticRegression(C=0.5, class_weight='balanced', solver='newton-cg', tol=1e-12).fit(X, y, sample_weight=w);
  // the default lbfgs solver stops ~1.2e-4 away from the optimum here (its ftol criterion), newton-cg does not.
  lr_l2_C05_balanced_weighted: {
    coef: [
      -0.4287409227, -0.3568355897, -0.4181133697, -0.4822194336, -0.1338222949, 0.4344079591, -0.9964502642,
      -1.0467966581, -0.1043815641, 0.4123666665, -1.2701006927, 0.3094710971, -0.6696759623, -1.0087205096,
      -0.3303167011, 0.759044942, 0.1162968493, -0.19271666, 0.3981279515, 0.8342784085, -1.0232437723,
      -1.3885774139, -0.7961469794, -0.9667849048, -0.684809949, -0.0948652219, -0.9843352464, -0.8036633438,
      -0.9016964683, -0.3785486482,
    ],
    intercept: -0.11716066,
  },
  // LogisticRegression(C=1.0, fit_intercept=False, solver='newton-cg', tol=1e-12)
  lr_l2_nointercept: {
    coef: [
      -0.3063779945, -0.37595898, -0.2990745673, -0.474150234, -0.1248022162, 0.5991529047, -0.9162125761,
      -0.9991900652, 0.060215681, 0.2563469727, -1.3193639162, 0.2734390433, -0.6986760511, -1.1232219591,
      -0.299427485, 0.7767995849, 0.1288751422, -0.2533631068, 0.2598921615, 0.6233628617, -1.0379528439,
      -1.3042881541, -0.838887561, -1.1283942553, -0.6818195651, 0.0717178262, -0.8661029253, -0.907604824,
      -0.8648196543, -0.5054260954,
    ],
    intercept: 0,
  },
};

const withWeights = (frame: Frame): Frame =>
  frame.withColumn(
    numberColumn(
      'w',
      Float64Array.from({ length: frame.rowCount }, (_, i) => 1 + (i % 3)),
    ),
  );

async function expectFit(
  dataset: string,
  params: LinearParams,
  expected: { coef: number[]; intercept: number },
  weighted = false,
): Promise<void> {
  const base = readDataset(dataset);
  const frame = weighted ? withWeights(base) : base;
  const features = base.names.filter((n) => n !== 'target');
  const model = await trainLinear(frame, params, {
    target: 'target',
    features,
    ...(weighted ? { weightColumn: 'w' } : {}),
  });
  const c = model.coefficients();
  expected.coef.forEach((v, j) => {
    expect(Math.abs(c.coef[0]![j]! - v), `${c.columns[j]}: ${c.coef[0]![j]} vs ${v}`).toBeLessThan(1e-4);
    // L1 zeros must be exact zeros, not small numbers.
    if (v === 0) expect(c.coef[0]![j]).toBe(0);
  });
  expect(Math.abs(c.intercept[0]! - expected.intercept)).toBeLessThan(1e-4);
}

describe('L1 and elastic-net penalties match scikit-learn 1.2.1', () => {
  it('Lasso(alpha=1) = { penalty: l1, alpha: 1 }', () =>
    expectFit('diabetes', { penalty: 'l1', alpha: 1 }, SK.lasso_a1));
  it('ElasticNet(alpha=0.5, l1_ratio=0.3) = { alpha: 0.5, l1Ratio: 0.3 }', () =>
    expectFit('diabetes', { penalty: 'elasticnet', alpha: 0.5, l1Ratio: 0.3 }, SK.enet_a05_r03));
  it('the same elastic net given as l1 / l2 strengths', () =>
    expectFit('diabetes', { l1: 0.5 * 0.3, l2: 0.5 * 0.7 }, SK.enet_a05_r03));
  it('Lasso with sample weights', () =>
    expectFit('diabetes', { penalty: 'l1', alpha: 1 }, SK.lasso_a1_weighted, true));
  it('LogisticRegression(penalty=l1, C=0.1)', () =>
    expectFit('breast_cancer', { penalty: 'l1', C: 0.1 }, SK.lr_l1_C01));
  it('LogisticRegression(penalty=elasticnet, l1_ratio=0.5, C=0.5)', () =>
    expectFit('breast_cancer', { penalty: 'elasticnet', l1Ratio: 0.5, C: 0.5 }, SK.lr_en_C05_r05));
  it('LogisticRegression(C=0.5, class_weight=balanced) with sample weights', () =>
    expectFit('breast_cancer', { C: 0.5, classWeights: 'balanced' }, SK.lr_l2_C05_balanced_weighted, true));
  it('LogisticRegression(fit_intercept=False)', () =>
    expectFit('breast_cancer', { fitIntercept: false }, SK.lr_l2_nointercept));
});

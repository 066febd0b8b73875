import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  encodeLabels,
  type GbdtParams,
  predictFrame,
  rocAucScore,
  rootMeanSquaredError,
  trainGbdt,
} from '../../../src/learn/index.js';
import { holdout, readDataset } from '../datasets.js';
import { readOracle } from '../oracle-json.js';

// sklearn_quality.json is ../shared/oracles/sklearn_quality (scikit-learn 1.2.1): the hold-out split
// and what HistGradientBoosting (defaults) reaches on it. Keel's GBDT, with the same settings as HGB's
// defaults (100 rounds, 31 leaves grown leaf-wise, no depth limit, 20 rows per leaf, no L2), must reach
// the same quality: AUC / accuracy within 0.01, RMSE within 3%.

interface DatasetResult {
  readonly dataset: string;
  readonly split: { readonly test_indices: number[] };
  readonly holdout: Record<string, { readonly test_metrics: Record<string, number> }>;
}
const oracle = readOracle<{ results: DatasetResult[] }>('oracles/sklearn_quality.json');
const hgb = (name: string) => {
  const r = oracle.results.find((d) => d.dataset === name)!;
  const key = Object.keys(r.holdout).find((k) => k.startsWith('HistGradientBoosting'))!;
  return { split: r.split.test_indices, metrics: r.holdout[key]!.test_metrics };
};

const HGB_DEFAULTS: GbdtParams = {
  numTrees: 100,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 0,
  minSamplesLeaf: 20,
  l2: 0,
  threads: 1,
};

describe('GBDT quality against scikit-learn HistGradientBoosting (hold-out split of the oracle)', () => {
  it('breast_cancer (binary): AUC and accuracy', async () => {
    const ref = hgb('breast_cancer');
    const { train, test } = holdout(readDataset('breast_cancer'), ref.split);
    const model = await trainGbdt(train, HGB_DEFAULTS, { target: 'target' });
    const p = predictFrame(model, test);
    const y = encodeLabels(test, 'target', model);
    const auc = rocAucScore(y, p.outputs);
    const acc = accuracyScore(test.numberColumn('target').values, Float64Array.from(p.labels!, Number));
    expect(auc).toBeGreaterThanOrEqual(ref.metrics.roc_auc! - 0.01);
    expect(acc).toBeGreaterThanOrEqual(ref.metrics.accuracy! - 0.01);
  });

  it('diabetes (regression): RMSE', async () => {
    const ref = hgb('diabetes');
    const { train, test } = holdout(readDataset('diabetes'), ref.split);
    const model = await trainGbdt(train, HGB_DEFAULTS, { target: 'target' });
    const rmse = rootMeanSquaredError(test.numberColumn('target').values, predictFrame(model, test).outputs);
    expect(rmse).toBeLessThanOrEqual(ref.metrics.rmse! * 1.03);
  });

  it('penguins (3 classes, missing values, native categoricals): accuracy and AUC', async () => {
    const ref = hgb('penguins');
    const { train, test } = holdout(readDataset('penguins'), ref.split);
    const model = await trainGbdt(train, HGB_DEFAULTS, { target: 'species' });
    const p = predictFrame(model, test);
    const y = encodeLabels(test, 'species', model);
    const predicted = Float64Array.from(p.labels!, (l) => model.classes!.indexOf(l));
    expect(accuracyScore(y, predicted)).toBeGreaterThanOrEqual(ref.metrics.accuracy! - 0.01);
    const auc = rocAucScore(y, p.outputs, { multiClass: 'ovr', average: 'macro' });
    expect(auc).toBeGreaterThanOrEqual(ref.metrics.roc_auc_ovr_macro! - 0.01);
  });
});

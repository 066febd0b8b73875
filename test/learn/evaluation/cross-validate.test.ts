import { describe, expect, it } from 'vitest';
import { crossValidate, EVALUATION_METRICS, trainLinear } from '../../../src/learn/index.js';
import { readDataset } from '../datasets.js';

describe('crossValidate', () => {
  it('scores a regression learner on k folds with the standard metric set', async () => {
    const frame = readDataset('diabetes');
    const seen: number[] = [];
    const cv = await crossValidate(
      frame,
      (train, fold) => {
        seen.push(train.rowCount);
        expect(fold).toBe(seen.length - 1);
        return trainLinear(train, { C: 1 }, { target: 'target' });
      },
      { target: 'target', k: 4, seed: 3 },
    );
    expect(seen).toEqual([331, 331, 332, 332]);
    expect(cv.folds.map((f) => f.testRows)).toEqual([111, 111, 110, 110]);
    expect(Object.keys(cv.mean)).toEqual([...EVALUATION_METRICS.regression]);
    const rmse = cv.folds.map((f) => f.metrics.rmse!);
    const mean = rmse.reduce((a, b) => a + b, 0) / 4;
    expect(cv.mean.rmse).toBeCloseTo(mean, 12);
    expect(cv.std.rmse).toBeCloseTo(Math.sqrt(rmse.reduce((a, v) => a + (v - mean) ** 2, 0) / 4), 12);
    // scikit-learn's 5-fold CV RMSE of Ridge(alpha=1) on this data is 54.49 (sklearn_quality.json)
    expect(cv.mean.rmse!).toBeGreaterThan(50);
    expect(cv.mean.rmse!).toBeLessThan(60);
  });

  it('stratifies classification targets by default', async () => {
    const frame = readDataset('penguins', { missing: ['.'] });
    const cv = await crossValidate(frame, (train) => trainLinear(train, {}, { target: 'species' }), {
      target: 'species',
      k: 5,
    });
    expect(cv.folds).toHaveLength(5);
    expect(cv.mean.accuracy!).toBeGreaterThan(0.97);
    expect(cv.folds.every((f) => f.metrics.auc !== undefined)).toBe(true);
  });
});

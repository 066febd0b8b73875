import { describe, expect, it } from 'vitest';
import { isKeelError } from '../../../src/core/index.js';
import {
  EVALUATION_METRICS,
  evaluate,
  f1Score,
  logLoss,
  medianAbsoluteError,
  metricGoal,
  rocAucScore,
  topKAccuracyScore,
} from '../../../src/learn/index.js';
import { readOracle } from '../oracle-json.js';

interface Case {
  readonly name: string;
  readonly y_true: number[];
  readonly y_score?: number[];
  readonly y_proba?: number[][];
  readonly y_pred?: number[];
  readonly sample_weight?: number[] | null;
  readonly [key: string]: unknown;
}
const cases = readOracle<{ cases: Case[] }>('oracles/metrics_oracles.json').cases;
const byName = (n: string) => cases.find((c) => c.name === n)!;

describe('evaluate', () => {
  it('returns the documented binary keys with the scikit-learn values (threshold 0.5)', () => {
    const c = byName('binary_weighted');
    const m = evaluate('binary', c.y_true, c.y_score!, ['no', 'yes'], c.sample_weight!);
    expect(Object.keys(m)).toEqual([...EVALUATION_METRICS.binary]);
    expect(m.auc).toBeCloseTo(c.roc_auc_score as number, 12);
    expect(m.average_precision).toBeCloseTo(c.average_precision_score as number, 12);
    expect(m.logloss).toBeCloseTo(c.log_loss as number, 12);
    expect(m.brier).toBeCloseTo(c.brier_score_loss as number, 12);
    expect(m.accuracy).toBeCloseTo(c.accuracy_score as number, 12);
    expect(m.balanced_accuracy).toBeCloseTo(c.balanced_accuracy_score as number, 12);
    expect(m.f1).toBeCloseTo(c.f1_score as number, 12);
    expect(m.mcc).toBeCloseTo(c.matthews_corrcoef as number, 12);
  });

  it('leaves out metrics that are undefined for the window but keeps log loss (labels are known)', () => {
    const c = byName('binary_single_class');
    const m = evaluate('binary', c.y_true, c.y_score!, ['0', '1']);
    expect(m.auc).toBeUndefined();
    expect(m.logloss).toBeCloseTo(logLoss(c.y_true, c.y_score!, { labels: [0, 1] }), 15);
    expect(m.accuracy).toBeCloseTo(c.accuracy_score as number, 12);
  });

  it('returns the multiclass keys (auc = one-vs-rest macro)', () => {
    const c = byName('multiclass_150x3');
    const proba = c.y_proba!.flat();
    const m = evaluate('multiclass', c.y_true, proba, ['a', 'b', 'c']);
    expect(Object.keys(m)).toEqual([...EVALUATION_METRICS.multiclass]);
    expect(m.accuracy).toBeCloseTo(c.accuracy_score as number, 12);
    expect(m.logloss).toBeCloseTo(c.log_loss as number, 12);
    expect(m.auc).toBeCloseTo(c.roc_auc_ovr_macro as number, 12);
    expect(m.auc).toBe(rocAucScore(c.y_true, proba));
    expect(m.top2_accuracy).toBe(topKAccuracyScore(c.y_true, proba));
    expect(m.f1_macro).toBeCloseTo(c.f1_macro as number, 12);
    expect(m.f1_weighted).toBe(f1Score(c.y_true, c.y_pred!, { average: 'weighted' }));
  });

  it('returns the regression keys', () => {
    const c = byName('regression_random_100');
    const m = evaluate('regression', c.y_true, c.y_pred!, null);
    expect(Object.keys(m)).toEqual([...EVALUATION_METRICS.regression]);
    expect(m.rmse).toBeCloseTo(c.root_mean_squared_error as number, 12);
    expect(m.r2).toBeCloseTo(c.r2_score as number, 12);
    expect(m.mape).toBeCloseTo(c.mean_absolute_percentage_error as number, 12);
    expect(m.median_ae).toBe(medianAbsoluteError(c.y_true, c.y_pred!));
  });

  it('knows which direction is better and refuses a task that does not fit the classes', () => {
    expect(metricGoal('validation.auc')).toBe('maximize');
    expect(metricGoal('logloss')).toBe('minimize');
    expect(metricGoal('rmse')).toBe('minimize');
    let e: unknown = null;
    try {
      evaluate('binary', [0, 1], [0.2, 0.7], ['a', 'b', 'c']);
    } catch (error) {
      e = error;
    }
    expect(isKeelError(e, 'KEEL_INVALID_ARGUMENT')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  averagePrecisionScore,
  balancedAccuracyScore,
  brierScoreLoss,
  confusionMatrix,
  explainedVarianceScore,
  f1Score,
  logLoss,
  matthewsCorrcoef,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  precisionScore,
  r2Score,
  recallScore,
  rocAucScore,
  rocCurve,
  rootMeanSquaredError,
  topKAccuracyScore,
} from '../../../src/learn/index.js';
import { checkExpected, readOracle } from '../oracle-json.js';

// Every number below comes from scikit-learn 1.2.1: metrics_oracles.json is ../shared/oracles/metrics
// (see test/fixtures/oracles/README.md); each case and each metric in it is checked.

interface OracleCase {
  readonly name: string;
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly [key: string]: unknown;
}

const INPUT_KEYS = new Set([
  'name',
  'task',
  'note',
  'y_true',
  'y_score',
  'y_proba',
  'y_pred',
  'threshold',
  'y_pred_rule',
  'sample_weight',
  'confusion_matrix_layout',
]);

const flat = (rows: number[][]): number[] => rows.flat();
type Metric = (c: OracleCase) => unknown;

function binaryMetrics(c: OracleCase): Record<string, Metric> {
  const y = c.y_true as number[];
  const s = c.y_score as number[];
  const t = c.threshold as number;
  const p = s.map((v) => (v >= t ? 1 : 0));
  const o = c.sample_weight ? { sampleWeight: c.sample_weight as number[] } : {};
  return {
    roc_auc_score: () => rocAucScore(y, s, o),
    average_precision_score: () => averagePrecisionScore(y, s, o),
    log_loss: () => logLoss(y, s, o),
    brier_score_loss: () => brierScoreLoss(y, s, o),
    accuracy_score: () => accuracyScore(y, p, o),
    balanced_accuracy_score: () => balancedAccuracyScore(y, p, o),
    precision_score: () => precisionScore(y, p, o),
    recall_score: () => recallScore(y, p, o),
    f1_score: () => f1Score(y, p, o),
    matthews_corrcoef: () => matthewsCorrcoef(y, p, o),
    confusion_matrix: () => confusionMatrix(y, p, { ...o, labels: [0, 1] }).matrix,
    roc_curve: () => rocCurve(y, s, o),
    precision_recall_curve: () => precisionRecallCurve(y, s, o),
  };
}

function multiclassMetrics(c: OracleCase): Record<string, Metric> {
  const y = c.y_true as number[];
  const proba = flat(c.y_proba as number[][]);
  const p = c.y_pred as number[];
  const prf = (average: 'macro' | 'micro' | 'weighted') => precisionRecallFscoreSupport(y, p, { average });
  const perClass = precisionRecallFscoreSupport(y, p, { perClass: true });
  return {
    accuracy_score: () => accuracyScore(y, p),
    log_loss: () => logLoss(y, proba),
    roc_auc_ovr_macro: () => rocAucScore(y, proba, { multiClass: 'ovr', average: 'macro' }),
    roc_auc_ovr_weighted: () => rocAucScore(y, proba, { multiClass: 'ovr', average: 'weighted' }),
    roc_auc_ovo_macro: () => rocAucScore(y, proba, { multiClass: 'ovo', average: 'macro' }),
    confusion_matrix: () => confusionMatrix(y, p).matrix,
    top_2_accuracy: () => topKAccuracyScore(y, proba, { k: 2 }),
    precision_macro: () => prf('macro').precision,
    recall_macro: () => prf('macro').recall,
    f1_macro: () => prf('macro').fscore,
    precision_micro: () => prf('micro').precision,
    recall_micro: () => prf('micro').recall,
    f1_micro: () => prf('micro').fscore,
    precision_weighted: () => prf('weighted').precision,
    recall_weighted: () => prf('weighted').recall,
    f1_weighted: () => f1Score(y, p, { average: 'weighted' }),
    precision_per_class: () => perClass.precision,
    recall_per_class: () => perClass.recall,
    f1_per_class: () => perClass.fscore,
  };
}

function regressionMetrics(c: OracleCase): Record<string, Metric> {
  const y = c.y_true as number[];
  const p = c.y_pred as number[];
  return {
    r2_score: () => r2Score(y, p),
    mean_absolute_error: () => meanAbsoluteError(y, p),
    mean_squared_error: () => meanSquaredError(y, p),
    root_mean_squared_error: () => rootMeanSquaredError(y, p),
    median_absolute_error: () => medianAbsoluteError(y, p),
    explained_variance_score: () => explainedVarianceScore(y, p),
    mean_absolute_percentage_error: () => meanAbsolutePercentageError(y, p),
    max_error: () => maxError(y, p),
  };
}

const oracle = readOracle<{ cases: OracleCase[] }>('oracles/metrics_oracles.json');

describe('metrics equal scikit-learn 1.2.1 on every oracle case', () => {
  it('has the 14 documented cases', () => {
    expect(oracle.cases).toHaveLength(14);
  });

  for (const c of oracle.cases) {
    it(`${c.name}: every metric`, () => {
      const metrics =
        c.task === 'binary'
          ? binaryMetrics(c)
          : c.task === 'multiclass'
            ? multiclassMetrics(c)
            : regressionMetrics(c);
      const names = Object.keys(c).filter((k) => !INPUT_KEYS.has(k));
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) {
        const metric = metrics[name];
        expect(metric, `${c.name}: no Keel metric mapped for oracle key "${name}"`).toBeDefined();
        checkExpected(`${c.name}.${name}`, () => metric!(c), c[name]);
      }
    });
  }
});

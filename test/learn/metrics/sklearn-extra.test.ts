import { describe, expect, it } from 'vitest';
import {
  accuracyScore,
  averagePrecisionScore,
  balancedAccuracyScore,
  brierScoreLoss,
  confusionMatrix,
  explainedVarianceScore,
  logLoss,
  matthewsCorrcoef,
  maxError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  medianAbsoluteError,
  type PrfOptions,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  r2Score,
  rocAucScore,
  rocCurve,
  rootMeanSquaredError,
  topKAccuracyScore,
} from '../../../src/learn/index.js';
import { checkExpected, readOracle } from '../oracle-json.js';

// metrics_extra.json was generated once with scikit-learn 1.2.1 by test/fixtures/oracles/make_metrics_extra.py:
// weights (including zeros), tied scores, zero_division, micro / one-vs-one averages and errors.

interface Call {
  readonly fn: string;
  readonly kwargs: Record<string, unknown>;
  readonly value: unknown;
  /** The call's own (y_true, second argument) when they differ from the case's. */
  readonly inputs?: [number[], number[] | number[][]];
}
interface ExtraCase {
  readonly name: string;
  readonly y_true: number[];
  readonly y_score?: number[];
  readonly y_proba?: number[][];
  readonly y_pred: number[];
  readonly calls: Call[];
}

function prfOptions(kw: Record<string, unknown>): PrfOptions {
  const zd = kw.zero_division;
  return {
    ...(kw.sample_weight ? { sampleWeight: kw.sample_weight as number[] } : {}),
    ...(kw.average ? { average: kw.average as PrfOptions['average'] & string } : {}),
    ...(zd === 1 ? { zeroDivision: 1 as const } : {}),
    ...(kw.labels ? { labels: kw.labels as number[] } : {}),
    ...(kw.beta !== undefined ? { beta: kw.beta as number } : {}),
  };
}

/** Runs the Keel metric matching one scikit-learn call (the inputs come from the case). */
function run(c: ExtraCase, call: Call): unknown {
  const kw = call.kwargs;
  const own = call.inputs;
  const y = own ? own[0] : c.y_true;
  const second = own ? (own[1] as number[] | number[][]).flat() : null;
  const score = second ?? (c.y_proba ? c.y_proba.flat() : (c.y_score ?? []));
  const w = kw.sample_weight ? { sampleWeight: kw.sample_weight as number[] } : {};
  const labels = kw.labels ? { labels: kw.labels as number[] } : {};
  const pred = second ?? c.y_pred;
  const prf = (key: 'precision' | 'recall' | 'fscore') => {
    const r = precisionRecallFscoreSupport(y, pred, prfOptions(kw));
    return r[key];
  };
  switch (call.fn) {
    case 'roc_auc_score':
      return rocAucScore(y, score, {
        ...w,
        ...(kw.multi_class ? { multiClass: kw.multi_class as 'ovr' | 'ovo' } : {}),
        ...(kw.average ? { average: kw.average as 'macro' } : {}),
      });
    case 'average_precision_score':
      return averagePrecisionScore(y, score, w);
    case 'log_loss':
      return logLoss(y, score, { ...w, ...labels });
    case 'brier_score_loss':
      return brierScoreLoss(y, score, w);
    case 'roc_curve': {
      const r = rocCurve(y, score, { ...w, dropIntermediate: kw.drop_intermediate !== false });
      return [r.fpr, r.tpr, r.thresholds];
    }
    case 'precision_recall_curve': {
      const r = precisionRecallCurve(y, score, w);
      return [r.precision, r.recall, r.thresholds];
    }
    case 'accuracy_score':
      return accuracyScore(y, pred, w);
    case 'balanced_accuracy_score':
      return balancedAccuracyScore(y, pred, w);
    case 'matthews_corrcoef':
      return matthewsCorrcoef(y, pred, w);
    case 'confusion_matrix':
      return confusionMatrix(y, pred, { ...w, ...labels }).matrix;
    case 'precision_score':
      return prf('precision');
    case 'recall_score':
      return prf('recall');
    case 'f1_score':
    case 'fbeta_score':
      return prf('fscore');
    case 'precision_recall_fscore_support': {
      if (kw.average === null) {
        const r = precisionRecallFscoreSupport(y, pred, { ...prfOptions(kw), perClass: true });
        return [r.precision, r.recall, r.fscore, r.support];
      }
      const r = precisionRecallFscoreSupport(y, pred, prfOptions(kw));
      return [r.precision, r.recall, r.fscore, r.support];
    }
    case 'top_k_accuracy_score':
      return topKAccuracyScore(y, score, { ...w, k: kw.k as number });
    case 'r2_score':
      return r2Score(y, pred, w);
    case 'explained_variance_score':
      return explainedVarianceScore(y, pred, w);
    case 'mean_absolute_error':
      return meanAbsoluteError(y, pred, w);
    case 'mean_squared_error':
      return kw.squared === false ? rootMeanSquaredError(y, pred, w) : meanSquaredError(y, pred, w);
    case 'mean_absolute_percentage_error':
      return meanAbsolutePercentageError(y, pred, w);
    case 'median_absolute_error':
      return medianAbsoluteError(y, pred, w);
    case 'max_error':
      return maxError(y, pred);
    default:
      throw new Error(`no Keel metric mapped for ${call.fn}`);
  }
}

const extra = readOracle<{ cases: ExtraCase[] }>('oracles/metrics_extra.json');

describe('metrics equal scikit-learn 1.2.1 on the extra cases (weights, ties, zero_division)', () => {
  for (const c of extra.cases) {
    it(`${c.name}: ${c.calls.length} calls`, () => {
      expect(c.calls.length).toBeGreaterThan(5);
      c.calls.forEach((call, i) => {
        const { sample_weight: _w, ...shown } = call.kwargs;
        checkExpected(`${c.name}#${i} ${call.fn}(${JSON.stringify(shown)})`, () => run(c, call), call.value);
      });
    });
  }
});

// The evaluation gate (TFMA semantics) and the shadow / canary analyses, as pure functions.
import { describe, expect, it } from 'vitest';
import {
  analyzeCanary,
  analyzeShadow,
  defineLearningPolicy,
  evaluateGate,
  type LearningPolicyOptions,
  type QualityObservation,
} from '../../../src/pipelines/index.js';

const policy = (over: Partial<LearningPolicyOptions> = {}) =>
  defineLearningPolicy({
    deployment: 'fraud',
    target: 'y',
    triggers: { labels: { count: 1 } },
    data: { file: 'x.csv' },
    training: { train: {} },
    gate: { metrics: { auc: { min: 0.8 }, logloss: { max: 0.3 } }, improvement: { auc: 0.01, logloss: 0 } },
    rollout: {
      shadow: { duration: '30m', minRequests: 100, minLabelAgreement: 0.9, maxMeanAbsDiff: 0.1 },
      canary: { steps: [10, 100], interval: '10m', minRequests: 50 },
      bounds: { quality: { metric: 'auc', maxDrop: 0.02, minLabels: 100 } },
    },
    ...over,
  });

describe('evaluateGate', () => {
  const gate = policy().gate;

  it('blesses only when every bound and improvement passes, in each metric’s better direction', () => {
    const ok = evaluateGate(gate, { auc: 0.9, logloss: 0.2 }, { auc: 0.88, logloss: 0.25 });
    expect(ok.blessed).toBe(true);
    expect(ok.reasons).toEqual([]);
    expect(ok.checks.map((c) => [c.metric, c.kind, c.passed])).toEqual([
      ['auc', 'min', true],
      ['logloss', 'max', true],
      ['auc', 'improvement', true],
      ['logloss', 'improvement', true],
    ]);
    expect(ok.checks[2]).toMatchObject({ value: 0.9, champion: 0.88, bound: 0.01 });
    expect(ok.checks[2]!.gain).toBeCloseTo(0.02, 12);
    // logloss 0.25 → 0.2 is a gain of 0.05 (lower is better).
    expect(ok.checks[3]!.gain).toBeCloseTo(0.05, 12);

    const small = evaluateGate(gate, { auc: 0.885, logloss: 0.26 }, { auc: 0.88, logloss: 0.25 });
    expect(small.blessed).toBe(false);
    expect(small.reasons).toEqual([
      'auc 0.885 vs champion 0.88: better by 0.005 (< 0.01 required)',
      'logloss 0.26 vs champion 0.25: worse by 0.01 (< 0 required)',
    ]);

    const low = evaluateGate(gate, { auc: 0.79, logloss: 0.31 }, null);
    expect(low.blessed).toBe(false);
    expect(low.reasons).toEqual(['auc 0.79 < min 0.8', 'logloss 0.31 > max 0.3']);
    // Without a champion the improvements pass (nothing to beat) and say so.
    expect(
      low.checks
        .filter((c) => c.kind === 'improvement')
        .every((c) => c.passed && /no champion/.test(c.detail)),
    ).toBe(true);
  });

  it('fails a check whose metric the task does not report', () => {
    const out = evaluateGate(gate, { rmse: 1 }, { rmse: 2 });
    expect(out.blessed).toBe(false);
    expect(out.reasons[0]).toBe('auc is not reported for this model (known: rmse)');
  });
});

const serving = (requests: number, errors: number | null, p99Ms: number | null) => ({
  requests,
  errors,
  p99Ms,
});
const q = (
  version: number,
  labelled: number,
  auc: number,
  estimated: number | null = null,
): QualityObservation => ({
  version,
  predictions: 1000,
  labelled,
  metrics: { auc },
  estimated: estimated === null ? null : { auc: estimated },
});

describe('analyzeCanary', () => {
  const r = policy().rollout;
  const healthy = {
    elapsedMs: 600_000,
    champion: serving(900, 1, 2),
    challenger: serving(100, 0, 2.5),
    quality: { champion: q(1, 500, 0.9), challenger: q(2, 120, 0.895) },
  };

  it('passes when traffic, time, error rate, p99 and realised quality are within bounds', () => {
    const v = analyzeCanary(r, healthy);
    expect(v.outcome).toBe('pass');
    expect(v.checks.map((c) => [c.name, c.passed])).toEqual([
      ['duration', true],
      ['traffic', true],
      ['error_rate', true],
      ['latency_p99', true],
      ['quality', true],
    ]);
    expect(v.checks[4]).toMatchObject({ source: 'labels', challenger: 0.895, champion: 0.9 });
  });

  it('waits for time and for traffic; a failure needs enough traffic but not the full interval', () => {
    expect(analyzeCanary(r, { ...healthy, elapsedMs: 300_000 })).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('300 s of 600 s'),
    });
    expect(analyzeCanary(r, { ...healthy, challenger: serving(20, 20, 2) })).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('20 canary requests of 50 needed'),
    });
    const early = analyzeCanary(r, { ...healthy, elapsedMs: 60_000, challenger: serving(100, 10, 2) });
    expect(early.outcome).toBe('fail');
  });

  it('rolls back on error rate above the champion’s by more than the bound', () => {
    const v = analyzeCanary(r, { ...healthy, challenger: serving(100, 3, 2) });
    expect(v.outcome).toBe('fail');
    expect(v.reason).toBe('error rate 0.03 vs champion 0.001111 (> +0.01)');
    expect(v.checks.find((c) => c.name === 'error_rate')).toMatchObject({
      passed: false,
      challenger: 0.03,
      bound: 0.01,
    });
  });

  it('rolls back on p99 latency beyond the ratio and slack, or above the ceiling', () => {
    const slow = analyzeCanary(r, {
      ...healthy,
      champion: serving(900, 0, 10),
      challenger: serving(100, 0, 20),
    });
    expect(slow).toMatchObject({
      outcome: 'fail',
      reason: 'p99 20 ms vs champion 10 ms: more than ×1.5 and +5 ms',
    });
    // Tiny latencies: a 3× ratio within 5 ms is noise, not a regression.
    expect(
      analyzeCanary(r, { ...healthy, champion: serving(900, 0, 0.02), challenger: serving(100, 0, 0.06) })
        .outcome,
    ).toBe('pass');
    const ceiling = analyzeCanary(r, {
      ...healthy,
      champion: serving(900, 0, 600),
      challenger: serving(100, 0, 601),
    });
    expect(ceiling).toMatchObject({
      outcome: 'fail',
      reason: expect.stringContaining('above the 500 ms ceiling'),
    });
  });

  it('judges quality on labels, else CBPE, else waits; and rolls back on a drop', () => {
    const drop = analyzeCanary(r, {
      ...healthy,
      quality: { champion: q(1, 500, 0.9), challenger: q(2, 150, 0.85) },
    });
    expect(drop).toMatchObject({
      outcome: 'fail',
      reason: 'auc 0.85 vs champion 0.9 (realised): worse by 0.05 (> 0.02 allowed)',
    });
    const estimated = analyzeCanary(r, {
      ...healthy,
      quality: { champion: q(1, 500, 0.9, 0.91), challenger: q(2, 10, 0.5, 0.905) },
    });
    expect(estimated.outcome).toBe('pass');
    expect(estimated.checks[4]).toMatchObject({ source: 'cbpe', challenger: 0.905, champion: 0.91 });
    const none = analyzeCanary(r, {
      ...healthy,
      quality: { champion: q(1, 500, 0.9), challenger: q(2, 10, 0.5) },
    });
    expect(none).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('10 and 500 labelled predictions'),
    });
  });

  it('skips error rates this process does not observe (the CLI reads the log)', () => {
    const v = analyzeCanary(r, {
      ...healthy,
      champion: serving(900, null, 2),
      challenger: serving(100, null, 2),
    });
    expect(v.outcome).toBe('pass');
    expect(v.checks.find((c) => c.name === 'error_rate')).toMatchObject({
      passed: null,
      detail: 'error rate not observed by this process',
    });
  });
});

describe('analyzeShadow', () => {
  const r = policy().rollout;
  const shadow = {
    requests: 300,
    errors: 0,
    p99Ms: 3,
    primaryP99Ms: 2.5,
    labelAgreement: 0.97,
    meanAbsDiff: 0.03,
  };

  it('passes after the period with enough mirrored requests and agreement', () => {
    const v = analyzeShadow(r, { elapsedMs: 1_800_000, champion: serving(300, 0, 2.5), shadow });
    expect(v.outcome).toBe('pass');
    expect(v.checks.map((c) => c.name)).toEqual([
      'duration',
      'traffic',
      'error_rate',
      'latency_p99',
      'label_agreement',
      'mean_abs_diff',
    ]);
  });

  it('fails on shadow errors, disagreement or output differences; waits without observations', () => {
    const base = { elapsedMs: 1_800_000, champion: serving(300, 0, 2.5) };
    expect(analyzeShadow(r, { ...base, shadow: { ...shadow, errors: 30 } })).toMatchObject({
      outcome: 'fail',
      reason: 'error rate 0.1 vs champion 0 (> +0.01)',
    });
    expect(analyzeShadow(r, { ...base, shadow: { ...shadow, labelAgreement: 0.8 } })).toMatchObject({
      outcome: 'fail',
      reason: 'label agreement 0.8 (< 0.9)',
    });
    expect(analyzeShadow(r, { ...base, shadow: { ...shadow, meanAbsDiff: 0.2 } }).outcome).toBe('fail');
    expect(analyzeShadow(r, { ...base, shadow: { ...shadow, p99Ms: 40 } }).outcome).toBe('fail');
    expect(analyzeShadow(r, { ...base, shadow: null })).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('observed by the serving process only'),
    });
    expect(analyzeShadow(r, { ...base, elapsedMs: 60_000, shadow })).toMatchObject({ outcome: 'wait' });
  });
});

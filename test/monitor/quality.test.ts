import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { evaluate } from '../../src/learn/index.js';
import {
  chooseCalibrator,
  computeLiveQuality,
  estimateCbpe,
  expectedCalibrationError,
  FeedbackRecorder,
  feedbackSink,
  fitIsotonic,
  logFrame,
  type PredictionLogEntry,
  parseFeedback,
  writeLabels,
  writePartitioned,
} from '../../src/monitor/index.js';
import { MemoryStreamStore, type ModelSignature } from '../../src/storage/index.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 4, 1, 12);
const BINARY: ModelSignature = {
  kind: 'columns',
  inputs: [],
  outputs: [],
  classes: ['no', 'yes'],
  task: 'binary',
};
const REGRESSION: ModelSignature = { kind: 'columns', inputs: [], outputs: [], task: 'regression' };

function binaryEntry(
  i: number,
  version: number,
  p: number,
  at = T0 + i * 1000,
): PredictionLogEntry & { requestId: string } {
  return {
    requestId: `b${version}-${i}`,
    at,
    deployment: 'd',
    model: 'churn',
    version,
    variant: null,
    records: [{ x: i }],
    outputs: [{ label: p >= 0.5 ? 'yes' : 'no', probability: p, probabilities: { no: 1 - p, yes: p } }],
    rows: 1,
    cached: false,
    latencyUs: 10,
  };
}

describe('feedback labels', () => {
  it('accepts one label, arrays and { labels } bodies; rejects wrong types all or nothing, with reasons', () => {
    expect(parseFeedback({ request_id: 'a', label: 'yes' }, 5)).toEqual([
      { requestId: 'a', row: 0, label: 'yes', receivedAt: 5 },
    ]);
    expect(parseFeedback({ labels: [{ request_id: 'a', label: 1, row: 2 }] }, 5)[0]).toMatchObject({
      row: 2,
      label: 1,
    });
    const bad = (body: unknown, expect?: Parameters<typeof parseFeedback>[2]) => {
      try {
        parseFeedback(body, 0, expect);
      } catch (error) {
        return error as {
          code: string;
          message: string;
          details: { problems: { index: number; reason: string }[] };
        };
      }
      throw new Error('expected a rejection');
    };
    const e = bad([
      { request_id: 'a', label: 'yes' },
      { request_id: 'b', label: { nested: 1 } },
      { label: 1 },
    ]);
    expect(e.code).toBe('KEEL_MONITOR_BAD_FEEDBACK');
    expect(e.details.problems.map((p) => p.index)).toEqual([1, 2]);
    expect(e.details.problems[0]!.reason).toContain('label must be a string, number or boolean');
    expect(bad({ request_id: 'a', label: Number.NaN }).details.problems[0]!.reason).toContain('finite');
    expect(
      bad({ request_id: 'a', label: 'maybe' }, { task: 'binary', classes: ['no', 'yes'] }).message,
    ).toContain('not a class');
    expect(bad({ request_id: 'a', label: 'high' }, { task: 'regression' }).message).toContain(
      'must be a number',
    );
    expect(bad([]).code).toBe('KEEL_MONITOR_BAD_FEEDBACK');
  });

  it('records labels through the stream; the label sink writes them by day of receipt', async () => {
    const root = tempDir();
    const clock = new ManualClock(T0);
    const stream = new MemoryStreamStore(clock);
    const recorder = new FeedbackRecorder({
      stream,
      clock,
      expectationFor: async (m) => (m === 'churn' ? { task: 'binary', classes: ['no', 'yes'] } : null),
    });
    expect(await recorder.record({ model: 'churn', labels: [{ request_id: 'x', label: 'yes' }] })).toEqual({
      accepted: 1,
    });
    await expect(
      recorder.record({ model: 'churn', request_id: 'x', label: 'perhaps' }),
    ).rejects.toMatchObject({
      code: 'KEEL_MONITOR_BAD_FEEDBACK',
    });
    const sink = feedbackSink({ stream, offline: root, clock });
    await sink.drain();
    expect(sink.stats.rowsWritten).toBe(1);
  });
});

describe('live quality from delayed labels', () => {
  it('joins labels to logged predictions per version and equals learn evaluate on the same rows', async () => {
    const offline = tempDir();
    const probs = [0.9, 0.2, 0.7, 0.4, 0.8, 0.1, 0.6, 0.3, 0.95, 0.05];
    const truth = ['yes', 'no', 'no', 'no', 'yes', 'no', 'yes', 'yes', 'yes', 'no'];
    const v1 = probs.map((p, i) => binaryEntry(i, 1, p));
    const v2 = probs.map((p, i) => binaryEntry(i, 2, 1 - p));
    // A duplicate delivery of one entry must not count twice.
    await writePartitioned(logFrame([...v1, ...v2, v1[0]!]), {
      timeColumn: 'ts',
      offline,
      dataset: 'prediction_log',
      stamp: 'a',
    });
    const labels = parseFeedback(
      [
        ...truth.slice(0, 8).map((label, i) => ({ request_id: `b1-${i}`, label })),
        ...truth.map((label, i) => ({ request_id: `b2-${i}`, label })),
        { request_id: 'b1-8', label: 'perhaps' },
        { request_id: 'ghost-1', label: 'yes' },
        { request_id: 'ghost-2', label: 'no' },
      ],
      T0 + 60_000,
    );
    // A later label for the same request wins.
    await writeLabels(offline, labels, { now: T0 + 60_000 });
    await writeLabels(offline, parseFeedback({ request_id: 'b1-0', label: 'no' }, T0 + 120_000), {
      now: T0 + 120_000,
    });
    const report = await computeLiveQuality({
      offline,
      model: 'churn',
      fromMs: T0,
      toMs: T0 + 86_400_000,
      signatureOf: async () => BINARY,
    });
    expect(report.unmatchedLabels).toBe(2);
    const [q1, q2] = report.versions;
    expect(q1).toMatchObject({
      version: 1,
      task: 'binary',
      predictions: 10,
      labelled: 8,
      invalidLabels: 1,
      coverage: 0.8,
    });
    const y1 = truth.slice(0, 8).map((t, i) => (i === 0 ? 0 : t === 'yes' ? 1 : 0));
    expect(q1!.metrics).toEqual(
      evaluate('binary', Float64Array.from(y1), Float64Array.from(probs.slice(0, 8)), ['no', 'yes']),
    );
    expect(q2).toMatchObject({ version: 2, labelled: 10, coverage: 1 });
    const y2 = truth.map((t) => (t === 'yes' ? 1 : 0));
    expect(q2!.metrics.auc).toBeCloseTo(
      evaluate('binary', Float64Array.from(y2), Float64Array.from(probs.map((p) => 1 - p)), ['no', 'yes'])
        .auc!,
      12,
    );
    expect(q1!.estimated?.method).toBe('cbpe');
    expect(q1!.estimated?.rows).toBe(10);
  });

  it('computes regression quality from numeric labels and ignores predictions outside the window', async () => {
    const offline = tempDir();
    const entries = [3, 5, 8].map((v, i) => ({
      ...binaryEntry(i, 1, 0.5),
      model: 'price',
      requestId: `p${i}`,
      outputs: [{ value: v }],
      at: T0 + i * 1000,
    }));
    const late = { ...entries[0]!, requestId: 'p-late', at: T0 + 3 * 86_400_000 };
    await writePartitioned(logFrame([...entries, late]), {
      timeColumn: 'ts',
      offline,
      dataset: 'prediction_log',
      stamp: 'a',
    });
    await writeLabels(
      offline,
      parseFeedback(
        [4, 5, 6, 1].map((label, i) => ({ request_id: i < 3 ? `p${i}` : 'p-late', label })),
        T0 + 5000,
      ),
      { now: T0 + 5000 },
    );
    const report = await computeLiveQuality({
      offline,
      model: 'price',
      fromMs: T0,
      toMs: T0 + 86_400_000,
      signatureOf: async () => REGRESSION,
    });
    const q = report.versions[0]!;
    expect(q).toMatchObject({ task: 'regression', predictions: 3, labelled: 3, estimated: null });
    expect(q.metrics.mae).toBeCloseTo(1, 12);
    expect(q.metrics.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});

describe('CBPE (estimated quality without labels)', () => {
  it('matches NannyML formulas on a worked example (reference values computed with numpy)', () => {
    const est = estimateCbpe([0.9, 0.8, 0.3, 0.1, 0.65, 0.45]);
    expect(est.confusion.tp).toBeCloseTo(2.35, 12);
    expect(est.confusion.fp).toBeCloseTo(0.65, 12);
    expect(est.confusion.fn).toBeCloseTo(0.85, 12);
    expect(est.confusion.tn).toBeCloseTo(2.15, 12);
    expect(est.metrics.accuracy).toBeCloseTo(0.75, 12);
    expect(est.metrics.precision).toBeCloseTo(0.7833333333333333, 12);
    expect(est.metrics.recall).toBeCloseTo(0.734375, 12);
    expect(est.metrics.f1).toBeCloseTo(0.7580645161290323, 12);
    expect(est.metrics.auc).toBeCloseTo(0.8180836942, 9);
    expect(est.calibrated).toBe(false);
  });

  it('isotonic calibration equals scikit-learn 1.2.1 IsotonicRegression(out_of_bounds="clip")', () => {
    const x = [0.1, 0.2, 0.2, 0.35, 0.4, 0.5, 0.55, 0.7, 0.8, 0.9, 0.95];
    const y = [0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1];
    const cal = fitIsotonic(x, y);
    const q = [0.0, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6, 0.85, 0.95, 1.0];
    const sklearn = [
      0,
      0,
      0.1666666666666666,
      1 / 3,
      1 / 3,
      0.5,
      0.6666666666666666,
      0.8333333333333331,
      1,
      1,
    ];
    q.forEach((v, i) => {
      expect(cal(v)).toBeCloseTo(sklearn[i]!, 12);
    });
  });

  it('estimates accuracy close to the truth for calibrated scores, and calibrates overconfident ones', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const n = 4000;
    const p = Array.from({ length: n }, () => rand());
    const y = p.map((pi) => (rand() < pi ? 1 : 0));
    const truthAcc = y.filter((yi, i) => yi === (p[i]! >= 0.5 ? 1 : 0)).length / n;
    expect(Math.abs(estimateCbpe(p).metrics.accuracy! - truthAcc)).toBeLessThan(0.02);
    // Overconfident scores (pushed to the extremes) give a worse ECE; calibration brings it back.
    const over = p.map((pi) => (pi >= 0.5 ? 0.5 + (pi - 0.5) * 0.2 + 0.4 : pi * 0.2));
    expect(expectedCalibrationError(over, y)).toBeGreaterThan(0.1);
    const cal = chooseCalibrator(over, y, 0.8);
    expect(cal).not.toBeNull();
    const est = estimateCbpe(over, { calibrator: cal });
    expect(est.calibrated).toBe(true);
    expect(Math.abs(est.metrics.accuracy! - truthAcc)).toBeLessThan(0.03);
    expect(
      chooseCalibrator(
        p,
        y.map(() => 1),
        0.8,
      ),
    ).toBeNull();
  });
});

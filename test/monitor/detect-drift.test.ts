// Drift reports: Evidently's test choice, thresholds and comparisons, statuses, shares, snapshots.
import { describe, expect, it } from 'vitest';
import { categoricalColumn, Frame, isKeelError, numberColumn, textColumn } from '../../src/core/index.js';
import { type ColumnDrift, type DriftReport, detectDrift } from '../../src/monitor/index.js';
import { loadDriftOracle, readNumericSample, readSample } from './oracle-fixture.js';

// The closed-form inputs of the reference note's golden values (B.3), computed with SciPy 1.10.1.
const refNum = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 10);
const curNum = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => (((i * 104729) % 1000) / 10) * 1.1 + 3.0);
const repeat = (counts: Record<string, number>): string[] =>
  Object.entries(counts).flatMap(([k, n]) => Array.from({ length: n }, () => k));

function num(name: string, values: ArrayLike<number | null>): Frame {
  return Frame.fromColumns([numberColumn(name, values)]);
}
function cat(name: string, values: (string | null)[]): Frame {
  return Frame.fromColumns([categoricalColumn(name, values)]);
}
function only(report: DriftReport): ColumnDrift {
  expect(report.columns.length).toBe(1);
  return report.columns[0]!;
}
function rel(actual: number | null, expected: number, tol = 1e-9): void {
  expect(actual).not.toBeNull();
  if (!Number.isFinite(expected)) return void expect(actual).toBe(expected);
  expect(Math.abs(actual! - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(
    tol * Math.max(1, Math.abs(expected)),
  );
}
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('Evidently defaults and golden values', () => {
  it('numeric, reference > 1000 rows: normed Wasserstein, drift at >= 0.1', () => {
    const c = only(detectDrift(num('x', refNum(1200)), num('x', curNum(800))));
    expect(c.test).toBe('wasserstein');
    rel(c.distance, 0.27794149412013125);
    expect(c.threshold).toBe(0.1);
    expect(c.drifted).toBe(true);
    expect(c.pValue).toBeNull();
  });

  it('numeric, reference <= 1000 rows: exact two-sided KS', () => {
    const c = only(detectDrift(num('x', refNum(200)), num('x', curNum(150))));
    expect(c.test).toBe('ks');
    rel(c.statistic, 0.12833333333333333);
    rel(c.pValue, 0.11019633981100525, 1e-6);
    expect(c.drifted).toBe(false);
  });

  it('categorical with a category only in current data: chi-square p = 0, the new category named', () => {
    const ref = cat('c', repeat({ A: 500, B: 300, C: 150, D: 50 }));
    const cur = cat('c', repeat({ A: 380, B: 350, C: 200, D: 60, E: 10 }));
    const c = only(detectDrift(ref, cur));
    expect(c.test).toBe('chisquare');
    expect(c.statistic).toBe(Number.POSITIVE_INFINITY);
    expect(c.pValue).toBe(0);
    expect(c.drifted).toBe(true);
    expect(c.newCategories).toEqual(['E']);
    expect(c.uniqueValues).toBe(5);
    const all = only(detectDrift(ref, cur, { stattest: ['jensenshannon', 'psi'] }));
    rel(all.tests[0]!.distance, 0.10271968043989542);
    rel(all.tests[1]!.distance, 0.10243845950738487);
  });

  it('categorical without a new class: chi-square statistic and p-value', () => {
    const c = only(
      detectDrift(
        cat('c', repeat({ A: 500, B: 300, C: 150, D: 50 })),
        cat('c', repeat({ A: 380, B: 360, C: 200, D: 60 })),
      ),
    );
    rel(c.statistic, 59.46666666666667);
    rel(c.pValue, 7.641551331758745e-13, 1e-6);
    expect(c.newCategories).toEqual([]);
  });

  it('binary numeric column with <= 1000 rows: two-proportion Z-test', () => {
    const ref = num('b', [...Array(600).fill(0), ...Array(400).fill(1)]);
    const cur = num('b', [...Array(520).fill(0), ...Array(480).fill(1)]);
    const c = only(detectDrift(ref, cur));
    expect(c.test).toBe('z');
    rel(c.statistic, -3.6037498507822336);
    rel(c.pValue, 0.0003136589452559235, 1e-6);
    expect(c.drifted).toBe(true);
  });

  it('chooses by type, distinct values and reference size', () => {
    const pick = (ref: Frame, cur: Frame): string | null => only(detectDrift(ref, cur)).test;
    const ints = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => i % k);
    const labels = (n: number, k: number): string[] => Array.from({ length: n }, (_, i) => `v${i % k}`);
    expect(pick(num('x', ints(1000, 4)), num('x', ints(500, 4)))).toBe('chisquare');
    expect(pick(num('x', ints(1001, 4)), num('x', ints(500, 4)))).toBe('jensenshannon');
    expect(pick(num('x', ints(1001, 2)), num('x', ints(500, 2)))).toBe('jensenshannon');
    expect(pick(num('x', ints(1000, 6)), num('x', ints(500, 6)))).toBe('ks');
    expect(pick(num('x', ints(1001, 6)), num('x', ints(500, 6)))).toBe('wasserstein');
    expect(pick(cat('c', labels(800, 2)), cat('c', labels(300, 2)))).toBe('z');
    expect(pick(cat('c', labels(800, 3)), cat('c', labels(300, 3)))).toBe('chisquare');
    expect(pick(cat('c', labels(2000, 2)), cat('c', labels(300, 2)))).toBe('jensenshannon');
    // n_unique counts the union: 4 reference values + 2 new ones in current make 6 -> KS.
    expect(pick(num('x', ints(1000, 4)), num('x', ints(500, 6)))).toBe('ks');
  });
});

describe('oracle samples through the report', () => {
  const oracle = loadDriftOracle();
  const byName = Object.fromEntries(oracle.cases.map((c) => [c.name, c]));

  it('numeric: KS, PSI and Jensen–Shannon equal the oracle', () => {
    const c = byName.normal_shift!;
    const ref = num('v', readNumericSample(c.reference_file));
    const cur = num('v', readNumericSample(c.current_file));
    const col = only(detectDrift(ref, cur, { stattest: ['ks', 'psi', 'jensenshannon', 'wasserstein'] }));
    const [ks, psi, js, w] = col.tests;
    const oks = (c.ks_2samp as Record<string, { statistic: number; pvalue: number }>).auto!;
    rel(ks!.statistic, oks.statistic);
    rel(ks!.pValue, oks.pvalue, 1e-6);
    rel(psi!.distance, (c.psi as { value: number }).value);
    rel(js!.distance, (c.jensenshannon_on_psi_bins as { base_e: number }).base_e);
    rel(w!.statistic, c.wasserstein_distance as number);
    expect(col.drifted).toBe(true);
  });

  it('categorical: contingency tests, PSI, JS and the unseen category', () => {
    const c = byName.cat_unseen!;
    const ref = cat('v', readSample(c.reference_file));
    const cur = cat('v', readSample(c.current_file));
    const col = only(
      detectDrift(ref, cur, { stattest: ['chi2_contingency', 'g_test', 'psi', 'jensenshannon'] }),
    );
    const chi = c.chi2_contingency as Record<string, { statistic: number; pvalue: number }>;
    rel(col.tests[0]!.statistic, chi.correction_true!.statistic);
    rel(col.tests[0]!.pValue, chi.correction_true!.pvalue, 1e-6);
    rel(col.tests[1]!.statistic, chi.g_test_log_likelihood_correction_false!.statistic);
    rel(col.tests[2]!.distance, (c.psi as { value: number }).value);
    rel(col.tests[3]!.distance, (c.jensenshannon as { base_e: number }).base_e);
    expect(col.newCategories).toEqual(c.unseen_in_reference);
  });
});

describe('verdicts, statuses and shares', () => {
  it('compares as Evidently: KS drifts at p <= t, chi-square only at p < t', () => {
    const ref = num('x', refNum(200));
    const cur = num('x', curNum(150));
    const p = only(detectDrift(ref, cur)).pValue!;
    expect(only(detectDrift(ref, cur, { threshold: p })).drifted).toBe(true);
    const cref = cat('c', repeat({ A: 50, B: 30, C: 20 }));
    const ccur = cat('c', repeat({ A: 40, B: 35, C: 25 }));
    const cp = only(detectDrift(cref, ccur)).pValue!;
    expect(only(detectDrift(cref, ccur, { threshold: cp })).drifted).toBe(false);
    expect(only(detectDrift(cref, ccur, { threshold: cp * 1.000001 })).drifted).toBe(true);
  });

  it('never reports drift for a window that is too small', () => {
    const ref = num('x', refNum(500));
    const cur = num(
      'x',
      Array.from({ length: 20 }, (_, i) => 1000 + i),
    );
    const report = detectDrift(ref, cur);
    const c = only(report);
    expect(c.status).toBe('not_enough_data');
    expect(c.drifted).toBe(false);
    expect(c.test).toBeNull();
    expect(c.reason).toContain('30');
    expect(report.testedColumns).toBe(0);
    expect(report.datasetDrift).toBe(false);
    expect(only(detectDrift(ref, cur, { minRows: 20 })).drifted).toBe(true);
  });

  it('drops missing values before testing and reports the missing-share change on its own', () => {
    const ref = refNum(1000).map((v, i) => (i % 10 === 0 ? null : v));
    const cur = refNum(1000).map((v, i) =>
      i % 10 < 3 ? Number.NaN : i % 10 === 3 ? Number.POSITIVE_INFINITY : v,
    );
    const c = only(detectDrift(num('x', ref), num('x', cur)));
    expect(c.referenceSize).toBe(900);
    expect(c.currentSize).toBe(600);
    rel(c.referenceMissingShare, 0.1);
    rel(c.currentMissingShare, 0.4);
    rel(c.missingShareChange, 0.3);
    expect(c.drifted).toBe(false);
  });

  it('declares dataset drift when the drifted share reaches driftShare', () => {
    const steady = refNum(300);
    const ref = Frame.fromColumns([
      numberColumn('a', steady),
      numberColumn('b', steady),
      numberColumn('c', steady),
      numberColumn('d', steady),
    ]);
    const cur = Frame.fromColumns([
      numberColumn('a', curNum(300)),
      numberColumn(
        'b',
        curNum(300).map((v) => v + 50),
      ),
      numberColumn('c', steady),
      numberColumn('d', steady),
    ]);
    const report = detectDrift(ref, cur);
    expect(report.columns.map((c) => c.drifted)).toEqual([true, true, false, false]);
    expect(report.shareOfDriftedColumns).toBe(0.5);
    expect(report.datasetDrift).toBe(true);
    expect(detectDrift(ref, cur, { driftShare: 0.6 }).datasetDrift).toBe(false);
  });

  it('reports the prediction column separately from the feature share', () => {
    const ref = Frame.fromColumns([numberColumn('a', refNum(300)), numberColumn('score', refNum(300))]);
    const cur = Frame.fromColumns([numberColumn('a', refNum(300)), numberColumn('score', curNum(300))]);
    const report = detectDrift(ref, cur, { predictionColumn: 'score' });
    expect(report.columns.map((c) => c.column)).toEqual(['a']);
    expect(report.predictionDrift?.column).toBe('score');
    expect(report.predictionDrift?.drifted).toBe(true);
    expect(report.datasetDrift).toBe(false);
  });

  it("runs every applicable test with 'all', the default test deciding", () => {
    const c = only(detectDrift(num('x', refNum(1200)), num('x', curNum(800)), { stattest: 'all' }));
    expect(c.tests.map((t) => t.test)).toEqual(['wasserstein', 'ks', 'psi', 'jensenshannon']);
    const k = only(
      detectDrift(cat('c', repeat({ A: 50, B: 50 })), cat('c', repeat({ A: 40, B: 60 })), {
        stattest: 'all',
      }),
    );
    expect(k.tests.map((t) => t.test)).toEqual([
      'z',
      'psi',
      'jensenshannon',
      'chisquare',
      'chi2_contingency',
      'g_test',
    ]);
  });

  it('applies per-column overrides and rejects tests that do not apply', () => {
    const ref = Frame.fromColumns([
      numberColumn('x', refNum(300)),
      categoricalColumn('c', repeat({ A: 150, B: 150 })),
    ]);
    const cur = Frame.fromColumns([
      numberColumn('x', curNum(300)),
      categoricalColumn('c', repeat({ A: 140, B: 160 })),
    ]);
    const r = detectDrift(ref, cur, { stattest: 'ks', perColumn: { x: { stattest: 'psi', threshold: 5 } } });
    expect(r.columns[0]!.test).toBe('psi');
    expect(r.columns[0]!.threshold).toBe(5);
    expect(r.columns[0]!.drifted).toBe(false);
    expect(r.columns[1]!.test).toBe('z'); // the global 'ks' does not apply to a categorical column
    const e = thrown(() => detectDrift(ref, cur, { perColumn: { c: { stattest: 'ks' } } }));
    expect(isKeelError(e, 'KEEL_INVALID_ARGUMENT')).toBe(true);
    expect((e as Error).message).toContain('Column "c"');
  });

  it('skips text columns and columns whose type changed, and lists one-sided columns', () => {
    const ref = Frame.fromColumns([
      textColumn('t', Array(40).fill('hello')),
      numberColumn('n', refNum(40)),
      numberColumn('gone', refNum(40)),
    ]);
    const cur = Frame.fromColumns([
      textColumn('t', Array(40).fill('bye')),
      categoricalColumn('n', Array(40).fill('x')),
      numberColumn('new', refNum(40)),
    ]);
    const r = detectDrift(ref, cur);
    expect(r.columns.map((c) => [c.column, c.status])).toEqual([
      ['t', 'skipped'],
      ['n', 'skipped'],
    ]);
    expect(r.columns[1]!.reason).toContain('type changed');
    expect(r.onlyInReference).toEqual(['gone']);
    expect(r.onlyInCurrent).toEqual(['new']);
    expect(r.testedColumns).toBe(0);
  });

  it('counts missing categories as "__missing__" on request', () => {
    const ref = cat('c', [...repeat({ A: 50, B: 50 }), ...Array(10).fill(null)]);
    const cur = cat('c', [...repeat({ A: 50, B: 50 }), ...Array(60).fill(null)]);
    expect(only(detectDrift(ref, cur)).drifted).toBe(false);
    const c = only(detectDrift(ref, cur, { categoricalMissing: 'category' }));
    expect(c.newCategories).toEqual([]);
    expect(c.uniqueValues).toBe(3);
    expect(c.drifted).toBe(true);
  });

  it('rejects unknown tests, columns and bad options with the fix in the message', () => {
    const f = num('x', refNum(50));
    const bad = (o: Parameters<typeof detectDrift>[2]): unknown => thrown(() => detectDrift(f, f, o));
    expect((bad({ stattest: 'kss' as 'ks' }) as Error).message).toContain('Use one of: ks, wasserstein');
    expect(isKeelError(bad({ columns: ['y'] }), 'KEEL_FRAME_COLUMN_NOT_FOUND')).toBe(true);
    expect(isKeelError(bad({ driftShare: 0 }), 'KEEL_INVALID_ARGUMENT')).toBe(true);
    expect(isKeelError(bad({ threshold: -1 }), 'KEEL_INVALID_ARGUMENT')).toBe(true);
    expect(isKeelError(bad({ minRows: 0 }), 'KEEL_INVALID_ARGUMENT')).toBe(true);
  });
});

// Every statistic against SciPy 1.10.1: every case and every field of drift_oracles.json.
import { describe, expect, it } from 'vitest';
import { isKeelError } from '../../src/core/index.js';
import {
  chi2Contingency,
  gTest,
  jensenShannon,
  type KsAlternative,
  type KsMethod,
  ks2samp,
  meanStd,
  psi,
  psiFromCounts,
  sortedSample,
  wassersteinDistance,
} from '../../src/monitor/index.js';
import {
  type ContingencyOracle,
  type KsOracle,
  loadDriftOracle,
  type OracleCase,
  readNumericSample,
  readSample,
} from './oracle-fixture.js';

const oracle = loadDriftOracle();

/** Statistics: 1e-9 (relative above 1). */
function expectStat(actual: number, expected: number, what: string): void {
  if (!Number.isFinite(expected)) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

/** p-values: 1e-6 relative. */
function expectP(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-6 * Math.abs(expected),
  );
}

const KS_VARIANTS: Record<string, { method: KsMethod; alternative: KsAlternative }> = {
  auto: { method: 'auto', alternative: 'two-sided' },
  exact: { method: 'exact', alternative: 'two-sided' },
  asymp: { method: 'asymp', alternative: 'two-sided' },
  auto_less: { method: 'auto', alternative: 'less' },
  auto_greater: { method: 'auto', alternative: 'greater' },
};

const NUMERIC_FIELDS = new Set([
  'name',
  'kind',
  'note',
  'reference_file',
  'current_file',
  'n_reference',
  'n_current',
  'n_reference_nan',
  'n_current_nan',
  'ks_2samp',
  'wasserstein_distance',
  'psi',
  'jensenshannon_on_psi_bins',
  'means',
]);
const CATEGORICAL_FIELDS = new Set([
  'name',
  'kind',
  'note',
  'reference_file',
  'current_file',
  'n_reference',
  'n_current',
  'missing_token',
  'categories',
  'contingency_table',
  'chi2_contingency',
  'psi',
  'jensenshannon',
  'unseen_in_reference',
]);

function expectContingency(
  actual: { statistic: number; pValue: number; dof: number; expected: number[][] },
  expected: ContingencyOracle,
  what: string,
): void {
  expectStat(actual.statistic, expected.statistic, `${what} statistic`);
  expectP(actual.pValue, expected.pvalue, `${what} p-value`);
  expect(actual.dof, `${what} dof`).toBe(expected.dof);
  if (expected.expected_freq) {
    for (const [i, row] of expected.expected_freq.entries()) {
      for (const [j, e] of row.entries())
        expectStat(actual.expected[i]![j]!, e, `${what} expected[${i}][${j}]`);
    }
  }
}

describe('drift statistics match SciPy 1.10.1 on every oracle case', () => {
  it('knows the oracle conventions it implements', () => {
    expect(oracle.library_versions).toEqual({ scipy: '1.10.1', numpy: '1.24.2' });
    expect(Object.keys(oracle.conventions).sort()).toEqual(
      [
        'categorical_missing',
        'chi2_contingency',
        'csv',
        'jensenshannon',
        'ks_2samp',
        'nan',
        'psi',
        'psi_categorical',
        'wasserstein_distance',
      ].sort(),
    );
    expect(oracle.cases.length).toBe(8);
  });

  for (const c of oracle.cases.filter((x) => x.kind === 'numeric')) {
    it(`numeric case ${c.name}`, () => checkNumeric(c));
  }
  for (const c of oracle.cases.filter((x) => x.kind === 'categorical')) {
    it(`categorical case ${c.name}`, () => checkCategorical(c));
  }
});

function checkNumeric(c: OracleCase): void {
  for (const key of Object.keys(c)) expect(NUMERIC_FIELDS.has(key), `unhandled field ${key}`).toBe(true);
  const ref = readNumericSample(c.reference_file);
  const cur = readNumericSample(c.current_file);
  const r = sortedSample(ref);
  const k = sortedSample(cur);
  expect(r.values.length).toBe(c.n_reference);
  expect(k.values.length).toBe(c.n_current);
  expect(r.nanCount).toBe(c.n_reference_nan);
  expect(k.nanCount).toBe(c.n_current_nan);

  const ks = c.ks_2samp as Record<string, KsOracle>;
  expect(Object.keys(ks).sort()).toEqual(Object.keys(KS_VARIANTS).sort());
  for (const [variant, want] of Object.entries(ks)) {
    const got = ks2samp(ref, cur, KS_VARIANTS[variant]!);
    const what = `${c.name} ks ${variant}`;
    expectStat(got.statistic, want.statistic, `${what} statistic`);
    expectP(got.pValue, want.pvalue, `${what} p-value`);
    expect(got.statisticLocation, `${what} location`).toBe(want.statistic_location);
    expect(got.statisticSign, `${what} sign`).toBe(want.statistic_sign);
    // SciPy's "Exact calculation unsuccessful. Switching to method=asymp." is reproduced, not hidden.
    expect(got.exactFallback, `${what} exact fallback`).toBe(want.scipy_warning !== undefined);
    if (want.scipy_warning) expect(got.method).toBe('asymp');
  }

  expectStat(
    wassersteinDistance(r.values, k.values),
    c.wasserstein_distance as number,
    `${c.name} wasserstein`,
  );

  const wantPsi = c.psi as {
    value: number;
    cut_points: number[];
    reference_counts: number[];
    current_counts: number[];
  };
  const gotPsi = psi(ref, cur);
  expectStat(gotPsi.value, wantPsi.value, `${c.name} psi`);
  expect(gotPsi.cutPoints.length).toBe(wantPsi.cut_points.length);
  for (const [i, cp] of wantPsi.cut_points.entries())
    expectStat(gotPsi.cutPoints[i]!, cp, `${c.name} cut ${i}`);
  expect(gotPsi.referenceCounts).toEqual(wantPsi.reference_counts);
  expect(gotPsi.currentCounts).toEqual(wantPsi.current_counts);

  const js = c.jensenshannon_on_psi_bins as { base_e: number; base_2: number };
  expectStat(jensenShannon(gotPsi.referenceCounts, gotPsi.currentCounts), js.base_e, `${c.name} js e`);
  expectStat(jensenShannon(gotPsi.referenceCounts, gotPsi.currentCounts, 2), js.base_2, `${c.name} js 2`);

  const means = c.means as { reference: number; current: number };
  expectStat(meanStd(r.values).mean, means.reference, `${c.name} mean ref`);
  expectStat(meanStd(k.values).mean, means.current, `${c.name} mean cur`);
}

function checkCategorical(c: OracleCase): void {
  for (const key of Object.keys(c)) expect(CATEGORICAL_FIELDS.has(key), `unhandled field ${key}`).toBe(true);
  const token = c.missing_token as string;
  const ref = readSample(c.reference_file).map((v) => v ?? token);
  const cur = readSample(c.current_file).map((v) => v ?? token);
  expect(ref.length).toBe(c.n_reference);
  expect(cur.length).toBe(c.n_current);
  const categories = [...new Set([...ref, ...cur])].sort();
  expect(categories).toEqual(c.categories);
  const count = (xs: string[]): number[] => categories.map((k) => xs.filter((x) => x === k).length);
  const table = [count(ref), count(cur)];
  expect(table).toEqual(c.contingency_table);

  const chi = c.chi2_contingency as Record<string, ContingencyOracle>;
  expect(Object.keys(chi).sort()).toEqual([
    'correction_false',
    'correction_true',
    'g_test_log_likelihood_correction_false',
  ]);
  expectContingency(
    chi2Contingency(table, { correction: true }),
    chi.correction_true!,
    `${c.name} chi2 corrected`,
  );
  expectContingency(chi2Contingency(table, { correction: false }), chi.correction_false!, `${c.name} chi2`);
  expectContingency(gTest(table), chi.g_test_log_likelihood_correction_false!, `${c.name} g-test`);

  expectStat(psiFromCounts(table[0]!, table[1]!), (c.psi as { value: number }).value, `${c.name} psi`);
  const js = c.jensenshannon as { base_e: number; base_2: number };
  expectStat(jensenShannon(table[0]!, table[1]!), js.base_e, `${c.name} js e`);
  expectStat(jensenShannon(table[0]!, table[1]!, 2), js.base_2, `${c.name} js 2`);
  expect(categories.filter((_, i) => table[0]![i] === 0)).toEqual(c.unseen_in_reference);
}

describe('direct SciPy calls', () => {
  it('jensenshannon on given vectors', () => {
    expect(oracle.direct.jensenshannon.length).toBe(6);
    for (const d of oracle.direct.jensenshannon) {
      expectStat(jensenShannon(d.p, d.q, d.base ?? undefined), d.value, `js ${JSON.stringify(d)}`);
    }
  });

  it('wasserstein_distance with and without weights', () => {
    expect(oracle.direct.wasserstein_distance.length).toBe(4);
    for (const d of oracle.direct.wasserstein_distance) {
      const got = wassersteinDistance(
        d.u_values,
        d.v_values,
        d.u_weights ?? undefined,
        d.v_weights ?? undefined,
      );
      expectStat(got, d.value, `wasserstein ${JSON.stringify(d)}`);
    }
  });

  it('chi2_contingency, Yates and the G-test, including the table SciPy rejects', () => {
    expect(oracle.direct.chi2_contingency.length).toBe(4);
    let errors = 0;
    for (const d of oracle.direct.chi2_contingency) {
      const table = d.table as number[][];
      const runs: Record<string, () => ReturnType<typeof chi2Contingency>> = {
        correction_true: () => chi2Contingency(table, { correction: true }),
        correction_false: () => chi2Contingency(table, { correction: false }),
        g_test_log_likelihood_correction_false: () => gTest(table),
      };
      expect(Object.keys(d).sort()).toEqual(['table', ...Object.keys(runs)].sort());
      for (const [key, run] of Object.entries(runs)) {
        const want = d[key] as ContingencyOracle | { error: string; message: string };
        if ('error' in want) {
          errors++;
          expect(want.error).toBe('ValueError');
          let thrown: unknown;
          try {
            run();
          } catch (e) {
            thrown = e;
          }
          expect(isKeelError(thrown, 'KEEL_MONITOR_STAT_UNDEFINED')).toBe(true);
          expect((thrown as Error).message).toContain(want.message.replace(/\.$/, ''));
        } else {
          expectContingency(run(), want, `chi2 ${JSON.stringify(table)} ${key}`);
        }
      }
    }
    expect(errors).toBe(3);
  });
});

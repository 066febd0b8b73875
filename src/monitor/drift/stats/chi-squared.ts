/**
 * Chi-squared tests as SciPy 1.10 computes them: `chi2_contingency` (expected frequencies from the
 * margins, Yates' correction when dof = 1, Pearson or log-likelihood statistic) and the
 * goodness-of-fit `chisquare(f_obs, f_exp)` that Evidently uses for categorical drift.
 */
import { KeelError } from '../../../core/index.js';
import { chi2Sf } from './chi2-distribution.js';

/** Which power-divergence statistic: Pearson's X² (lambda = 1) or the G statistic (lambda = 0). */
export type PowerDivergenceLambda = 'pearson' | 'log-likelihood';

/** Options of `chi2Contingency`. */
export interface ContingencyOptions {
  /** Yates' continuity correction when dof = 1 (SciPy's default: true). */
  readonly correction?: boolean;
  /** Default 'pearson'. */
  readonly lambda?: PowerDivergenceLambda;
}

/** Result of a contingency-table test, as SciPy's `Chi2ContingencyResult`. */
export interface ContingencyResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
  /** Expected frequencies under independence: row sum × column sum / total. */
  readonly expected: number[][];
}

/** Result of a goodness-of-fit test. */
export interface GoodnessOfFitResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
}

function xlogy(x: number, y: number): number {
  if (x === 0 && !Number.isNaN(y)) return 0;
  return x * Math.log(y);
}

function term(observed: number, expected: number, lambda: PowerDivergenceLambda): number {
  if (lambda === 'pearson') return (observed - expected) ** 2 / expected;
  return 2.0 * xlogy(observed, observed / expected);
}

function validateTable(table: readonly (readonly number[])[]): number {
  const cols = table[0]?.length ?? 0;
  if (table.length === 0 || cols === 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', 'No data: the contingency table is empty.', { details: {} });
  }
  table.forEach((row, i) => {
    if (row.length !== cols) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Contingency table row ${i} has ${row.length} cells; row 0 has ${cols}.`,
        { details: { row: i } },
      );
    }
    row.forEach((v, j) => {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new KeelError(
          'KEEL_INVALID_ARGUMENT',
          `Contingency table cell (${i}, ${j}) is ${v}; every count must be finite and >= 0.`,
          { details: { row: i, column: j } },
        );
      }
    });
  });
  return cols;
}

/**
 * Chi-squared test of independence on an r × c table (SciPy 1.10 `chi2_contingency`). Throws
 * `KEEL_MONITOR_STAT_UNDEFINED` where SciPy raises ValueError: an expected frequency of zero
 * (a row or column that sums to zero).
 */
export function chi2Contingency(
  table: readonly (readonly number[])[],
  options: ContingencyOptions = {},
): ContingencyResult {
  const cols = validateTable(table);
  const rows = table.length;
  const rowSums = table.map((r) => r.reduce((a, b) => a + b, 0));
  const colSums = Array.from({ length: cols }, (_, j) => table.reduce((a, r) => a + r[j]!, 0));
  const totalCount = rowSums.reduce((a, b) => a + b, 0);
  const expected = table.map((_, i) => colSums.map((c) => (rowSums[i]! * c) / totalCount));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (expected[i]![j] === 0 || Number.isNaN(expected[i]![j])) {
        throw new KeelError(
          'KEEL_MONITOR_STAT_UNDEFINED',
          `The internally computed table of expected frequencies has a zero element at (${i}, ${j}): ` +
            `row ${i} or column ${j} of the contingency table sums to 0. Drop empty categories first.`,
          { details: { row: i, column: j } },
        );
      }
    }
  }
  const dof = rows * cols - (rows + cols) + 2 - 1;
  if (dof === 0) return { statistic: 0.0, pValue: 1.0, dof, expected };
  const lambda = options.lambda ?? 'pearson';
  const correct = dof === 1 && (options.correction ?? true);
  let statistic = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const e = expected[i]![j]!;
      let o = table[i]![j]!;
      if (correct) {
        const diff = e - o;
        o += Math.min(0.5, Math.abs(diff)) * Math.sign(diff);
      }
      statistic += term(o, e, lambda);
    }
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof, expected };
}

/**
 * Pearson's goodness-of-fit test of `observed` counts against `expected` counts (SciPy
 * `chisquare(f_obs, f_exp)`, df = k - 1). An expected 0 with a positive observation gives an
 * infinite statistic and p = 0 (a category seen only in current data). With k = 1 the test is
 * vacuous: statistic 0, p = 1 (SciPy returns NaN). Sums must agree to 1e-8 relative, as in SciPy.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expected: readonly number[],
): GoodnessOfFitResult {
  if (observed.length !== expected.length || observed.length === 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `chisquare: ${observed.length} observed and ${expected.length} expected counts; they must match and be non-empty.`,
      { details: {} },
    );
  }
  const so = observed.reduce((a, b) => a + b, 0);
  const se = expected.reduce((a, b) => a + b, 0);
  if (Math.abs(so - se) / Math.min(so, se) > 1e-8) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `chisquare: observed counts sum to ${so} but expected counts to ${se}; scale the expected counts.`,
      { details: { observed: so, expected: se } },
    );
  }
  const dof = observed.length - 1;
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) statistic += term(observed[i]!, expected[i]!, 'pearson');
  return { statistic, pValue: chi2Sf(statistic, dof), dof };
}

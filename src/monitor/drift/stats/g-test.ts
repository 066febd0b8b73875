/**
 * The G-test (log-likelihood ratio test) of independence on a contingency table: SciPy's
 * `chi2_contingency(table, correction=False, lambda_='log-likelihood')`.
 */
import { type ContingencyResult, chi2Contingency } from './chi-squared.js';

/** Options of `gTest`. */
export interface GTestOptions {
  /** Yates' correction when dof = 1; default false (G = 2 Σ o ln(o/e) on the raw counts). */
  readonly correction?: boolean;
}

/**
 * G = 2 Σ o ln(o / e) with e from the margins, p from chi-squared with (r-1)(c-1) dof. Throws
 * `KEEL_MONITOR_STAT_UNDEFINED` when an expected frequency is zero, like SciPy.
 */
export function gTest(table: readonly (readonly number[])[], options: GTestOptions = {}): ContingencyResult {
  return chi2Contingency(table, { correction: options.correction ?? false, lambda: 'log-likelihood' });
}

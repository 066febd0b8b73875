/**
 * The vocabulary of drift reports: test names, options and the per-column and dataset results
 * `detectDrift` returns (plain data, JSON-serialisable).
 */

/**
 * The drift tests Keel runs. p-value tests: `ks` (two-sample Kolmogorov–Smirnov), `chisquare`
 * (Evidently's goodness of fit of current counts against reference shares), `chi2_contingency`
 * (test of independence on the 2 × k table), `g_test` (log-likelihood ratio on the same table),
 * `z` (two-proportion Z-test). Distance tests: `wasserstein` (normed by the reference std),
 * `psi` (Population Stability Index), `jensenshannon` (Jensen–Shannon distance, natural log).
 */
export type StatTestName =
  | 'ks'
  | 'wasserstein'
  | 'psi'
  | 'jensenshannon'
  | 'chisquare'
  | 'chi2_contingency'
  | 'g_test'
  | 'z';

/** Every test name, in the order `stattest: 'all'` runs them. */
export const STAT_TEST_NAMES: readonly StatTestName[] = [
  'ks',
  'wasserstein',
  'psi',
  'jensenshannon',
  'chisquare',
  'chi2_contingency',
  'g_test',
  'z',
];

/** Which tests to run: one name, a list (the first decides drift), or 'all' applicable ones. */
export type StatTestSelection = StatTestName | readonly StatTestName[] | 'all';

/** How a column is tested: numeric (continuous values) or categorical (counts per value). */
export type ColumnKind = 'numeric' | 'categorical';

/** Per-column overrides of the global options. */
export interface ColumnDriftOptions {
  /** Tests for this column; must be applicable to it. */
  readonly stattest?: StatTestSelection;
  /** Threshold for this column's primary test (p-value or distance, per the test). */
  readonly threshold?: number;
  /** Minimum non-missing rows per side before the column is tested. */
  readonly minRows?: number;
}

/** Options of `detectDrift`. Every default follows Evidently's data-drift preset. */
export interface DriftOptions {
  /** Columns to test (default: every column present on both sides, minus the prediction column). */
  readonly columns?: readonly string[];
  /**
   * Tests for every column (default: Evidently's choice by type and size). A list or 'all' keeps
   * only the tests applicable to each column; if none applies, the default test is used.
   */
  readonly stattest?: StatTestSelection;
  /** Threshold for every primary test (default per test: p-values 0.05, distances 0.1). */
  readonly threshold?: number;
  /** Overrides by column name. */
  readonly perColumn?: Readonly<Record<string, ColumnDriftOptions>>;
  /** Dataset drift when at least this share of tested columns drift (default 0.5). */
  readonly driftShare?: number;
  /** A model-prediction column, reported separately as prediction drift (not counted in the share). */
  readonly predictionColumn?: string;
  /** Minimum non-missing rows per side before a column is tested (default 30). */
  readonly minRows?: number;
  /** Missing categorical values: dropped (default, as Evidently) or counted as category "__missing__". */
  readonly categoricalMissing?: 'drop' | 'category';
}

/** One test run on one column. */
export interface StatTestOutcome {
  readonly test: StatTestName;
  /** The test statistic (D, X², G, z, raw W1, PSI, JS distance). */
  readonly statistic: number;
  /** The p-value of p-value tests; null for distance tests. */
  readonly pValue: number | null;
  /** The distance of distance tests (normed W1, PSI, JS); null for p-value tests. */
  readonly distance: number | null;
  readonly threshold: number;
  /** p <= t (ks), p < t (other p-value tests) or distance >= t, exactly as Evidently compares. */
  readonly drifted: boolean;
  /** True when computed against a quantile sketch of a larger reference (snapshot) rather than all values. */
  readonly approximate: boolean;
}

/** Whether a column was tested: too few rows and unsupported types are never reported as drift. */
export type ColumnStatus = 'tested' | 'not_enough_data' | 'skipped';

/** The drift result of one column. */
export interface ColumnDrift {
  readonly column: string;
  /** How it was tested; null when skipped. */
  readonly kind: ColumnKind | null;
  readonly status: ColumnStatus;
  /** Why the column was not tested (null when tested). */
  readonly reason: string | null;
  /** The primary test (decides `drifted`). */
  readonly test: StatTestName | null;
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly distance: number | null;
  readonly threshold: number | null;
  readonly drifted: boolean;
  /** Every test run, primary first. */
  readonly tests: StatTestOutcome[];
  /** Non-missing values used on each side. */
  readonly referenceSize: number;
  readonly currentSize: number;
  /** Share of missing values (NaN, ±Infinity, null) among all rows of each side. */
  readonly referenceMissingShare: number;
  readonly currentMissingShare: number;
  /** currentMissingShare - referenceMissingShare (reported on its own, not part of the test). */
  readonly missingShareChange: number;
  /** Values seen only in current data (categorical and discrete columns), sorted. */
  readonly newCategories: string[];
  /** Distinct non-missing values over both sides, when known exactly (capped at 21 for numeric). */
  readonly uniqueValues: number | null;
}

/** A full drift report. */
export interface DriftReport {
  /** Feature columns, in the order tested (the prediction column is separate). */
  readonly columns: ColumnDrift[];
  /** Drift of the prediction column, or null when none was named. */
  readonly predictionDrift: ColumnDrift | null;
  /** True when testedColumns > 0 and driftedColumns / testedColumns >= driftShare. */
  readonly datasetDrift: boolean;
  readonly driftShare: number;
  readonly testedColumns: number;
  readonly driftedColumns: number;
  /** driftedColumns / testedColumns (0 when nothing was tested). */
  readonly shareOfDriftedColumns: number;
  readonly referenceRows: number;
  readonly currentRows: number;
  /** Whether the reference was a full frame or a snapshot (sketched numeric columns). */
  readonly referenceKind: 'frame' | 'snapshot';
  /** Columns present on only one side (not tested). */
  readonly onlyInReference: string[];
  readonly onlyInCurrent: string[];
}

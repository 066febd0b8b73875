export { detectDrift } from './drift/detect-drift.js';
export {
  type DriftHtmlOptions,
  type DriftReportData,
  renderDriftReportHtml,
} from './drift/html/render-html.js';
export { DEFAULT_DRIFT_SHARE, DEFAULT_MIN_ROWS } from './drift/options.js';
export type { DriftReference } from './drift/reference-source.js';
export {
  buildReferenceSnapshot,
  type CategoricalSnapshotColumn,
  DEFAULT_SNAPSHOT_SAMPLE_SIZE,
  isReferenceSnapshot,
  type NumericSnapshotColumn,
  parseReferenceSnapshot,
  type ReferenceSnapshot,
  SNAPSHOT_FORMAT,
  type SnapshotColumn,
  type SnapshotOptions,
  type UnsupportedSnapshotColumn,
} from './drift/snapshot.js';
export { defaultStatTest, STAT_TEST_INFO, type StatTestInfo } from './drift/stat-tests.js';
export {
  type ContingencyOptions,
  type ContingencyResult,
  chi2Contingency,
  chiSquareGoodnessOfFit,
  type GoodnessOfFitResult,
  type PowerDivergenceLambda,
} from './drift/stats/chi-squared.js';
export { chi2Sf, regularizedGammaP, regularizedGammaQ } from './drift/stats/chi2-distribution.js';
export { type GTestOptions, gTest } from './drift/stats/g-test.js';
export { beta, binom, gammaFn, lgam } from './drift/stats/gamma.js';
export { jensenShannon } from './drift/stats/jensen-shannon.js';
export { kolmogorovSf } from './drift/stats/kolmogorov.js';
export {
  type KsAlternative,
  type KsMethod,
  type KsOptions,
  type KsResult,
  ks2samp,
  ks2sampSorted,
  ksAsymptoticPValue,
} from './drift/stats/ks.js';
export { attemptExactKs, type ExactKsAttempt } from './drift/stats/ks-exact.js';
export { erf, erfc, ndtr } from './drift/stats/normal.js';
export {
  binCounts,
  binCountsSorted,
  PSI_EPSILON,
  PSI_QUANTILES,
  type PsiResult,
  psi,
  psiCutPoints,
  psiFromCounts,
  psiSorted,
} from './drift/stats/psi.js';
export { meanStd, quantileSorted, type SortedSample, sortedSample } from './drift/stats/sample.js';
export { smirnovSf } from './drift/stats/smirnov.js';
export { wassersteinDistance, wassersteinNormed, wassersteinSorted } from './drift/stats/wasserstein.js';
export { proportionsZTest, type ZTestResult } from './drift/stats/z-test.js';
export {
  type ColumnDrift,
  type ColumnDriftOptions,
  type ColumnKind,
  type ColumnStatus,
  type DriftOptions,
  type DriftReport,
  STAT_TEST_NAMES,
  type StatTestName,
  type StatTestOutcome,
  type StatTestSelection,
} from './drift/types.js';

export {
  AlertEvaluator,
  type AlertEvaluatorOptions,
  type AlertState,
  type WebhookSettings,
} from './alerts/alert-evaluator.js';
export {
  ALERT_SEVERITIES,
  type AlertEvent,
  type AlertListener,
  type AlertRuleSpec,
  type AlertSeverity,
  AlertTriggers,
} from './alerts/alert-events.js';
export {
  ALERT_ALIASES,
  type AlertComparison,
  type AlertExpression,
  compare,
  knownAlertMetrics,
  type LabelMatcher,
  parseAlertExpression,
} from './alerts/alert-rule.js';
export { AlertRules, type AlertRulesOptions, ruleSpec } from './alerts/alert-rules.js';
export {
  assertWebhookAllowed,
  SIGNATURE_HEADER,
  sendWebhook,
  signWebhookBody,
  verifyWebhookSignature,
  type WebhookOptions,
  type WebhookResult,
} from './alerts/webhook.js';
export { detectDrift } from './drift/detect-drift.js';
export {
  type DriftHtmlOptions,
  type DriftReportData,
  renderDriftReportHtml,
} from './drift/html/render-html.js';
export { checkModelDrift, type ModelDriftOptions, type ModelDriftResult } from './drift/model-drift.js';
export {
  attachReferenceSnapshot,
  loadReferenceSnapshot,
  REFERENCE_SNAPSHOT_TAG,
  type ReferenceStores,
} from './drift/model-reference.js';
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
export { formatDuration, parseDuration } from './duration.js';
export { type EngineObserverOptions, type ObservableEngine, observeEngine } from './engine-observer.js';
export {
  type FeedbackLabel,
  type FeedbackProblem,
  feedbackItems,
  type LabelExpectation,
  labelProblem,
  labelsFrame,
  parseFeedback,
} from './feedback/feedback-label.js';
export {
  FEEDBACK_CONSUMER,
  FEEDBACK_TOPIC,
  type FeedbackReceipt,
  FeedbackRecorder,
  type FeedbackRecorderOptions,
  feedbackSink,
  readFeedbackFile,
  writeLabels,
} from './feedback/feedback-recorder.js';
export {
  type BatchSections,
  batchRequestCount,
  decodeLogBatch,
  encodeLogBatch,
  type LoggedEntry,
} from './log/log-codec.js';
export { batchesFrame, holdBatch } from './log/log-columns.js';
export { INPUT_PREFIX, logFrame, OUTPUT_PREFIX, PREDICTION_LOG_COLUMNS } from './log/log-frame.js';
export {
  datasetFiles,
  dayOf,
  type MonitorDataset,
  offlineFolder,
  partitionFolder,
} from './log/log-layout.js';
export { type LoggedColumn, type LoggedInputsQuery, loadLoggedInputs } from './log/logged-inputs.js';
export {
  ParquetSink,
  type ParquetSinkOptions,
  type ParquetSinkStats,
  type SinkCodec,
} from './log/parquet-sink.js';
export { writePartitioned } from './log/partitioned-write.js';
export {
  PREDICTION_LOG_CONSUMER,
  type PredictionLogSinkOptions,
  predictionLogSink,
} from './log/prediction-log-sink.js';
export {
  PREDICTION_LOG_TOPIC,
  PredictionLogger,
  type PredictionLoggerOptions,
  type PredictionLoggerStats,
} from './log/prediction-logger.js';
export { labelAndScore, type PredictionLogEntry } from './log/prediction-record.js';
export { SinkWorker } from './log/sink-worker-client.js';
export {
  type FreshnessSource,
  KeelMetrics,
  type KeelMetricsOptions,
  type MetricSample,
  type ModelStatsLike,
  PredictionSeries,
  type RequestLabels,
  RequestSeries,
  type ServingStatsSource,
} from './metrics/keel-metrics.js';
export {
  BATCH_BUCKETS_ROWS,
  LATENCY_BUCKETS_SECONDS,
  LOAD_BUCKETS_SECONDS,
  METRIC_CATALOG,
  type MetricSpec,
  metricSpec,
} from './metrics/metric-catalog.js';
export {
  type Calibrator,
  chooseCalibrator,
  expectedCalibrationError,
  fitIsotonic,
} from './quality/calibration.js';
export { type CbpeEstimate, type CbpeOptions, estimateCbpe, estimatedAuc } from './quality/cbpe.js';
export {
  type LabelledPredictions,
  type LabelledPredictionsQuery,
  loadLabelledPredictions,
} from './quality/labelled-predictions.js';
export {
  computeLiveQuality,
  type LiveQualityOptions,
  type LiveQualityReport,
  type VersionQuality,
} from './quality/live-quality.js';
export { QualityMonitor, type QualityMonitorOptions } from './quality-monitor.js';

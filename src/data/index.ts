export {
  type ColumnExpectation,
  type Expectations,
  loadExpectations,
  parseExpectations,
} from './expectations.js';
export { fingerprint, shortFingerprint } from './fingerprint.js';
export {
  CATEGORICAL_MAX_LIMIT,
  CATEGORICAL_MIN_LIMIT,
  CATEGORICAL_SHARE,
  isIdentifierName,
  stringColumnType,
} from './infer.js';
export { readBatches } from './read-batches.js';
export { readFrame, readTable } from './read-frame.js';
export type {
  BadRow,
  BadRowReport,
  ReadBatchesOptions,
  ReadOptions,
  ReadProgress,
  ReadResult,
} from './read-options.js';
export {
  type DataSource,
  describeSource,
  FILE_FORMATS,
  type FileSource,
  formatOf,
  type PostgresSource,
  parseSource,
} from './source.js';
export {
  type ColumnSummary,
  type DataSummary,
  type LevelCount,
  type SummarizeOptions,
  summarize,
} from './summarize.js';
export {
  type CardTransactionsData,
  type CardTransactionsOptions,
  generateCardTransactions,
  SeededRandom,
} from './synthetic/index.js';
export {
  type FailureExample,
  MAX_EXAMPLES,
  type RuleFailure,
  type ValidateOptions,
  type ValidationReport,
  validateFrame,
} from './validate.js';
export { type WriteOptions, type WriteResult, writeFrame } from './write-frame.js';

export {
  ActiveRun,
  type ActiveRunDeps,
  type ArtifactContent,
  type LogInputOptions,
  type ParamValue,
} from './active-run.js';
export { parseRunFilter, parseRunOrder } from './filter-parser.js';
export { detectGitCommit } from './git-commit.js';
export { type ComparisonRow, compareRuns, type RunComparison } from './run-comparison.js';
export {
  assertTrackingKey,
  assertTrackingValue,
  MAX_PARAM_VALUE,
  MAX_TAG_VALUE,
  randomRunName,
} from './tracking-names.js';
export {
  DEFAULT_EXPERIMENT,
  RUN_TAGS,
  type SearchOptions,
  type StartRunOptions,
  Tracking,
  type TrackingOptions,
} from './tracking-service.js';

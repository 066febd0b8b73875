export { runTuneJob } from './tune-job.js';
export {
  checkPrunerName,
  checkSamplerName,
  PRIMARY_TUNE_METRIC,
  prunerSpecFor,
  resolveTuneMetric,
  samplerSpecFor,
} from './tune-settings.js';
export {
  checkTuneSpace,
  DEFAULT_TUNE_SPACES,
  defaultTuneSpace,
  parseTuneSpace,
  readTuneSpaceFile,
} from './tune-space.js';
export { TUNE_TAGS } from './tune-tags.js';
export {
  TUNE_PRUNERS,
  TUNE_SAMPLERS,
  type TuneCounts,
  type TuneEvent,
  type TuneJobDeps,
  type TuneJobOptions,
  type TuneJobResult,
  type TunePrunerName,
  type TuneSamplerName,
  type TuneSpace,
  type TuneTrialSummary,
} from './tune-types.js';

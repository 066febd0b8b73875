export { LEARNERS, type LearnerEntry, learnerFor, parseParamPairs } from './learners.js';
export { parseSplit, planSplit, type SplitPlan } from './split-plan.js';
export {
  runTrainJob,
  score,
  type TrainJobDeps,
  type TrainJobOptions,
  type TrainJobResult,
  type TrainPhase,
} from './train-job.js';

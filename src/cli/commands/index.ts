import type { CommandModule } from '../command.js';
import { registerDemoCommand } from '../demo/demo-command.js';
import { registerAlertsCommand } from './alerts.js';
import { registerDataCommand } from './data.js';
import { registerDeployCommand } from './deploy.js';
import { registerDeploymentsCommand } from './deployments.js';
import { registerExperimentsCommand } from './experiments.js';
import { registerFeaturesCommand } from './features.js';
import { registerFeedbackCommand } from './feedback.js';
import { registerInitCommand } from './init.js';
import { registerModelsCommand } from './models.js';
import { registerMonitorCommand } from './monitor.js';
import { registerPipelineCommand } from './pipeline.js';
import { registerPolicyCommand } from './policy.js';
import { registerPredictCommand } from './predict.js';
import { registerRunsCommand } from './runs.js';
import { registerSchedulerCommand } from './scheduler.js';
import { registerServeCommand } from './serve.js';
import { registerTrainCommand } from './train.js';
import { registerTuneCommand } from './tune.js';
import { registerWorkerCommand } from './worker.js';

/** Every top-level command, in help order. Add new command modules here. */
export const COMMANDS: readonly CommandModule[] = [
  registerDemoCommand,
  registerInitCommand,
  registerDataCommand,
  registerFeaturesCommand,
  registerExperimentsCommand,
  registerRunsCommand,
  registerTrainCommand,
  registerTuneCommand,
  registerPipelineCommand,
  registerWorkerCommand,
  registerSchedulerCommand,
  registerModelsCommand,
  registerDeployCommand,
  registerDeploymentsCommand,
  registerPolicyCommand,
  registerServeCommand,
  registerPredictCommand,
  registerMonitorCommand,
  registerFeedbackCommand,
  registerAlertsCommand,
];

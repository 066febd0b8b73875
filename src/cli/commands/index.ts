import type { CommandModule } from '../command.js';
import { registerDataCommand } from './data.js';
import { registerDeployCommand } from './deploy.js';
import { registerDeploymentsCommand } from './deployments.js';
import { registerExperimentsCommand } from './experiments.js';
import { registerInitCommand } from './init.js';
import { registerModelsCommand } from './models.js';
import { registerMonitorCommand } from './monitor.js';
import { registerPredictCommand } from './predict.js';
import { registerRunsCommand } from './runs.js';
import { registerServeCommand } from './serve.js';
import { registerTrainCommand } from './train.js';

/** Every top-level command, in help order. Add new command modules here. */
export const COMMANDS: readonly CommandModule[] = [
  registerInitCommand,
  registerDataCommand,
  registerExperimentsCommand,
  registerRunsCommand,
  registerTrainCommand,
  registerModelsCommand,
  registerDeployCommand,
  registerDeploymentsCommand,
  registerServeCommand,
  registerPredictCommand,
  registerMonitorCommand,
];

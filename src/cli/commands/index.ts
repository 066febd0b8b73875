import type { CommandModule } from '../command.js';
import { registerDataCommand } from './data.js';
import { registerExperimentsCommand } from './experiments.js';
import { registerInitCommand } from './init.js';
import { registerModelsCommand } from './models.js';
import { registerMonitorCommand } from './monitor.js';
import { registerRunsCommand } from './runs.js';

/** Every top-level command, in help order. Add new command modules here. */
export const COMMANDS: readonly CommandModule[] = [
  registerInitCommand,
  registerDataCommand,
  registerExperimentsCommand,
  registerRunsCommand,
  registerModelsCommand,
  registerMonitorCommand,
];

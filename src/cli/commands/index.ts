import type { CommandModule } from '../command.js';
import { registerInitCommand } from './init.js';

/** Every top-level command, in help order. Add new command modules here. */
export const COMMANDS: readonly CommandModule[] = [registerInitCommand];

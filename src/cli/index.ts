export { CliContext, type GlobalOptions } from './cli-context.js';
export { type CliIo, processIo } from './cli-io.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export { buildProgram, main, VERSION } from './program.js';

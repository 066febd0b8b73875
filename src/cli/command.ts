import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { printError } from './output.js';

/** A module that adds one top-level command (with its subcommands) to the program. */
export type CommandModule = (program: Command, cli: CliContext) => void;

/** The exit code a handler returns; `void` means success. */
export type HandlerResult = number | undefined;

/**
 * Wraps a command handler: runs it, turns thrown errors into a message on stderr
 * (JSON with `--json`) and an exit code, and records the code for `main` to return.
 */
export function action<A extends unknown[]>(
  cli: CliContext,
  handler: (...args: A) => Promise<HandlerResult> | HandlerResult,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const opts = args.find(
      (a) => a && typeof a === 'object' && !Array.isArray(a) && 'json' in (a as object),
    ) as { json?: boolean } | undefined;
    try {
      const code = await handler(...args);
      cli.exitCode = code ?? EXIT.ok;
    } catch (error) {
      printError(cli.io, error, opts?.json === true);
      cli.exitCode = exitCodeFor(error);
    }
  };
}

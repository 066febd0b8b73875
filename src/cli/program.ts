import { Command, CommanderError } from 'commander';
import { CliContext } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import type { CommandModule } from './command.js';
import { COMMANDS } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { VERSION } from './version.js';

export { VERSION } from './version.js';

/** Builds the `keel` program with every command registered. */
export function buildProgram(cli: CliContext, commands: readonly CommandModule[] = COMMANDS): Command {
  const program = new Command('keel')
    .description('Keel: the machine-learning platform for TypeScript teams.')
    .version(VERSION)
    .option('--project <dir>', 'project root (default: current directory)')
    .option('--config <file>', 'config file (default: keel.config.ts or keel.yaml in the project root)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => cli.io.stdout.write(s),
      writeErr: (s) => cli.io.stderr.write(s),
    })
    .hook('preAction', (thisCommand) => {
      cli.setGlobals(thisCommand.optsWithGlobals());
    });
  for (const register of commands) register(program, cli);
  // Subcommands inherit the output and error handling of the root.
  const configure = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (s) => cli.io.stdout.write(s),
        writeErr: (s) => cli.io.stderr.write(s),
      });
      sub.showHelpAfterError('(run with --help for usage)');
      configure(sub);
    }
  };
  configure(program);
  return program;
}

/** Runs `keel` with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const { processIo } = await import('./cli-io.js');
  const cli = new CliContext(io ?? processIo());
  const program = buildProgram(cli);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return cli.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    throw error;
  } finally {
    await cli.close();
  }
}

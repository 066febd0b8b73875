import type { Command } from 'commander';
import type { Experiment } from '../../storage/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatTime, printJson, printTable } from '../output.js';
import { cliTracking } from './runs.js';

/** `keel experiments list`: the project's experiments, oldest first. */
export const registerExperimentsCommand = (program: Command, cli: CliContext): void => {
  const experiments = program.command('experiments').description('list experiments (groups of runs)');
  experiments
    .command('list')
    .description('list experiments, oldest first')
    .option('--all', 'include deleted experiments')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: { all?: boolean; json?: boolean }) => {
        const list = await (await cliTracking(cli)).listExperiments({ includeDeleted: opts.all === true });
        if (opts.json) {
          printJson(cli.io, list);
          return EXIT.ok;
        }
        printTable<Experiment>(
          cli.io,
          list,
          [
            { header: 'NAME', value: (e) => e.name },
            { header: 'ID', value: (e) => e.id },
            { header: 'STAGE', value: (e) => e.lifecycleStage },
            { header: 'CREATED', value: (e) => formatTime(e.createdAt) },
            {
              header: 'TAGS',
              value: (e) =>
                Object.entries(e.tags)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' '),
            },
          ],
          '(no experiments yet: runs create them)',
        );
        return EXIT.ok;
      }),
    );
};

import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import type { Tracking } from '../../track/index.js';
import { parseRunFilter, parseRunOrder } from '../../track/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { printComparison, printRun, printRunTable } from './run-views.js';

interface ListOptions {
  experiment?: string[];
  filter?: string;
  orderBy?: string;
  max?: string;
  pageToken?: string;
  json?: boolean;
}

/** The tracking service of the CLI's project, attributed to the shell user. */
export async function cliTracking(cli: CliContext): Promise<Tracking> {
  return (await cli.keel()).tracking({ user: cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli' });
}

/** Parses `--max`: a whole number from 1 to 1000. */
export function parseMax(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1000) {
    throw new KeelError('KEEL_USAGE', `--max must be a whole number from 1 to 1000, not "${text}".`);
  }
  return Number(text);
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `keel runs list|show|compare`: search, inspect and compare tracked runs. */
export const registerRunsCommand = (program: Command, cli: CliContext): void => {
  const runs = program.command('runs').description('list, show and compare tracked runs');

  runs
    .command('list')
    .description('list runs, newest first, with MLflow-style filters')
    .option('--experiment <name>', 'only runs of this experiment (repeatable)', collect)
    .option('--filter <expr>', 'filter, e.g. "metrics.auc > 0.9 and params.learner = \'gbdt\'"')
    .option('--order-by <expr>', 'order, e.g. "metrics.auc DESC" (comma-separated terms)')
    .option('--max <n>', 'page size (1-1000)', '50')
    .option('--page-token <token>', 'continue from a previous page')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: ListOptions) => {
        const filter = parseRunFilter(opts.filter ?? '');
        const orderBy = parseRunOrder(opts.orderBy ?? '');
        const tracking = await cliTracking(cli);
        const page = await tracking.searchRuns({
          ...(opts.experiment ? { experiments: opts.experiment } : {}),
          filter,
          orderBy,
          maxResults: parseMax(opts.max, 50),
          ...(opts.pageToken ? { pageToken: opts.pageToken } : {}),
        });
        if (opts.json) {
          printJson(cli.io, page);
          return EXIT.ok;
        }
        const experiments = new Map(
          (await tracking.listExperiments({ includeDeleted: true })).map((e) => [e.id, e.name]),
        );
        const filterKeys = filter.filter((c) => c.kind === 'metric').map((c) => c.key);
        printRunTable(cli.io, page.runs, experiments, orderBy, filterKeys);
        if (page.nextPageToken) cli.io.stdout.write(`\nMore runs: add --page-token ${page.nextPageToken}\n`);
        return EXIT.ok;
      }),
    );

  runs
    .command('show')
    .description('show a run: params, latest metrics, tags, inputs, artifacts')
    .argument('<run>', 'run id (or a unique run name)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (ref: string, opts: { json?: boolean }) => {
        const tracking = await cliTracking(cli);
        const run = await tracking.findRun(ref);
        const experiments = await tracking.listExperiments({ includeDeleted: true });
        const experiment = experiments.find((e) => e.id === run.experimentId) ?? null;
        if (opts.json) {
          printJson(cli.io, { ...run, experimentName: experiment?.name ?? null });
          return EXIT.ok;
        }
        printRun(cli.io, run, experiment);
        return EXIT.ok;
      }),
    );

  runs
    .command('compare')
    .description('compare params and latest metrics of two or more runs')
    .argument('<runs...>', 'run ids (or unique run names)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (refs: string[], opts: { json?: boolean }) => {
        const cmp = await (await cliTracking(cli)).compare(refs);
        if (opts.json) {
          printJson(cli.io, cmp);
          return EXIT.ok;
        }
        printComparison(cli.io, cmp);
        return EXIT.ok;
      }),
    );
};

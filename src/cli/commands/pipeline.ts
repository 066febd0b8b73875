import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { loadPipelineFile, type PipelineRunResult, parseParamArgs } from '../../pipelines/index.js';
import type { PipelineRunStatus } from '../../storage/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printError, printJson } from '../output.js';
import { openCliPipelines } from './pipeline-setup.js';
import { liveStatus, printRunDetails, printRunSummary, printRunsTable } from './pipeline-views.js';
import { parseMax } from './runs.js';

interface RunFlags {
  param: string[];
  resume?: string;
  runner: string;
  concurrency?: string;
  cache: boolean;
  json?: boolean;
}

const STATUSES: readonly PipelineRunStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `keel pipeline run|runs|show`: run pipeline files and read their history. */
export const registerPipelineCommand = (program: Command, cli: CliContext): void => {
  const pipeline = program
    .command('pipeline')
    .description('run pipelines (DAGs of steps) and inspect their runs');

  pipeline
    .command('run')
    .description(
      'run a pipeline file (.ts or .yaml); steps whose inputs did not change are reused from the cache',
    )
    .argument(
      '<file>',
      'pipeline file: TypeScript (default export definePipeline(...)) or YAML (built-in steps)',
    )
    .option(
      '--param <key=value>',
      'override a parameter: <step>.<param>=v or <param>=v (repeatable)',
      collect,
      [],
    )
    .option('--resume <run>', 'resume a failed run: reuse its successful steps, rerun from the failed one')
    .option('--runner <runner>', 'local (in this process) or queue (keel worker processes)', 'local')
    .option('--concurrency <n>', 'steps at once (default: the pipeline’s, 4)')
    .option('--no-cache', 'run every step even when a cached result exists')
    .option('--json', 'print the run and its steps as JSON')
    .action(
      action(cli, async (file: string, flags: RunFlags) => {
        const concurrency =
          flags.concurrency === undefined ? undefined : positive(flags.concurrency, '--concurrency');
        const params = parseParamArgs(flags.param);
        const definition = await loadPipelineFile(file, cli.io.cwd);
        const setup = await openCliPipelines(cli, flags.runner, concurrency);
        const controller = new AbortController();
        const interrupt = (): void => {
          cli.io.stderr.write('cancelling the run (steps are told to stop)...\n');
          controller.abort();
        };
        process.once('SIGINT', interrupt);
        process.once('SIGTERM', interrupt);
        let result: PipelineRunResult;
        try {
          result = await setup.pipelines.run(definition, {
            params,
            ...(flags.resume ? { resume: flags.resume } : {}),
            ...(concurrency ? { concurrency } : {}),
            cache: flags.cache,
            signal: controller.signal,
            ...(flags.json ? {} : { onEvent: liveStatus(cli.io) }),
          });
        } finally {
          process.off('SIGINT', interrupt);
          process.off('SIGTERM', interrupt);
          await setup.close();
        }
        if (flags.json) printJson(cli.io, { run: result.run, steps: result.steps });
        else printRunSummary(cli.io, result);
        if (result.error && !flags.json) printError(cli.io, result.error, false);
        return result.run.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
      }),
    );

  pipeline
    .command('runs')
    .description('list pipeline runs, newest first')
    .option('--pipeline <name>', 'only runs of this pipeline')
    .option('--status <status>', `only runs in this state: ${STATUSES.join(', ')}`)
    .option('--max <n>', 'how many (1-1000)', '50')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (flags: { pipeline?: string; status?: string; max?: string; json?: boolean }) => {
        const status = flags.status?.toUpperCase();
        if (status !== undefined && !STATUSES.includes(status as PipelineRunStatus)) {
          throw new KeelError(
            'KEEL_USAGE',
            `--status must be one of ${STATUSES.join(', ')}, not "${flags.status}".`,
          );
        }
        const metadata = await (await cli.keel()).store('metadata');
        const runs = await metadata.pipelines.listRuns({
          ...(flags.pipeline ? { pipeline: flags.pipeline } : {}),
          ...(status ? { status: status as PipelineRunStatus } : {}),
          limit: parseMax(flags.max, 50),
        });
        if (flags.json) printJson(cli.io, runs);
        else printRunsTable(cli.io, runs);
        return EXIT.ok;
      }),
    );

  pipeline
    .command('show')
    .description("show a run: each step's status, timing, attempts, cache hit and artifacts")
    .argument('<run>', 'pipeline run id')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (id: string, flags: { json?: boolean }) => {
        const metadata = await (await cli.keel()).store('metadata');
        const repo = metadata.pipelines;
        const run = await repo.getRun(id);
        const [steps, attempts] = await Promise.all([repo.getSteps(id), repo.listAttempts(id)]);
        if (flags.json) printJson(cli.io, { run, steps, attempts });
        else printRunDetails(cli.io, { run, steps, attempts });
        return EXIT.ok;
      }),
    );
};

/** Parses a whole number ≥ 1 given to `flag`; `KEEL_USAGE` otherwise. */
export function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1)
    throw new KeelError('KEEL_USAGE', `${flag} must be a whole number ≥ 1, not "${text}".`);
  return n;
}

import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { loadPipelineFile, type Pipeline, Scheduler } from '../../pipelines/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { positive } from './pipeline.js';
import { openCliPipelines, untilInterrupted } from './pipeline-setup.js';

interface SchedulerFlags {
  tickMs: string;
  runner: string;
  once?: boolean;
  json?: boolean;
}

const PIPELINE_FILE = /\.(ya?ml|ts|mts|js|mjs)$/;

/**
 * `keel scheduler`: starts runs of the given pipeline files (default: every file in `pipelines/`)
 * when their cron schedules come due or their triggers fire. Any number of schedulers may run on
 * one metadata store: each due run starts exactly once.
 */
export const registerSchedulerCommand = (program: Command, cli: CliContext): void => {
  program
    .command('scheduler')
    .description('start pipeline runs on their cron schedules and triggers (file, rows, labels, alerts)')
    .argument('[files...]', 'pipeline files (default: every .ts/.yaml file in <project>/pipelines/)')
    .option('--tick-ms <ms>', 'how often schedules and triggers are evaluated', '5000')
    .option(
      '--runner <runner>',
      'where the runs execute: local (this process) or queue (keel worker processes)',
      'local',
    )
    .option('--once', 'evaluate once, wait for the runs it started, and exit')
    .option('--json', 'with --once: print the runs started as JSON')
    .action(
      action(cli, async (files: string[], flags: SchedulerFlags) => {
        const tickMs = positive(flags.tickMs, '--tick-ms');
        const keel = await cli.keel();
        const definitions = await loadDefinitions(cli, files, keel.ctx.root);
        const setup = await openCliPipelines(cli, flags.runner);
        const { clock, log, root } = keel.ctx;
        const scheduler = new Scheduler({
          pipelines: setup.pipelines,
          metadata: await keel.store('metadata'),
          clock,
          log,
          root,
          definitions,
          tickMs,
        });
        try {
          if (flags.once) {
            const started = await scheduler.tick();
            await scheduler.idle();
            if (flags.json) printJson(cli.io, started);
            else
              for (const s of started) cli.io.stdout.write(`${s.pipeline}: run ${s.runId} (${s.trigger})\n`);
            return EXIT.ok;
          }
          for (const p of definitions) {
            const what = [
              ...p.schedules.map((s) => `cron ${s.cron}`),
              ...p.triggers.map((t) => `${t.type} trigger ${t.name}`),
            ];
            cli.io.stderr.write(
              `scheduling ${p.name}: ${what.join(', ') || 'nothing (no schedules or triggers)'}\n`,
            );
          }
          const stop = new AbortController();
          const loop = scheduler.run(stop.signal);
          const signal = await Promise.race([untilInterrupted(), loop.then(() => null)]);
          if (signal) cli.io.stderr.write(`${signal}: stopping; runs in progress are cancelled\n`);
          stop.abort();
          await loop;
          return EXIT.ok;
        } finally {
          await setup.close();
        }
      }),
    );
};

async function loadDefinitions(cli: CliContext, files: readonly string[], root: string): Promise<Pipeline[]> {
  let paths = files.map((f) => resolve(cli.io.cwd, f));
  if (paths.length === 0) {
    const dir = join(root, 'pipelines');
    const names = await readdir(dir).catch(() => {
      throw new KeelError(
        'KEEL_USAGE',
        `No pipeline files given and ${dir} does not exist: pass files, or put them in pipelines/.`,
      );
    });
    paths = names
      .filter((n) => PIPELINE_FILE.test(n))
      .sort()
      .map((n) => join(dir, n));
  }
  const definitions = await Promise.all(paths.map((p) => loadPipelineFile(p, root)));
  const names = new Set<string>();
  for (const d of definitions) {
    if (names.has(d.name))
      throw new KeelError('KEEL_PIPELINE_INVALID', `Two pipeline files define pipeline "${d.name}".`, {
        details: { pipeline: d.name },
      });
    names.add(d.name);
  }
  return definitions;
}

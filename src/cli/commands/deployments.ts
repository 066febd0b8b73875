import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import type { Deployment } from '../../storage/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { cliDeployments, percentFlag } from './deploy.js';
import {
  describeSpec,
  printDeployment,
  printDeploymentHistory,
  printDeploymentTable,
} from './deployment-views.js';

type JsonOpt = { json?: boolean };
type ChangeOpt = JsonOpt & { reason?: string };

/** Parses `a=70,b=30` into variant weights; a bad item is a usage error. */
export function parseWeights(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    const w = Number(item.slice(eq + 1));
    if (eq <= 0 || item.slice(eq + 1).trim() === '' || !Number.isFinite(w) || w < 0) {
      throw new KeelError('KEEL_USAGE', `"${item}" is not variant=weight (e.g. a=70).`);
    }
    out[item.slice(0, eq)] = w;
  }
  if (Object.keys(out).length === 0)
    throw new KeelError('KEEL_USAGE', 'Give weights as variant=weight,... (e.g. a=70,b=30).');
  return out;
}

/** `keel deployments ...`: list, show, history, canary step, promote, roll back, weights, delete. */
export const registerDeploymentsCommand = (program: Command, cli: CliContext): void => {
  const cmd = program.command('deployments').description('deployments: traffic policies over model versions');
  const report = (opts: JsonOpt, d: Deployment, what: string): number => {
    if (opts.json) printJson(cli.io, d);
    else cli.io.stdout.write(`${what} ${d.name} (revision ${d.revision}): ${describeSpec(d.spec)}\n`);
    return EXIT.ok;
  };
  const change = (opts: ChangeOpt) => (opts.reason === undefined ? {} : { reason: opts.reason });

  cmd
    .command('list')
    .description('list deployments')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: JsonOpt) => {
        const list = await (await cliDeployments(cli)).list();
        if (opts.json) printJson(cli.io, list);
        else printDeploymentTable(cli.io, list);
        return EXIT.ok;
      }),
    );

  cmd
    .command('show')
    .description('show a deployment: variants, shares, shadow, feature service')
    .argument('<deployment>')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: JsonOpt) => {
        const d = await (await cliDeployments(cli)).get(name);
        if (opts.json) printJson(cli.io, d);
        else printDeployment(cli.io, d);
        return EXIT.ok;
      }),
    );

  cmd
    .command('history')
    .description('every change and decision of a deployment, with who and why')
    .argument('<deployment>')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: JsonOpt) => {
        const service = await cliDeployments(cli);
        await service.get(name);
        const events = await service.history(name);
        if (opts.json) printJson(cli.io, events);
        else printDeploymentHistory(cli.io, events);
        return EXIT.ok;
      }),
    );

  cmd
    .command('step')
    .description('raise a canary by its step (default 10 points), or set its share with --percent')
    .argument('<deployment>')
    .option('--percent <n>', 'set the canary share to this percent')
    .option('--reason <text>', 'why (kept in the history)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: ChangeOpt & { percent?: string }) => {
        const percent = percentFlag(opts.percent);
        const d = await (await cliDeployments(cli)).canary(
          name,
          { type: 'step', ...(percent !== undefined ? { percent } : {}) },
          change(opts),
        );
        return report(opts, d, 'Stepped');
      }),
    );

  for (const type of ['promote', 'rollback'] as const) {
    cmd
      .command(type)
      .description(
        type === 'promote' ? 'make the canary the only model' : 'send all traffic back to the stable model',
      )
      .argument('<deployment>')
      .option('--reason <text>', 'why (kept in the history)')
      .option('--json', 'print JSON')
      .action(
        action(cli, async (name: string, opts: ChangeOpt) => {
          const d = await (await cliDeployments(cli)).canary(name, { type }, change(opts));
          return report(opts, d, type === 'promote' ? 'Promoted' : 'Rolled back');
        }),
      );
  }

  cmd
    .command('weights')
    .description('set A/B (or canary) variant weights: keel deployments weights fraud a=70,b=30')
    .argument('<deployment>')
    .argument('<weights>', 'variant=weight,...')
    .option('--reason <text>', 'why (kept in the history)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, weights: string, opts: ChangeOpt) => {
        const d = await (await cliDeployments(cli)).setWeights(name, parseWeights(weights), change(opts));
        return report(opts, d, 'Reweighted');
      }),
    );

  cmd
    .command('delete')
    .description('delete a deployment (its history is kept); servers stop serving it on their next poll')
    .argument('<deployment>')
    .option('--reason <text>', 'why (kept in the history)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: ChangeOpt) => {
        await (await cliDeployments(cli)).delete(name, change(opts));
        if (opts.json) printJson(cli.io, { deleted: name });
        else cli.io.stdout.write(`Deleted deployment ${name}\n`);
        return EXIT.ok;
      }),
    );
};

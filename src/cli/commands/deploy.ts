import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { type DeploymentInput, type DeploymentService, parseAbList } from '../../serve/index.js';
import type { Deployment } from '../../storage/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { describeSpec } from './deployment-views.js';

interface DeployOptions {
  model?: string;
  ab?: string;
  stickyKey?: string;
  canary?: string;
  percent?: string;
  shadow?: string;
  removeShadow?: boolean;
  featureService?: string;
  reason?: string;
  json?: boolean;
}

/** The deployment service of the CLI's project, attributed to the shell user. */
export async function cliDeployments(cli: CliContext): Promise<DeploymentService> {
  return (await cli.keel()).deployments({ actor: cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli' });
}

/** Parses a percentage flag (0..100, decimals allowed). */
export function percentFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new KeelError('KEEL_USAGE', `--percent must be a number in 0..100, got "${text}".`);
  }
  return n;
}

function checkCombination(o: DeployOptions): void {
  const modes = [o.model && '--model', o.ab && '--ab', o.canary && '--canary'].filter(Boolean);
  if (modes.length > 1)
    throw new KeelError('KEEL_USAGE', `Give one of --model, --ab or --canary, not ${modes.join(' and ')}.`);
  if (o.canary && o.shadow)
    throw new KeelError('KEEL_USAGE', 'Start the canary and add the shadow in two commands.');
  if (o.shadow && o.removeShadow)
    throw new KeelError('KEEL_USAGE', 'Give --shadow or --remove-shadow, not both.');
  if (o.percent !== undefined && !o.canary && !o.shadow) {
    throw new KeelError('KEEL_USAGE', '--percent goes with --canary or --shadow.');
  }
  if (o.stickyKey !== undefined && !o.ab && !o.model) {
    throw new KeelError(
      'KEEL_USAGE',
      '--sticky-key goes with --ab (or --model, to keep it for later variants).',
    );
  }
  if (modes.length === 0 && !o.shadow && !o.removeShadow && o.featureService === undefined) {
    throw new KeelError(
      'KEEL_USAGE',
      'Say what to deploy: --model <ref>, --ab <ref>=<w>,<ref>=<w>, --canary <ref>, --shadow <ref> or --feature-service <name>.',
    );
  }
}

async function runDeploy(service: DeploymentService, name: string, o: DeployOptions): Promise<Deployment> {
  const change = o.reason === undefined ? {} : { reason: o.reason };
  const percent = percentFlag(o.percent);
  if (o.canary) {
    const current = await service.get(name);
    const canary = current.spec.variants.find((v) => v.name === 'canary');
    if (current.spec.mode === 'canary' && canary?.ref === o.canary && percent !== undefined) {
      return service.canary(name, { type: 'step', percent }, change);
    }
    return service.canary(
      name,
      { type: 'start', ref: o.canary, ...(percent !== undefined ? { percent } : {}) },
      change,
    );
  }
  const input: { -readonly [K in keyof DeploymentInput]: DeploymentInput[K] } = {};
  if (o.model) input.model = o.model;
  if (o.ab) input.variants = parseAbList(o.ab);
  if (o.stickyKey !== undefined) input.stickyKey = o.stickyKey === '' ? null : o.stickyKey;
  if (o.featureService !== undefined)
    input.featureService = o.featureService === '' ? null : o.featureService;
  if (o.shadow) input.shadow = { ref: o.shadow, percent: percent ?? 100 };
  if (o.removeShadow) input.shadow = null;
  return service.put(name, input, change);
}

/** `keel deploy <deployment>`: creates or changes a deployment; running servers apply it on their next poll. */
export const registerDeployCommand = (program: Command, cli: CliContext): void => {
  program
    .command('deploy')
    .description('create or change a deployment (running servers pick it up without a restart)')
    .argument('<deployment>', 'deployment name, e.g. fraud')
    .option('--model <ref>', 'serve one model: fraud@champion, fraud/3 or fraud (latest)')
    .option('--ab <list>', 'A/B variants: <ref>=<weight>,<ref>=<weight>... (weights are relative)')
    .option(
      '--sticky-key <field>',
      'keep each user on one variant: a request field, or header:<name> ("" clears)',
    )
    .option(
      '--canary <ref>',
      'start a canary of <ref> next to the current model (or set its share with --percent)',
    )
    .option('--percent <n>', 'share for --canary (default 10) or --shadow (default 100), in percent')
    .option(
      '--shadow <ref>',
      'mirror requests to <ref> after answering; its outputs are logged, never returned',
    )
    .option('--remove-shadow', 'stop mirroring')
    .option('--feature-service <name>', 'fetch online features from this feature service ("" clears)')
    .option('--reason <text>', 'why (kept in the deployment history)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: DeployOptions) => {
        checkCombination(opts);
        const service = await cliDeployments(cli);
        const d = await runDeploy(service, name, opts);
        if (opts.json) printJson(cli.io, d);
        else {
          const interval = (await cli.keel()).config.server.pollIntervalMs;
          cli.io.stdout.write(
            `Deployment ${d.name} (revision ${d.revision}): ${describeSpec(d.spec)}\nRunning servers apply it within ${interval / 1000} s.\n`,
          );
        }
        return EXIT.ok;
      }),
    );
};

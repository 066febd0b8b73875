import type { Command } from 'commander';
import { offlineFolder } from '../../monitor/index.js';
import {
  applyLearningPolicy,
  defineLearningPolicy,
  LearningController,
  type LearningPolicyOptions,
  loadPolicyFile,
  logServingSignals,
  monitorSignals,
  parseLearningState,
} from '../../pipelines/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatTime, printJson, printTable } from '../output.js';
import { describeGate, describeTriggers, printPolicy, printTickReports } from './policy-views.js';

type JsonOpt = { json?: boolean };

/** `keel policy apply|list|show|run-once`: continuous-learning policies of deployments. */
export const registerPolicyCommand = (program: Command, cli: CliContext): void => {
  const cmd = program
    .command('policy')
    .description(
      'continuous learning: triggers, retraining, the gate, shadow and canary rollout of a deployment',
    );
  const actor = (): string => cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli';

  cmd
    .command('apply')
    .description('check a policy file (YAML, JSON or TypeScript) and store it for its deployment')
    .argument('<file>', 'policy file, e.g. policies/fraud.yaml')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (file: string, opts: JsonOpt) => {
        const keel = await cli.keel();
        const policy = await loadPolicyFile(file, keel.ctx.root);
        const [metadata, registry] = await Promise.all([
          keel.store('metadata'),
          keel.registry({ actor: actor() }),
        ]);
        const record = await applyLearningPolicy({ metadata, registry, clock: keel.ctx.clock }, policy);
        if (opts.json) printJson(cli.io, record);
        else {
          cli.io.stdout.write(
            `Applied the learning policy of deployment ${record.deployment} (revision ${record.revision}).\n` +
              `  triggers: ${describeTriggers(policy)}\n  gate:     ${describeGate(policy)}\n` +
              `  canary:   ${policy.rollout.canary.steps.map((s) => `${s}%`).join(' → ')}\n` +
              'The controller in `keel serve` runs it; `keel policy run-once <deployment>` runs one step now.\n',
          );
        }
        return EXIT.ok;
      }),
    );

  cmd
    .command('list')
    .description('deployments with a learning policy and where their loop is')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: JsonOpt) => {
        const keel = await cli.keel();
        const records = await (await keel.store('metadata')).learning.listPolicies();
        if (opts.json) printJson(cli.io, records);
        else {
          const now = keel.ctx.clock.now();
          printTable(
            cli.io,
            records.map((r) => ({ r, s: parseLearningState(r.state, now) })),
            [
              { header: 'DEPLOYMENT', value: (x) => x.r.deployment },
              { header: 'PHASE', value: (x) => x.s.phase },
              { header: 'CHALLENGER', value: (x) => x.s.rollout?.challenger.ref ?? '-' },
              { header: 'SINCE', value: (x) => formatTime(x.s.since) },
              { header: 'LAST TRAINED', value: (x) => formatTime(x.s.lastTrainedAt) },
            ],
            '(no learning policies: apply one with keel policy apply <file>)',
          );
        }
        return EXIT.ok;
      }),
    );

  cmd
    .command('show')
    .description('the policy of a deployment and the state of its loop')
    .argument('<deployment>')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: JsonOpt) => {
        const keel = await cli.keel();
        const record = await (await keel.store('metadata')).learning.getPolicy(name);
        const now = keel.ctx.clock.now();
        const state = parseLearningState(record.state, now);
        if (opts.json) printJson(cli.io, { ...record, state });
        else
          printPolicy(
            cli.io,
            record,
            defineLearningPolicy(record.policy as unknown as LearningPolicyOptions),
            state,
            now,
          );
        return EXIT.ok;
      }),
    );

  cmd
    .command('run-once')
    .description('evaluate the triggers and advance the rollout of a deployment now (demos, CI)')
    .argument('<deployment>')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: JsonOpt) => {
        const keel = await cli.keel();
        const [metadata, artifacts, registry, tracking] = await Promise.all([
          keel.store('metadata'),
          keel.store('artifacts'),
          keel.registry({ actor: actor() }),
          keel.tracking(),
        ]);
        const record = await metadata.learning.getPolicy(name);
        const data = (record.policy as { data?: { featureService?: unknown } }).data;
        const offline = offlineFolder(keel.config.stores.offline, keel.ctx.root);
        const controller = new LearningController({
          metadata,
          artifacts,
          registry,
          tracking,
          clock: keel.ctx.clock,
          log: keel.ctx.log,
          root: keel.ctx.root,
          signals: monitorSignals({ offline, registry, artifacts }),
          serving: logServingSignals({ offline }),
          ...(data?.featureService ? { features: await keel.features({ actor: actor() }) } : {}),
          id: `cli-${actor()}`,
        });
        const reports = await controller.runOnce({ deployment: name, force: true });
        if (opts.json) printJson(cli.io, reports);
        else printTickReports(cli.io, reports);
        return reports.some((r) => r.error) ? EXIT.failed : EXIT.ok;
      }),
    );
};

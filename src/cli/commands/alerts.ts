import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { AlertRules, type AlertSeverity } from '../../monitor/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatTime, printJson, printTable } from '../output.js';

type JsonOpt = { json?: boolean };

async function cliRules(cli: CliContext): Promise<AlertRules> {
  const keel = await cli.keel();
  const metadata = await keel.store('metadata');
  const m = keel.config.monitoring;
  return new AlertRules({
    repository: metadata.alerts,
    clock: keel.ctx.clock,
    allowList: m.webhookAllowList,
    ...(m.webhookSecret ? { secret: m.webhookSecret } : {}),
  });
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `keel alerts list|add|remove|test`: alert rules on metrics, drift and live quality, kept in the metadata store. */
export const registerAlertsCommand = (program: Command, cli: CliContext): void => {
  const alerts = program.command('alerts').description('alert rules on metrics, drift and live quality');

  alerts
    .command('list')
    .description('list alert rules')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: JsonOpt) => {
        const rules = await (await cliRules(cli)).list();
        if (opts.json) printJson(cli.io, rules);
        else {
          printTable(cli.io, rules, [
            { header: 'name', value: (r) => r.name },
            { header: 'expression', value: (r) => r.expression },
            { header: 'severity', value: (r) => r.severity },
            { header: 'enabled', value: (r) => (r.enabled ? 'yes' : 'no') },
            { header: 'webhooks', value: (r) => r.webhooks.length },
            { header: 'updated', value: (r) => formatTime(r.updatedAt) },
          ]);
        }
        return EXIT.ok;
      }),
    );

  alerts
    .command('add')
    .description("add or replace a rule, e.g. keel alerts add auc-low 'auc < 0.85 for 1h'")
    .argument('<name>', 'rule name')
    .argument('<expression>', "e.g. 'auc < 0.85 for 1h', 'drift_share{model=\"fraud\"} > 0.3'")
    .option('--severity <level>', 'info, warning or critical', 'warning')
    .option('--description <text>', 'what the alert means and what to do')
    .option(
      '--webhook <url>',
      'a webhook for this rule (repeatable; host must be on monitoring.webhookAllowList)',
      collect,
    )
    .option('--disabled', 'store the rule without evaluating it')
    .option('--json', 'print JSON')
    .action(
      action(
        cli,
        async (
          name: string,
          expression: string,
          opts: JsonOpt & { severity: string; description?: string; webhook?: string[]; disabled?: boolean },
        ) => {
          const rule = await (await cliRules(cli)).put({
            name,
            expression,
            severity: opts.severity as AlertSeverity,
            ...(opts.description === undefined ? {} : { description: opts.description }),
            webhooks: opts.webhook ?? [],
            enabled: !opts.disabled,
          });
          if (opts.json) printJson(cli.io, rule);
          else
            cli.io.stdout.write(
              `Alert rule ${rule.name} saved: ${rule.expression} (${rule.severity}${rule.enabled ? '' : ', disabled'})\n`,
            );
          return EXIT.ok;
        },
      ),
    );

  alerts
    .command('remove')
    .description('remove a rule')
    .argument('<name>', 'rule name')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: JsonOpt) => {
        await (await cliRules(cli)).remove(name);
        if (opts.json) printJson(cli.io, { removed: name });
        else cli.io.stdout.write(`Alert rule ${name} removed.\n`);
        return EXIT.ok;
      }),
    );

  alerts
    .command('test')
    .description(
      "send a signed test event to a rule's webhooks (or --webhook); exit 1 when one is not delivered",
    )
    .argument('<name>', 'rule name')
    .option('--webhook <url>', 'send here instead (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: JsonOpt & { webhook?: string[] }) => {
        const results = await (await cliRules(cli)).test(name, opts.webhook, { maxAttempts: 2 });
        if (results.length === 0) {
          throw new KeelError('KEEL_USAGE', `Rule ${name} has no webhooks; pass --webhook <url>.`);
        }
        if (opts.json) printJson(cli.io, results);
        else {
          printTable(cli.io, results, [
            { header: 'webhook', value: (r) => r.url },
            { header: 'delivered', value: (r) => (r.delivered ? 'yes' : 'no') },
            { header: 'status', value: (r) => r.status },
            { header: 'attempts', value: (r) => r.attempts },
            { header: 'error', value: (r) => r.error ?? '' },
          ]);
        }
        return results.every((r) => r.delivered) ? EXIT.ok : EXIT.failed;
      }),
    );
};

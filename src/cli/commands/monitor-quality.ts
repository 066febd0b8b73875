import type { Command } from 'commander';
import {
  computeLiveQuality,
  formatDuration,
  offlineFolder,
  parseDuration,
  type VersionQuality,
} from '../../monitor/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatNumber, printJson, printTable } from '../output.js';

type QualityOptions = { model: string; window: string; json?: boolean };

const SHOWN: Readonly<Record<VersionQuality['task'], readonly string[]>> = {
  binary: ['auc', 'logloss', 'accuracy', 'f1'],
  multiclass: ['accuracy', 'logloss', 'f1_macro'],
  regression: ['rmse', 'mae', 'r2'],
};

async function runQuality(cli: CliContext, opts: QualityOptions): Promise<number> {
  const keel = await cli.keel();
  const registry = await keel.registry();
  const windowMs = parseDuration(opts.window, '--window');
  // A name the registry does not know is a typo, not a model without traffic.
  await registry.getModel(opts.model);
  const toMs = keel.ctx.clock.now();
  const report = await computeLiveQuality({
    offline: offlineFolder(keel.config.stores.offline, keel.ctx.root),
    model: opts.model,
    fromMs: toMs - windowMs,
    toMs,
    signatureOf: async (version) =>
      (await registry.resolve(`${opts.model}/${version}`).catch(() => null))?.signature ?? null,
  });
  if (opts.json) {
    printJson(cli.io, report);
    return EXIT.ok;
  }
  cli.io.stdout.write(
    `Live quality of ${opts.model} over the last ${formatDuration(windowMs)} (by prediction time)\n\n`,
  );
  printTable(cli.io, report.versions, [
    { header: 'version', value: (q) => q.version, right: true },
    { header: 'predictions', value: (q) => q.predictions, right: true },
    { header: 'labelled', value: (q) => `${q.labelled} (${Math.round(q.coverage * 100)}%)`, right: true },
    {
      header: 'realised',
      value: (q) =>
        SHOWN[q.task]
          .filter((k) => q.metrics[k] !== undefined)
          .map((k) => `${k}=${formatNumber(q.metrics[k])}`)
          .join(' ') || '-',
    },
    {
      header: 'ESTIMATED (cbpe)',
      value: (q) =>
        q.estimated
          ? ['auc', 'accuracy', 'f1']
              .filter((k) => q.estimated!.metrics[k] !== undefined)
              .map((k) => `${k}~${formatNumber(q.estimated!.metrics[k])}`)
              .join(' ')
          : '-',
    },
    { header: 'bad labels', value: (q) => q.invalidLabels, right: true },
  ]);
  if (report.unmatchedLabels > 0) {
    cli.io.stdout.write(
      `\n${report.unmatchedLabels} label(s) received in the window match no logged prediction (unknown request ids).\n`,
    );
  }
  return EXIT.ok;
}

/** Adds `keel monitor quality --model <name> --window 1d`: realised (delayed labels) and estimated (CBPE) quality per version. */
export function addQualityCommand(monitor: Command, cli: CliContext): void {
  monitor
    .command('quality')
    .description(
      'live quality per model version from delayed labels, plus CBPE estimates where labels are missing',
    )
    .requiredOption('--model <name>', 'registered model name')
    .option('--window <duration>', 'prediction-time window: 1h, 1d, 7d...', '1d')
    .option('--json', 'print the report as JSON')
    .action(action(cli, (opts: QualityOptions) => runQuality(cli, opts)));
}

import type { Command } from 'commander';
import type { LabelExpectation } from '../../monitor/index.js';
import { offlineFolder, readFeedbackFile, writeLabels } from '../../monitor/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';

type FeedbackOptions = { file: string; model?: string; json?: boolean };

/** The labels a model version accepts, from its registered signature (null when it does not say). */
async function expectationOf(cli: CliContext, ref: string): Promise<LabelExpectation | null> {
  const version = await (await (await cli.keel()).registry()).resolve(ref);
  const task = version.signature.task;
  if (!task) return null;
  return task === 'regression' ? { task } : { task, classes: version.signature.classes ?? [] };
}

async function runFeedback(cli: CliContext, opts: FeedbackOptions): Promise<number> {
  const keel = await cli.keel();
  const now = keel.ctx.clock.now();
  const expect = opts.model ? await expectationOf(cli, opts.model) : null;
  const labels = await readFeedbackFile(opts.file, { cwd: cli.io.cwd, now, expect });
  const offline = offlineFolder(keel.config.stores.offline, keel.ctx.root);
  const files = await writeLabels(offline, labels, { now });
  if (opts.json) printJson(cli.io, { recorded: labels.length, files });
  else {
    cli.io.stdout.write(
      `Recorded ${labels.length} label(s) from ${opts.file}. They are joined with the prediction log by request id when live quality is computed (keel monitor quality --model <name>).\n`,
    );
  }
  return EXIT.ok;
}

/** `keel feedback --file labels.csv`: record ground truth (request_id,label[,row]) that arrived after the predictions. */
export const registerFeedbackCommand = (program: Command, cli: CliContext): void => {
  program
    .command('feedback')
    .description('record delayed ground-truth labels by request id (CSV, JSON Lines or Parquet)')
    .requiredOption('--file <file>', 'labels: columns request_id and label (and optionally row)')
    .option('--model <ref>', 'check every label against this model (its classes, or numbers for a regressor)')
    .option('--json', 'print the result as JSON')
    .action(action(cli, (opts: FeedbackOptions) => runFeedback(cli, opts)));
};

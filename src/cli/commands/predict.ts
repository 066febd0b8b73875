import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { createProgress, type Progress } from '../progress.js';
import { intFlag } from './serve.js';

interface PredictOptions {
  model: string;
  input: string;
  output: string;
  batchSize?: string;
  json?: boolean;
}

/** `keel predict`: batch inference over a CSV/Parquet/JSON Lines file, streaming in batches. */
export const registerPredictCommand = (program: Command, cli: CliContext): void => {
  program
    .command('predict')
    .description('batch inference: predict every row of a file and write it with its predictions')
    .requiredOption('--model <ref>', 'model reference: fraud@champion, fraud/3 or fraud (latest)')
    .requiredOption('--input <file>', 'CSV/TSV, Parquet or JSON Lines file (.gz for text formats)')
    .requiredOption(
      '--output <file>',
      'where to write the rows with their predictions (format from the extension)',
    )
    .option('--batch-size <n>', 'rows read, predicted and written at a time (memory grows with it)', '65536')
    .option('--json', 'print a JSON summary (no progress bar)')
    .action(
      action(cli, async (opts: PredictOptions) => {
        const batchRows = intFlag('batch-size', opts.batchSize, 1, 10_000_000)!;
        const keel = await cli.keel();
        // Made on the first rows, so a run that fails before reading any prints only its error.
        let progress: Progress | null = null;
        const started = performance.now();
        const result = await keel
          .predictFile({
            model: opts.model,
            input: opts.input,
            output: opts.output,
            batchRows,
            cwd: cli.io.cwd,
            onProgress: (rows) => {
              progress ??= createProgress(cli.io, {
                label: 'predict',
                total: 0,
                unit: 'rows',
                silent: opts.json === true,
              });
              progress.update(rows);
            },
          })
          .finally(() => (progress as Progress | null)?.stop());
        const seconds = (performance.now() - started) / 1000;
        const summary = {
          ...result,
          seconds: Number(seconds.toFixed(3)),
          rowsPerSecond: Math.round(result.rows / seconds),
        };
        if (opts.json) printJson(cli.io, summary);
        else {
          cli.io.stdout.write(
            `Predicted ${result.rows} rows with ${result.model}/${result.version} in ${seconds.toFixed(1)} s (${summary.rowsPerSecond} rows/s): ${result.output} (+ ${result.columns.join(', ')})\n`,
          );
        }
        return EXIT.ok;
      }),
    );
};

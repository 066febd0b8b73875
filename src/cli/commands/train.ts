import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { parseParamPairs, parseSplit, runTrainJob, type TrainJobResult } from '../../pipelines/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatNumber, printJson, printTable } from '../output.js';
import { createProgress, type Progress } from '../progress.js';

interface TrainFlags {
  data: string;
  target: string;
  learner: string;
  param: string[];
  split: string;
  test?: string;
  experiment?: string;
  name?: string;
  register?: string;
  alias: string[];
  features?: string;
  exclude?: string;
  validation: string;
  testFraction: string;
  seed: string;
  json?: boolean;
}

/** The per-round metric shown next to the progress bar, first present wins. */
const PROGRESS_METRICS = ['validation.auc', 'validation.rmse', 'validation.logloss'];

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const list = (text: string | undefined): string[] | undefined =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** `keel train`: read, hold out, train, evaluate, track, and optionally register a model. */
export const registerTrainCommand = (program: Command, cli: CliContext): void => {
  program
    .command('train')
    .description('train a model on a data file, track the run, and optionally register it')
    .requiredOption('--data <file>', 'training data: .csv, .parquet, .jsonl or a postgres:// table URL')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--learner <name>', 'gbdt (gradient-boosted trees) or linear', 'gbdt')
    .option('--param <key=value>', 'learner parameter, repeatable (e.g. numTrees=200)', collect, [])
    .option('--split <how>', 'hold-out split: random, stratified or time:<column>', 'random')
    .option('--test <file>', 'evaluate on this held-out file instead of a test split')
    .option(
      '--validation <fraction>',
      'share of rows for validation (early stopping, per-round metrics)',
      '0.1',
    )
    .option('--test-fraction <fraction>', 'share of rows for the test split (without --test)', '0.2')
    .option(
      '--features <columns>',
      'comma-separated feature columns (default: all but target, text, timestamps)',
    )
    .option('--exclude <columns>', 'comma-separated columns never used as features')
    .option('--experiment <name>', 'experiment to track the run in', 'Default')
    .option('--name <run>', 'run name')
    .option('--register <model>', 'register the trained model under this name')
    .option('--alias <alias>', 'point this alias at the registered version (repeatable)', collect, [])
    .option('--seed <n>', 'seed for the split', '0')
    .option('--json', 'print the result as JSON (keys documented in docs/training.md)')
    .action(
      action(cli, async (flags: TrainFlags) => {
        const keel = await cli.keel();
        const [tracking, registry] = await Promise.all([keel.tracking(), keel.registry()]);
        const state: { progress: Progress | null } = { progress: null };
        let metricName = '';
        const result = await runTrainJob(
          { tracking, registry, clock: keel.ctx.clock, log: keel.ctx.log, cwd: cli.io.cwd },
          {
            data: flags.data,
            target: flags.target,
            learner: flags.learner,
            params: parseParamPairs(flags.param),
            split: parseSplit(flags.split),
            ...(flags.test ? { test: flags.test } : {}),
            validationFraction: fraction(flags.validation, '--validation'),
            testFraction: fraction(flags.testFraction, '--test-fraction'),
            ...(list(flags.features) ? { features: list(flags.features)! } : {}),
            ...(list(flags.exclude) ? { exclude: list(flags.exclude)! } : {}),
            ...(flags.experiment ? { experiment: flags.experiment } : {}),
            ...(flags.name ? { runName: flags.name } : {}),
            ...(flags.register ? { register: flags.register } : {}),
            ...(flags.alias.length > 0 ? { aliases: flags.alias } : {}),
            seed: Number(flags.seed),
            onPhase: (phase, detail) => {
              if (phase === 'train') {
                const total = Number((parseParamPairs(flags.param).numTrees as number | undefined) ?? 100);
                state.progress = createProgress(cli.io, {
                  label: 'training',
                  total,
                  unit: 'rounds',
                  silent: flags.json === true,
                });
              } else if (phase === 'evaluate') {
                state.progress?.stop();
              } else if (!flags.json) cli.io.stderr.write(`${phase}: ${detail}\n`);
            },
            onRound: (report) => {
              metricName ||=
                PROGRESS_METRICS.find((k) => k in report.metrics) ??
                Object.keys(report.metrics).find((k) => k.startsWith('validation.')) ??
                '';
              const value = report.metrics[metricName];
              state.progress?.update(
                report.round,
                value === undefined ? '' : `${metricName} ${formatNumber(value)}`,
              );
              return undefined;
            },
          },
        );
        if (flags.json) printJson(cli.io, trainJson(result));
        else printTrainResult(cli, result);
        return EXIT.ok;
      }),
    );
};

function fraction(text: string, flag: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new KeelError('KEEL_USAGE', `${flag} must be a fraction in [0, 1), not "${text}".`, {
      details: { flag },
    });
  }
  return v;
}

/** The `--json` document of `keel train` (stable keys, see docs/training.md). */
export function trainJson(r: TrainJobResult): Record<string, unknown> {
  return {
    runId: r.runId,
    experimentId: r.experimentId,
    learner: r.learner,
    task: r.task,
    target: r.target,
    features: r.features,
    rows: r.rows,
    rounds: r.rounds,
    metrics: r.metrics,
    datasetFingerprint: r.datasetFingerprint,
    registered: r.version
      ? { model: r.version.model, version: r.version.version, aliases: r.version.aliases }
      : null,
    durationMs: r.durationMs,
  };
}

function printTrainResult(cli: CliContext, r: TrainJobResult): void {
  const out = cli.io.stdout;
  out.write(
    `\nTrained ${r.learner} (${r.task}) on ${r.rows.train} rows, ${r.features.length} features, ${r.rounds} rounds.\n`,
  );
  const keys = [...new Set([...Object.keys(r.metrics.validation), ...Object.keys(r.metrics.test)])];
  printTable(
    cli.io,
    keys.map((k) => ({ k, v: r.metrics.validation[k], t: r.metrics.test[k] })),
    [
      { header: 'metric', value: (x) => x.k },
      { header: `validation (${r.rows.validation})`, value: (x) => x.v, right: true },
      { header: `test (${r.rows.test})`, value: (x) => x.t, right: true },
    ],
  );
  out.write(`run:      ${r.runId}\n`);
  if (r.version) {
    const aliases = r.version.aliases.length > 0 ? ` (aliases: ${r.version.aliases.join(', ')})` : '';
    out.write(`model:    ${r.version.model}/${r.version.version}${aliases}\n`);
    out.write(`next:     keel models show ${r.version.model}\n`);
  } else {
    out.write(`next:     keel runs show ${r.runId}  (add --register <model> to register it)\n`);
  }
}

import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import type { Direction } from '../../learn/index.js';
import {
  checkPrunerName,
  checkSamplerName,
  parseParamPairs,
  parseSplit,
  readTuneSpaceFile,
  runTuneJob,
  type TuneJobOptions,
  type TuneJobResult,
} from '../../pipelines/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printFields, printJson } from '../output.js';
import { createTuneDisplay, describeParams } from './tune-display.js';

interface TuneFlags {
  data?: string;
  target?: string;
  learner?: string;
  trials?: string;
  sampler?: string;
  pruner?: string;
  prunerOption: string[];
  parallel?: string;
  metric?: string;
  direction?: string;
  space?: string;
  param: string[];
  split?: string;
  validation?: string;
  testFraction?: string;
  test?: string;
  features?: string;
  exclude?: string;
  experiment?: string;
  name?: string;
  register?: string;
  alias: string[];
  timeout?: string;
  seed?: string;
  resume?: string;
  final: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `keel tune`: a hyperparameter study of tracked child runs, then the final model (see docs/tuning.md). */
export const registerTuneCommand = (program: Command, cli: CliContext): void => {
  program
    .command('tune')
    .description(
      'search hyperparameters: each trial a tracked child run, then train (and register) the best model',
    )
    .option('--data <file>', 'training data: .csv, .parquet, .jsonl or a postgres:// table URL')
    .option('--target <column>', 'the column to predict')
    .option('--learner <name>', 'gbdt or linear (default gbdt)')
    .option('--trials <n>', 'trials to finish (default 50)')
    .option('--sampler <name>', 'tpe (default), random, grid or tpe-multivariate')
    .option('--pruner <name>', 'none (default), median, asha or hyperband')
    .option(
      '--pruner-option <key=value>',
      'pruner setting, repeatable (e.g. minResource=25 reductionFactor=3 for asha)',
      collect,
      [],
    )
    .option('--parallel <n>', 'trials trained at once, each on a worker thread (default 1)')
    .option('--metric <name>', "metric to optimise (default: the task's primary: auc, logloss or rmse)")
    .option('--direction <dir>', "maximize or minimize (default: the metric's natural direction)")
    .option('--space <file>', 'search space file (.json/.yaml); default: the learner’s default space')
    .option(
      '--param <key=value>',
      'learner parameter fixed in every trial, repeatable (e.g. numTrees=300)',
      collect,
      [],
    )
    .option('--split <how>', 'hold-out split: random, stratified or time:<column> (default random)')
    .option('--validation <fraction>', 'share of rows for validation, the trials’ objective (default 0.1)')
    .option('--test-fraction <fraction>', 'share of rows for the final model’s test split (default 0.2)')
    .option('--test <file>', 'evaluate the final model on this file instead of a test split')
    .option('--features <columns>', 'comma-separated feature columns')
    .option('--exclude <columns>', 'comma-separated columns never used as features')
    .option('--experiment <name>', 'experiment of the study’s runs (default Default)')
    .option('--name <name>', 'name of the study and its parent run')
    .option('--register <model>', 'register the final model under this name')
    .option('--alias <alias>', 'point this alias at the registered version (repeatable)', collect, [])
    .option('--timeout <minutes>', 'ask no new trial after this many minutes (running ones finish)')
    .option('--seed <n>', 'seed of the sampler, pruner and split (default 0)')
    .option('--resume <id>', 'resume a crashed or interrupted study (its id or parent run id)')
    .option('--no-final', 'do not train a final model with the best params')
    .option('--json', 'print the result as JSON (keys documented in docs/tuning.md)')
    .action(
      action(cli, async (flags: TuneFlags) => {
        const options = await tuneOptions(cli, flags);
        const keel = await cli.keel();
        const [tracking, registry, metadata] = await Promise.all([
          keel.tracking({ user: cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli' }),
          keel.registry(),
          keel.store('metadata'),
        ]);
        const display = createTuneDisplay(cli.io, { silent: flags.json === true });
        const controller = new AbortController();
        const interrupt = (): void => controller.abort();
        process.once('SIGINT', interrupt);
        let result: TuneJobResult;
        try {
          result = await runTuneJob(
            { tracking, registry, metadata, clock: keel.ctx.clock, log: keel.ctx.log, cwd: cli.io.cwd },
            { ...options, onEvent: display.onEvent, signal: controller.signal },
          );
        } finally {
          process.off('SIGINT', interrupt);
          display.stop();
        }
        if (flags.json) printJson(cli.io, tuneJson(result));
        else printTuneResult(cli, result);
        return EXIT.ok;
      }),
    );
};

async function tuneOptions(cli: CliContext, f: TuneFlags): Promise<TuneJobOptions> {
  if (!f.resume && (f.data === undefined || f.target === undefined)) {
    throw new KeelError(
      'KEEL_USAGE',
      'keel tune needs --data <file> and --target <column> (or --resume <id>).',
    );
  }
  const list = (text: string | undefined): string[] | undefined =>
    text
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const features = list(f.features);
  const exclude = list(f.exclude);
  return {
    ...(f.data === undefined ? {} : { data: f.data }),
    ...(f.target === undefined ? {} : { target: f.target }),
    ...(f.learner === undefined ? {} : { learner: f.learner }),
    ...(f.trials === undefined ? {} : { trials: integer(f.trials, '--trials', 1) }),
    ...(f.sampler === undefined ? {} : { sampler: checkSamplerName(f.sampler) }),
    ...(f.pruner === undefined ? {} : { pruner: checkPrunerName(f.pruner) }),
    ...(f.prunerOption.length > 0 ? { prunerOptions: parseParamPairs(f.prunerOption) } : {}),
    ...(f.parallel === undefined ? {} : { parallel: integer(f.parallel, '--parallel', 1) }),
    ...(f.metric === undefined ? {} : { metric: f.metric }),
    ...(f.direction === undefined ? {} : { direction: direction(f.direction) }),
    ...(f.space === undefined ? {} : { space: await readTuneSpaceFile(f.space, cli.io.cwd) }),
    ...(f.param.length > 0 ? { params: parseParamPairs(f.param) } : {}),
    ...(f.split === undefined ? {} : { split: parseSplit(f.split) }),
    ...(f.validation === undefined ? {} : { validationFraction: fraction(f.validation, '--validation') }),
    ...(f.testFraction === undefined ? {} : { testFraction: fraction(f.testFraction, '--test-fraction') }),
    ...(f.test === undefined ? {} : { test: f.test }),
    ...(features ? { features } : {}),
    ...(exclude ? { exclude } : {}),
    ...(f.experiment === undefined ? {} : { experiment: f.experiment }),
    ...(f.name === undefined ? {} : { name: f.name }),
    ...(f.register === undefined ? {} : { register: f.register }),
    ...(f.alias.length > 0 ? { aliases: f.alias } : {}),
    ...(f.timeout === undefined ? {} : { timeoutMs: minutes(f.timeout) }),
    ...(f.seed === undefined ? {} : { seed: integer(f.seed, '--seed', 0) }),
    ...(f.resume === undefined ? {} : { resume: f.resume }),
    ...(f.final ? {} : { trainFinal: false }),
  };
}

function integer(text: string, flag: string, min: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min) {
    throw new KeelError('KEEL_USAGE', `${flag} must be a whole number ≥ ${min}, not "${text}".`, {
      details: { flag },
    });
  }
  return v;
}

function fraction(text: string, flag: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new KeelError('KEEL_USAGE', `${flag} must be a fraction in [0, 1), not "${text}".`, {
      details: { flag },
    });
  }
  return v;
}

function minutes(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) {
    throw new KeelError('KEEL_USAGE', `--timeout must be a positive number of minutes, not "${text}".`);
  }
  return v * 60_000;
}

function direction(text: string): Direction {
  if (text === 'maximize' || text === 'minimize') return text;
  throw new KeelError('KEEL_USAGE', `--direction must be maximize or minimize, not "${text}".`);
}

/** The `--json` document of `keel tune` (stable keys, see docs/tuning.md). */
export function tuneJson(r: TuneJobResult): Record<string, unknown> {
  return {
    studyId: r.studyId,
    parentRunId: r.parentRunId,
    experimentId: r.experimentId,
    name: r.name,
    learner: r.learner,
    task: r.task,
    target: r.target,
    metric: r.metric,
    direction: r.direction,
    sampler: r.sampler,
    pruner: r.pruner,
    counts: r.counts,
    bestTrial: r.best
      ? { number: r.best.number, runId: r.best.runId, value: r.best.value, rounds: r.best.rounds }
      : null,
    bestParams: r.bestParams,
    bestValue: r.best?.value ?? null,
    interrupted: r.interrupted,
    final: r.final ? { runId: r.final.runId, metrics: r.final.metrics } : null,
    registered: r.version
      ? { model: r.version.model, version: r.version.version, aliases: r.version.aliases }
      : null,
    resumed: r.resumed,
    durationMs: r.durationMs,
  };
}

function printTuneResult(cli: CliContext, r: TuneJobResult): void {
  const c = r.counts;
  cli.io.stdout.write(
    `\nStudy ${r.name}: ${c.trials} trials (${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed), ${r.sampler} sampler, ${r.pruner} pruner.\n`,
  );
  const fields: [string, unknown][] = [
    ['study', r.studyId],
    ['parent run', r.parentRunId],
    [`best ${r.metric}`, r.best ? `${r.best.value} (trial ${r.best.number}, run ${r.best.runId})` : '-'],
    ['best params', r.best ? describeParams(r.best) : '-'],
  ];
  if (r.final) {
    fields.push(['final run', r.final.runId]);
    fields.push([`validation ${r.metric}`, r.final.metrics.validation[r.metric]]);
    fields.push([`test ${r.metric}`, r.final.metrics.test[r.metric]]);
  }
  if (r.version)
    fields.push([
      'model',
      `${r.version.model}/${r.version.version}${r.version.aliases.length ? ` (aliases: ${r.version.aliases.join(', ')})` : ''}`,
    ]);
  fields.push(['next', `keel runs show ${r.parentRunId}`]);
  printFields(cli.io, fields);
}

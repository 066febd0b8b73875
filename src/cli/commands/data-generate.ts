import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { generateCardTransactions, writeFrame } from '../../data/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';

interface GenerateOptions {
  rows: string;
  seed: string;
  days: string;
  drift: string;
  concept: string;
  start?: string;
  out: string;
  json?: boolean;
}

function numberFlag(name: string, text: string, min: number, max: number, whole: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max || (whole && !Number.isSafeInteger(n))) {
    const kind = whole ? 'a whole number' : 'a number';
    throw new KeelError('KEEL_USAGE', `--${name} must be ${kind} in ${min}..${max}, got "${text}".`);
  }
  return n;
}

/** `keel data generate card-transactions`: the synthetic fraud data the example project and the demo use. */
export function registerGenerateCommand(data: Command, cli: CliContext): void {
  data
    .command('generate')
    .description('write synthetic card transactions and their daily user and merchant statistics')
    .argument('<dataset>', 'card-transactions (the only generator)')
    .option('--rows <n>', 'transactions to generate', '20000')
    .option('--days <n>', 'length of the window in days', '28')
    .option('--start <time>', 'first instant, ISO 8601 (default: --days before now, at 00:00 UTC)')
    .option('--drift <x>', 'distribution shift 0..1 (0 = none)', '0')
    .option('--concept <x>', 'concept drift 0..1: a new fraud pattern appears (0 = none)', '0')
    .option('--seed <n>', 'random seed (same options, same data)', '42')
    .option('--out <dir>', 'folder for transactions/user_stats/merchant_stats.parquet', 'data')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (dataset: string, opts: GenerateOptions) => {
        if (dataset !== 'card-transactions') {
          throw new KeelError(
            'KEEL_USAGE',
            `Unknown dataset "${dataset}": the generator is card-transactions.`,
          );
        }
        const rows = numberFlag('rows', opts.rows, 1, 50_000_000, true);
        const days = numberFlag('days', opts.days, 1, 3650, true);
        const drift = numberFlag('drift', opts.drift, 0, 1, false);
        const concept = numberFlag('concept', opts.concept, 0, 1, false);
        const seed = numberFlag('seed', opts.seed, 0, 2 ** 31, true);
        const startMs =
          opts.start === undefined ? startOfDay(Date.now()) - days * 86_400_000 : Date.parse(opts.start);
        if (!Number.isFinite(startMs)) {
          throw new KeelError('KEEL_USAGE', `--start must be an ISO 8601 time, got "${opts.start}".`);
        }
        const generated = generateCardTransactions({ rows, days, drift, concept, seed, startMs });
        const out = resolve(cli.io.cwd, opts.out);
        const files = {
          transactions: join(out, 'transactions.parquet'),
          userStats: join(out, 'user_stats.parquet'),
          merchantStats: join(out, 'merchant_stats.parquet'),
        };
        await writeFrame(generated.transactions, files.transactions);
        await writeFrame(generated.userStats, files.userStats);
        await writeFrame(generated.merchantStats, files.merchantStats);
        const summary = {
          transactions: { file: files.transactions, rows: generated.transactions.rowCount },
          userStats: { file: files.userStats, rows: generated.userStats.rowCount },
          merchantStats: { file: files.merchantStats, rows: generated.merchantStats.rowCount },
          from: new Date(startMs).toISOString(),
          to: new Date(startMs + days * 86_400_000).toISOString(),
        };
        if (opts.json) printJson(cli.io, summary);
        else {
          cli.io.stdout.write(
            `Wrote ${summary.transactions.rows} transactions (${summary.from} to ${summary.to}) to ${files.transactions},\n` +
              `${summary.userStats.rows} user and ${summary.merchantStats.rows} merchant daily statistics beside it.\n`,
          );
        }
        return EXIT.ok;
      }),
    );
}

/** 00:00 UTC of the day holding `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

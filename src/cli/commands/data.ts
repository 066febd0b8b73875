import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DATA_TYPES, type DataType, KeelError } from '../../core/index.js';
import {
  describeSource,
  fingerprint,
  loadExpectations,
  parseSource,
  type ReadOptions,
  type ReadProgress,
  readTable,
  summarize,
  validateFrame,
} from '../../data/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { createProgress, type Progress } from '../progress.js';
import { registerGenerateCommand } from './data-generate.js';
import { columnJson, printReport, printSummary } from './data-views.js';

interface SourceOptions {
  delimiter?: string;
  header?: boolean;
  types?: string;
  columns?: string;
  limit?: string;
  table?: string;
  query?: string;
  json?: boolean;
}

/** Shows progress only for reads that last: nothing for the first second of reading, so quick reads stay quiet. */
const PROGRESS_DELAY_MS = 1000;

/** Parses `--types amount=numeric,user_id=text`. */
export function parseTypes(text: string | undefined): Record<string, DataType> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, DataType> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.lastIndexOf('=');
    const name = part.slice(0, eq).trim();
    const type = part.slice(eq + 1).trim() as DataType;
    if (eq <= 0 || !DATA_TYPES.includes(type)) {
      throw new KeelError(
        'KEEL_USAGE',
        `--types takes column=type pairs with a type among ${DATA_TYPES.join(', ')}; got "${part}".`,
      );
    }
    out[name] = type;
  }
  return out;
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new KeelError('KEEL_USAGE', `--limit must be a whole number, not "${text}".`);
  return Number(text);
}

function progressReporter(
  cli: CliContext,
  label: string,
  silent: boolean,
): { onProgress: (p: ReadProgress) => void; stop: () => void } {
  let started: number | null = null;
  let bar: Progress | null = null;
  const onProgress = (p: ReadProgress): void => {
    started ??= Date.now();
    if (silent || (bar === null && Date.now() - started < PROGRESS_DELAY_MS)) return;
    bar ??= createProgress(cli.io, { label, total: 100, unit: '%' });
    if (p.phase === 'scan') bar.update(Math.max(0, p.done), 'scanning');
    else bar.update(100, `${p.done} rows converted`);
  };
  return { onProgress, stop: () => bar?.stop() };
}

function readOptions(
  cli: CliContext,
  opts: SourceOptions,
  onProgress: (p: ReadProgress) => void,
): ReadOptions {
  const types = parseTypes(opts.types);
  const limit = parseLimit(opts.limit);
  return {
    cwd: cli.io.cwd,
    onProgress,
    ...(types ? { types } : {}),
    ...(limit === undefined ? {} : { limit }),
    ...(opts.delimiter === undefined ? {} : { delimiter: opts.delimiter }),
    ...(opts.header === false ? { header: false } : {}),
    ...(opts.columns ? { columns: opts.columns.split(',').map((c) => c.trim()) } : {}),
    ...(opts.table === undefined ? {} : { table: opts.table }),
    ...(opts.query === undefined ? {} : { query: opts.query }),
  };
}

function withSourceOptions(command: Command): Command {
  return command
    .option('--delimiter <char>', 'CSV field separator (default: , or a tab for .tsv)')
    .option('--no-header', 'the CSV has no header line (columns become column0, column1...)')
    .option('--types <pairs>', 'declare column types, e.g. amount=numeric,user_id=text')
    .option('--columns <names>', 'read only these columns (comma-separated)')
    .option('--limit <n>', 'read at most n rows')
    .option('--table <name>', 'PostgreSQL sources: the table to read')
    .option('--query <sql>', 'PostgreSQL sources: the query to read')
    .option('--json', 'print JSON');
}

/** `keel data inspect|validate`: the schema, statistics and fingerprint of a data source; checks against expectations. */
export const registerDataCommand = (program: Command, cli: CliContext): void => {
  const data = program.command('data').description('inspect, validate and generate data files and tables');
  registerGenerateCommand(data, cli);

  withSourceOptions(
    data
      .command('inspect')
      .description('print the inferred schema, per-column statistics and the fingerprint of a data source')
      .argument('<source>', 'a .csv, .tsv, .parquet, .jsonl file or a postgres:// URL')
      .option(
        '--skip-bad-rows',
        'leave out rows that cannot be parsed (and say how many) instead of failing',
      ),
  ).action(
    action(cli, async (source: string, opts: SourceOptions & { skipBadRows?: boolean }) => {
      const parsed = parseSource(source, {
        cwd: cli.io.cwd,
        ...(opts.table ? { table: opts.table } : {}),
        ...(opts.query ? { query: opts.query } : {}),
      });
      const progress = progressReporter(cli, `reading ${source}`, opts.json === true);
      const read = await readTable(parsed, {
        ...readOptions(cli, opts, progress.onProgress),
        badRows: opts.skipBadRows ? 'skip' : 'fail',
      });
      progress.stop();
      const summary = summarize(read.frame);
      const digest = fingerprint(read.frame);
      if (opts.json) {
        printJson(cli.io, {
          file: describeSource(parsed),
          rows: summary.rows,
          fingerprint: digest,
          columns: summary.columns.map(columnJson),
          ...(read.badRows.count > 0 ? { badRows: read.badRows } : {}),
        });
      } else printSummary(cli.io, describeSource(parsed), summary, digest, read);
      return EXIT.ok;
    }),
  );

  withSourceOptions(
    data
      .command('validate')
      .description('check a data source against an expectations file (exit 1 when a rule fails)')
      .argument('<source>', 'a .csv, .tsv, .parquet, .jsonl file or a postgres:// URL')
      .requiredOption('--expect <file>', 'expectations file (.yaml or .json, see docs/data.md)'),
  ).action(
    action(cli, async (source: string, opts: SourceOptions & { expect: string }) => {
      const expectFile = resolve(cli.io.cwd, opts.expect);
      const expectations = await loadExpectations(expectFile);
      const parsed = parseSource(source, {
        cwd: cli.io.cwd,
        ...(opts.table ? { table: opts.table } : {}),
        ...(opts.query ? { query: opts.query } : {}),
      });
      const progress = progressReporter(cli, `reading ${source}`, opts.json === true);
      const read = await readTable(parsed, {
        ...readOptions(cli, opts, progress.onProgress),
        badRows: 'skip',
      });
      progress.stop();
      const report = validateFrame(read.frame, expectations, {
        badRows: read.badRows,
        ...(read.rowNumbers ? { rowNumbers: read.rowNumbers } : {}),
      });
      if (opts.json) printJson(cli.io, { file: describeSource(parsed), expectations: expectFile, ...report });
      else printReport(cli.io, describeSource(parsed), expectFile, report);
      return report.passed ? EXIT.ok : EXIT.failed;
    }),
  );
};

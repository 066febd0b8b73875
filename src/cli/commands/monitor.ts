import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Frame, KeelError } from '../../core/index.js';
import { readFrame } from '../../data/index.js';
import {
  buildReferenceSnapshot,
  checkModelDrift,
  type DriftOptions,
  type DriftReference,
  type DriftReport,
  detectDrift,
  loadReferenceSnapshot,
  offlineFolder,
  parseDuration,
  parseReferenceSnapshot,
  renderDriftReportHtml,
  STAT_TEST_NAMES,
  type StatTestName,
  type StatTestSelection,
} from '../../monitor/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printDriftReport } from './drift-views.js';
import { addQualityCommand } from './monitor-quality.js';

/** Options of `keel monitor drift` as commander parses them. */
interface DriftCliOptions {
  reference?: string;
  current?: string;
  model?: string;
  window?: string;
  allVersions?: boolean;
  columns?: string;
  stattest?: string;
  threshold?: string;
  driftShare?: string;
  prediction?: string;
  minRows?: string;
  html?: string;
  json?: boolean;
}

const usage = (message: string): KeelError => new KeelError('KEEL_USAGE', message);

/** Two files with no column in common are a mistake (a wrong file), not "no drift". */
function requireSharedColumn(report: DriftReport, referencePath: string, currentPath: string): void {
  if (report.columns.length > 0 || report.predictionDrift !== null) return;
  const list = (names: readonly string[]) =>
    names.length === 0 ? '(none)' : names.slice(0, 20).join(', ') + (names.length > 20 ? ', …' : '');
  throw new KeelError(
    'KEEL_FRAME_COLUMN_NOT_FOUND',
    `${referencePath} and ${currentPath} have no column in common, so nothing can be compared. ${referencePath} has: ${list(report.onlyInReference)}; ${currentPath} has: ${list(report.onlyInCurrent)}.`,
    { details: { reference: report.onlyInReference, current: report.onlyInCurrent } },
  );
}

function parseNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw usage(`${flag} must be a number; got "${text}".`);
  return n;
}

function parseList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return items.length ? items : undefined;
}

function parseStattest(text: string | undefined): StatTestSelection | undefined {
  const names = parseList(text);
  if (!names) return undefined;
  if (names.length === 1 && names[0] === 'all') return 'all';
  for (const n of names) {
    if (!STAT_TEST_NAMES.includes(n as StatTestName)) {
      throw usage(
        `--stattest: unknown test "${n}". Use one or more of ${STAT_TEST_NAMES.join(', ')}, or all.`,
      );
    }
  }
  return names as StatTestName[];
}

/** The reference of a drift check given as a file: a data file or a snapshot (.json, see `keel monitor snapshot`). */
async function loadReference(
  path: string,
  cwd: string,
  columns: readonly string[] | undefined,
): Promise<DriftReference> {
  if (extname(path).toLowerCase() === '.json') {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, path), 'utf8');
    } catch (error) {
      throw new KeelError('KEEL_DATA_FILE_NOT_FOUND', `Cannot read the reference snapshot ${path}.`, {
        details: { file: path },
        cause: error,
      });
    }
    return parseReferenceSnapshot(text);
  }
  return readFrame(path, columns ? { cwd, columns } : { cwd });
}

/** Current data given as a file (the `--window` form reads the prediction log instead). */
function loadCurrent(path: string, cwd: string, columns: readonly string[] | undefined): Promise<Frame> {
  return readFrame(path, columns ? { cwd, columns } : { cwd });
}

/** JSON with non-finite numbers as the strings "Infinity", "-Infinity", "NaN" (e.g. chi-square with a new category). */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
}

/** The drift inputs: a reference (file, snapshot or a model version's snapshot) and current data (file or a log window). */
interface DriftInputs {
  readonly reference: DriftReference;
  readonly current: Frame;
  readonly report: DriftReport;
  /** Says what was compared, for the HTML subtitle and the table heading. */
  readonly subtitle: string;
}

async function modelDriftInputs(
  cli: CliContext,
  opts: DriftCliOptions,
  options: DriftOptions,
): Promise<DriftInputs> {
  const keel = await cli.keel();
  const stores = { registry: await keel.registry(), artifacts: await keel.store('artifacts') };
  const model = opts.model!;
  if (opts.current) {
    const { version, snapshot } = await loadReferenceSnapshot(stores, model);
    const current = await loadCurrent(opts.current, cli.io.cwd, undefined);
    return {
      reference: snapshot,
      current,
      report: detectDrift(snapshot, current, options),
      subtitle: `${version.model}/${version.version} reference snapshot vs ${opts.current}`,
    };
  }
  if (!opts.window) throw usage('With --model, pass --window <1d> (the prediction log) or --current <file>.');
  const windowMs = parseDuration(opts.window, '--window');
  const result = await checkModelDrift({
    stores,
    offline: offlineFolder(keel.config.stores.offline, keel.ctx.root),
    modelRef: model,
    windowMs,
    now: keel.ctx.clock.now(),
    drift: options,
    ...(opts.allVersions ? { allVersions: true } : {}),
  });
  const { version, fromMs, toMs } = result;
  const span = `${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()}`;
  return {
    reference: result.reference,
    current: result.current,
    report: result.report,
    subtitle: `${version.model}/${version.version}: reference snapshot vs ${result.current.rowCount} logged predictions (${span})`,
  };
}

async function runDrift(cli: CliContext, opts: DriftCliOptions): Promise<number> {
  if (opts.model && opts.reference) throw usage('Pass either --model <ref> or --reference <file>, not both.');
  if (!opts.model && !opts.reference) {
    throw usage(
      'Pass --reference <file> (training data, or a snapshot .json), or --model <ref> (its stored snapshot).',
    );
  }
  if (opts.window && !opts.model)
    throw usage('--window reads the prediction log of a model: pass --model <ref>.');
  if (opts.window && opts.current) throw usage('Pass either --window or --current, not both.');
  if (!opts.model && !opts.current) throw usage('Pass --current <file> (the data to check).');
  const columns = parseList(opts.columns);
  const options: DriftOptions = {
    ...(columns ? { columns } : {}),
    ...(opts.stattest === undefined ? {} : { stattest: parseStattest(opts.stattest)! }),
    ...(opts.threshold === undefined ? {} : { threshold: parseNumber(opts.threshold, '--threshold')! }),
    ...(opts.driftShare === undefined ? {} : { driftShare: parseNumber(opts.driftShare, '--drift-share')! }),
    ...(opts.minRows === undefined ? {} : { minRows: parseNumber(opts.minRows, '--min-rows')! }),
    ...(opts.prediction ? { predictionColumn: opts.prediction } : {}),
  };
  let inputs: DriftInputs;
  if (opts.model) inputs = await modelDriftInputs(cli, opts, options);
  else {
    const wanted = columns && [...columns, ...(opts.prediction ? [opts.prediction] : [])];
    const reference = await loadReference(opts.reference!, cli.io.cwd, wanted);
    const current = await loadCurrent(opts.current!, cli.io.cwd, wanted);
    const report = detectDrift(reference, current, options);
    requireSharedColumn(report, opts.reference!, opts.current!);
    inputs = {
      reference,
      current,
      report,
      subtitle: `${opts.reference} (reference) vs ${opts.current} (current)`,
    };
  }
  const { reference, current, report } = inputs;
  let htmlPath: string | null = null;
  if (opts.html) {
    htmlPath = resolve(cli.io.cwd, opts.html);
    const html = renderDriftReportHtml(
      report,
      { reference, current },
      { subtitle: inputs.subtitle, generatedAtMs: Date.now() },
    );
    mkdirSync(dirname(htmlPath), { recursive: true });
    writeFileSync(htmlPath, html);
  }
  if (opts.json) cli.io.stdout.write(`${toJson({ ...report, htmlReport: htmlPath })}\n`);
  else {
    if (opts.model) cli.io.stdout.write(`${inputs.subtitle}\n\n`);
    printDriftReport(cli.io, report);
    if (htmlPath) cli.io.stdout.write(`HTML report written to ${htmlPath}\n`);
  }
  return report.datasetDrift ? EXIT.failed : EXIT.ok;
}

async function runSnapshot(
  cli: CliContext,
  file: string,
  opts: { out: string; sampleSize?: string; json?: boolean },
): Promise<number> {
  const sampleSize = parseNumber(opts.sampleSize, '--sample-size');
  const frame = await readFrame(file, { cwd: cli.io.cwd });
  const snapshot = buildReferenceSnapshot(frame, sampleSize === undefined ? {} : { sampleSize });
  const out = resolve(cli.io.cwd, opts.out);
  const text = JSON.stringify(snapshot);
  writeFileSync(out, text);
  if (opts.json)
    cli.io.stdout.write(
      `${toJson({ snapshot: out, bytes: text.length, columns: snapshot.columns.length, rows: snapshot.rowCount })}\n`,
    );
  else
    cli.io.stdout.write(
      `Reference snapshot of ${snapshot.rowCount} rows, ${snapshot.columns.length} columns written to ${out} (${text.length} bytes)\n`,
    );
  return EXIT.ok;
}

/** `keel monitor drift|snapshot`: data drift between a reference and current data, and reference snapshots. */
export const registerMonitorCommand = (program: Command, cli: CliContext): void => {
  const monitor = program
    .command('monitor')
    .description('monitor models and data: drift reports, reference snapshots, live quality');
  monitor
    .command('drift')
    .description('compare current data with a reference; exit 1 when the dataset drifts')
    .option('--reference <file>', 'reference data (CSV, Parquet, JSON Lines) or a snapshot .json')
    .option(
      '--model <ref>',
      'a model version (fraud/3, fraud@champion, fraud): its stored reference snapshot',
    )
    .option('--current <file>', 'current data to check')
    .option('--window <duration>', "with --model: the version's logged inputs over the last 1h, 1d, 7d...")
    .option('--all-versions', 'with --window: logged inputs of every version of the model')
    .option('--columns <a,b>', 'columns to test (default: all columns on both sides)')
    .option(
      '--stattest <names>',
      `test(s) for every column: ${STAT_TEST_NAMES.join(', ')} or all (default: by type and size)`,
    )
    .option('--threshold <x>', 'threshold of the deciding test (default: p-values 0.05, distances 0.1)')
    .option('--drift-share <x>', 'share of drifted columns that means dataset drift', '0.5')
    .option('--prediction <column>', 'a model prediction column, reported as prediction drift')
    .option('--min-rows <n>', 'minimum non-missing rows per side to test a column', '30')
    .option('--html <out.html>', 'also write a self-contained HTML report')
    .option('--json', 'print the report as JSON')
    .action(action(cli, (opts: DriftCliOptions) => runDrift(cli, opts)));
  monitor
    .command('snapshot')
    .description('summarise (training) data into a small reference snapshot for later drift checks')
    .argument('<file>', 'data file (CSV, Parquet, JSON Lines)')
    .requiredOption('--out <file.json>', 'where to write the snapshot')
    .option('--sample-size <n>', 'values kept per numeric column (more become a quantile sketch)', '1000')
    .option('--json', 'print the result as JSON')
    .action(
      action(cli, (file: string, opts: { out: string; sampleSize?: string; json?: boolean }) =>
        runSnapshot(cli, file, opts),
      ),
    );
  addQualityCommand(monitor, cli);
};

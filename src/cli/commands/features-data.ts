import { resolve } from 'node:path';
import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { formatOf, readFrame } from '../../data/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { createProgress, type Progress } from '../progress.js';
import {
  cliFeatureStore,
  collect,
  featureRequest,
  parsePairs,
  parseTimeFlag,
  type RepoOpt,
  type SelectOpts,
} from './features-args.js';
import { printMaterialized, printOnline, printTrainingSet } from './features-views.js';

/** `keel features materialize|get-online|get-historical`: the data commands of the feature store. */
export function registerDataCommands(features: Command, cli: CliContext): void {
  features
    .command('materialize')
    .description('move the latest feature values from the offline store to the online store')
    .option('--start <time>', 'interval start (ISO 8601 with a zone, epoch ms)')
    .option('--end <time>', 'interval end (default: now)', 'now')
    .option('--incremental', 'start where the last materialization of each view ended')
    .option('--views <names>', 'only these views (comma-separated)')
    .option('--repo <dir>', 'definitions folder (for on-demand code; default: features/)')
    .option('--json', 'print JSON')
    .action(
      action(
        cli,
        async (opts: RepoOpt & { start?: string; end: string; incremental?: boolean; views?: string }) => {
          const { store, now } = await cliFeatureStore(cli, opts.repo, 'when-needed');
          if ((opts.start === undefined) === (opts.incremental !== true)) {
            throw new KeelError('KEEL_USAGE', 'Give --start <time> or --incremental (not both).');
          }
          const end = parseTimeFlag(opts.end, 'end', now);
          let bar: Progress | null = null;
          let current = '';
          const options = {
            ...(opts.views ? { views: opts.views.split(',').map((v) => v.trim()) } : {}),
            onProgress: (p: {
              view: string;
              written: number;
              partitionsDone: number;
              partitions: number;
            }) => {
              if (p.view !== current) {
                bar?.stop();
                current = p.view;
                bar = createProgress(cli.io, {
                  label: p.view,
                  total: p.partitions,
                  unit: 'partitions',
                  silent: opts.json === true,
                });
              }
              bar?.update(p.partitionsDone, `${p.written} entities written`);
            },
          };
          const results = opts.incremental
            ? await store.materializeIncremental(end, options)
            : await store.materialize(parseTimeFlag(opts.start!, 'start', now), end, options);
          (bar as Progress | null)?.stop();
          if (opts.json) printJson(cli.io, results);
          else printMaterialized(cli.io, results);
          return EXIT.ok;
        },
      ),
    );

  features
    .command('get-online')
    .description('read the latest feature values of entities from the online store')
    .option('--entity <pairs>', 'one entity row as key=value[,key=value] (repeat for more rows)', collect, [])
    .option(
      '--request <pairs>',
      'request data for on-demand views, one per entity row (or one for all)',
      collect,
      [],
    )
    .option('--features <refs>', 'feature references view:feature, comma-separated')
    .option('--service <name>', 'a feature service instead of --features')
    .option('--full-names', 'name features view__feature')
    .option('--serve-stale', 'show values older than the TTL (still flagged OUTSIDE_MAX_AGE)')
    .option('--repo <dir>', 'definitions folder (for on-demand code; default: features/)')
    .option('--json', 'print JSON')
    .action(
      action(
        cli,
        async (
          opts: RepoOpt & SelectOpts & { entity: string[]; request: string[]; serveStale?: boolean },
        ) => {
          if (opts.entity.length === 0)
            throw new KeelError('KEEL_USAGE', 'Give at least one --entity key=value.');
          const { store } = await cliFeatureStore(cli, opts.repo, 'when-needed');
          const rows = opts.entity.map((e) => parsePairs(e, 'entity'));
          const request = opts.request.map((r) => parsePairs(r, 'request'));
          const requestData = request.length === 1 ? rows.map(() => request[0]!) : request;
          const result = await store.getOnlineFeatures(rows, featureRequest(opts), {
            ...(requestData.length > 0 ? { requestData } : {}),
            fullFeatureNames: opts.fullNames === true,
            serveStale: opts.serveStale === true,
          });
          if (opts.json) printJson(cli.io, result);
          else printOnline(cli.io, result);
          return EXIT.ok;
        },
      ),
    );

  features
    .command('get-historical')
    .description('build a point-in-time correct training set for entity rows')
    .requiredOption(
      '--entities <file>',
      'entity rows: CSV, Parquet or JSON Lines with join keys and event_timestamp',
    )
    .option('--features <refs>', 'feature references view:feature, comma-separated')
    .option('--service <name>', 'a feature service instead of --features')
    .option('--output <file>', 'write the training set here (.parquet, .csv, .jsonl)')
    .option('--timestamp-column <name>', "the entity rows' timestamp column (default event_timestamp)")
    .option('--full-names', 'name features view__feature')
    .option('--head <n>', 'rows to print', '5')
    .option('--repo <dir>', 'definitions folder (for on-demand code; default: features/)')
    .option('--json', 'print JSON')
    .action(
      action(
        cli,
        async (
          opts: RepoOpt &
            SelectOpts & { entities: string; output?: string; timestampColumn?: string; head: string },
        ) => {
          const { store } = await cliFeatureStore(cli, opts.repo, 'when-needed');
          const ts = opts.timestampColumn ?? 'event_timestamp';
          // Text formats keep timestamps as written, so a missing time zone is caught instead of guessed.
          const textual = formatOf(opts.entities) !== 'parquet';
          const entities = await readFrame(opts.entities, {
            cwd: cli.io.cwd,
            ...(textual ? { types: { [ts]: 'text' } } : {}),
          });
          const set = await store.getHistoricalFeatures(entities, featureRequest(opts), {
            timestampColumn: ts,
            fullFeatureNames: opts.fullNames === true,
            ...(opts.output ? { outputPath: resolve(cli.io.cwd, opts.output) } : {}),
          });
          if (opts.json) {
            printJson(cli.io, {
              rows: set.frame.rowCount,
              columns: set.frame.names,
              fingerprint: set.fingerprint,
              entityFingerprint: set.entityFingerprint,
              featureService: set.featureService,
              features: set.features,
              output: set.outputPath,
              head: set.frame.slice(0, Number(opts.head)).toRecords(),
            });
          } else printTrainingSet(cli.io, set, Number(opts.head));
          return EXIT.ok;
        },
      ),
    );
}

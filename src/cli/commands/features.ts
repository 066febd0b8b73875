import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { cliFeatureStore, type RepoOpt } from './features-args.js';
import { registerDataCommands } from './features-data.js';
import { printCatalog, printDefinition, printPlan } from './features-views.js';

function registerDefinitionCommands(features: Command, cli: CliContext): void {
  for (const [name, apply] of [
    ['plan', false],
    ['apply', true],
  ] as const) {
    const cmd = features
      .command(name)
      .description(
        apply
          ? "store the repository's definitions in the registry (idempotent)"
          : 'show how the repository differs from the registry',
      )
      .option('--repo <dir>', 'definitions folder (default: features/)')
      .option('--json', 'print JSON');
    if (apply) cmd.option('--force', 'allow changes that drop data (deleting views, changing keys or types)');
    cmd.action(
      action(cli, async (opts: RepoOpt & { force?: boolean }) => {
        const { store } = await cliFeatureStore(cli, opts.repo, 'always');
        if (!store.repository) {
          throw new KeelError(
            'KEEL_USAGE',
            'No feature repository: put definitions in features/ or pass --repo <folder>.',
          );
        }
        const plan = apply
          ? (await store.apply(store.repository, { force: opts.force === true })).plan
          : await store.plan();
        if (opts.json) printJson(cli.io, plan);
        else printPlan(cli.io, plan, apply);
        return EXIT.ok;
      }),
    );
  }

  features
    .command('list')
    .description('list the applied entities, sources, feature views and feature services')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: RepoOpt) => {
        const catalog = await (await cliFeatureStore(cli, undefined, 'never')).store.catalog();
        if (opts.json) printJson(cli.io, catalog.specs());
        else printCatalog(cli.io, catalog);
        return EXIT.ok;
      }),
    );

  features
    .command('describe')
    .description('show one definition (a feature view with its freshness and materializations)')
    .argument('<name>', 'a feature view, entity, source or feature service')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, opts: RepoOpt) => {
        const { store } = await cliFeatureStore(cli, undefined, 'never');
        const catalog = await store.catalog();
        const spec = catalog.specs().find((s) => s.name === name);
        if (!spec) {
          throw new KeelError(
            'KEEL_FEATURE_VIEW_NOT_FOUND',
            `No definition named "${name}". List them with: keel features list`,
            { details: { name } },
          );
        }
        const extra =
          spec.kind === 'featureView'
            ? {
                freshness: (await store.freshness()).find((f) => f.view === name),
                materializations: await (await cli.keel())
                  .store('metadata')
                  .then((m) => m.features.materializations(name)),
              }
            : {};
        if (opts.json) printJson(cli.io, { ...spec, ...extra });
        else printDefinition(cli.io, spec, extra);
        return EXIT.ok;
      }),
    );
}

/** `keel features ...`: definitions (plan, apply, list, describe) and data (materialize, get-online, get-historical). */
export const registerFeaturesCommand = (program: Command, cli: CliContext): void => {
  const features = program
    .command('features')
    .description('the feature store: definitions, training sets, online values');
  registerDefinitionCommands(features, cli);
  registerDataCommands(features, cli);
};

import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { parseModelReference, type Registry } from '../../registry/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';
import { registerModelImport } from './model-import.js';
import {
  describeAliasEvent,
  printAliasHistory,
  printModel,
  printModelTable,
  printVersion,
} from './model-views.js';

type JsonOpt = { json?: boolean };

/** The registry service of the CLI's project, attributed to the shell user. */
async function cliRegistry(cli: CliContext): Promise<Registry> {
  return (await cli.keel()).registry({ actor: cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli' });
}

/** Parses a version argument: a whole number from 1. */
function parseVersion(text: string): number {
  if (!/^[1-9]\d*$/.test(text))
    throw new KeelError('KEEL_USAGE', `Version must be a number such as 3, not "${text}".`);
  return Number(text);
}

/** Parses `key=value` pairs; a repeated key or a missing `=` is a usage error. */
export function parseTagPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new KeelError('KEEL_USAGE', `Tags are key=value pairs; "${pair}" has no key or no "=".`);
    const key = pair.slice(0, eq);
    if (key in out) throw new KeelError('KEEL_USAGE', `Tag "${key}" is given twice; give each key once.`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

/** `keel models ...`: list, show, alias, history, tag and delete registered models. */
export const registerModelsCommand = (program: Command, cli: CliContext): void => {
  const models = program.command('models').description('the model registry: versions, aliases, tags');
  registerModelImport(models, cli);

  models
    .command('list')
    .description('list registered models')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (opts: JsonOpt) => {
        const list = await (await cliRegistry(cli)).listModels();
        if (opts.json) printJson(cli.io, list);
        else printModelTable(cli.io, list);
        return EXIT.ok;
      }),
    );

  models
    .command('show')
    .description('show a model (versions, aliases, lineage) or one version (fraud/3, fraud@champion)')
    .argument('<model>', 'model name, or a version reference')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (ref: string, opts: JsonOpt) => {
        const registry = await cliRegistry(cli);
        const parsed = parseModelReference(ref);
        if (parsed.kind !== 'latest' || /[/@]/.test(ref)) {
          const version = await registry.resolve(parsed);
          if (opts.json) printJson(cli.io, version);
          else printVersion(cli.io, version);
          return EXIT.ok;
        }
        const model = await registry.getModel(parsed.model);
        const versions = await registry.listVersions(parsed.model);
        if (opts.json) printJson(cli.io, { ...model, versions });
        else printModel(cli.io, model, versions);
        return EXIT.ok;
      }),
    );

  models
    .command('alias')
    .description('point an alias at a version (or remove it with --delete); every move is recorded')
    .argument('<model>', 'model name')
    .argument('<alias>', 'alias, e.g. champion')
    .argument('[version]', 'version number')
    .option('--reason <text>', 'why (kept in the alias history)')
    .option('--delete', 'remove the alias instead')
    .option('--json', 'print JSON')
    .action(
      action(
        cli,
        async (
          model: string,
          alias: string,
          version: string | undefined,
          opts: JsonOpt & { reason?: string; delete?: boolean },
        ) => {
          const registry = await cliRegistry(cli);
          const change = opts.reason === undefined ? {} : { reason: opts.reason };
          if (opts.delete && version !== undefined) {
            throw new KeelError(
              'KEEL_USAGE',
              `--delete removes the alias; do not give a version (got ${version}).`,
            );
          }
          if (!opts.delete && version === undefined) {
            throw new KeelError(
              'KEEL_USAGE',
              `Which version should ${model}@${alias} point at? e.g. keel models alias ${model} ${alias} 3`,
            );
          }
          const event = opts.delete
            ? await registry.deleteAlias(model, alias, change)
            : await registry.setAlias(model, alias, parseVersion(version!), change);
          if (opts.json) printJson(cli.io, event);
          else cli.io.stdout.write(`${describeAliasEvent(event)}\n`);
          return EXIT.ok;
        },
      ),
    );

  models
    .command('history')
    .description('the alias history of a model: who moved which alias, when and why')
    .argument('<model>', 'model name')
    .argument('[alias]', 'only this alias')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (model: string, alias: string | undefined, opts: JsonOpt) => {
        const registry = await cliRegistry(cli);
        await registry.getModel(model);
        const events = await registry.aliasHistory(model, alias);
        if (opts.json) printJson(cli.io, events);
        else printAliasHistory(cli.io, events);
        return EXIT.ok;
      }),
    );

  models
    .command('tag')
    .description('set tags on a model or a version: keel models tag fraud/3 validated=yes')
    .argument('<model>', 'model, or a version reference (fraud/3, fraud@champion)')
    .argument('<pairs...>', 'key=value pairs (keys with --delete)')
    .option('--delete', 'remove the given keys instead')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (ref: string, pairs: string[], opts: JsonOpt & { delete?: boolean }) => {
        const registry = await cliRegistry(cli);
        if (opts.delete) await registry.deleteTags(ref, pairs);
        else await registry.setTags(ref, parseTagPairs(pairs));
        if (opts.json)
          printJson(cli.io, {
            target: ref,
            ...(opts.delete ? { deleted: pairs } : { tags: parseTagPairs(pairs) }),
          });
        else cli.io.stdout.write(`${opts.delete ? 'Removed tags from' : 'Tagged'} ${ref}\n`);
        return EXIT.ok;
      }),
    );

  models
    .command('delete')
    .description('delete a model with all its versions, or one version (fraud/3); refused while deployed')
    .argument('<model>', 'model name, or model/version')
    .option('--reason <text>', 'why (kept in the alias history for removed aliases)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (ref: string, opts: JsonOpt & { reason?: string }) => {
        const registry = await cliRegistry(cli);
        const parsed = parseModelReference(ref);
        if (parsed.kind === 'alias' || (parsed.kind === 'latest' && /[/@]/.test(ref))) {
          throw new KeelError(
            'KEEL_USAGE',
            `Delete names a model or an exact version (fraud or fraud/3), not "${ref}".`,
          );
        }
        if (parsed.kind === 'version')
          await registry.deleteVersion(
            parsed.model,
            parsed.version,
            opts.reason === undefined ? {} : { reason: opts.reason },
          );
        else await registry.deleteModel(parsed.model);
        if (opts.json) printJson(cli.io, { deleted: ref });
        else
          cli.io.stdout.write(
            `Deleted ${parsed.kind === 'version' ? `version ${parsed.version} of model "${parsed.model}"` : `model "${parsed.model}" and all its versions`}\n`,
          );
        return EXIT.ok;
      }),
    );
};

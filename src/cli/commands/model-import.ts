import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { readOnnxModelInfo } from '../../serve/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';

interface ImportOptions {
  alias?: string[];
  description?: string;
  reason?: string;
  json?: boolean;
}

async function readModelFile(cli: CliContext, file: string): Promise<Buffer> {
  const path = resolve(cli.io.cwd, file);
  try {
    return await readFile(path);
  } catch (error) {
    throw new KeelError('KEEL_USAGE', `Cannot read ${path}: ${(error as Error).message}.`, {
      cause: error,
      details: { file: path },
    });
  }
}

/**
 * `keel models import <name> <file.onnx>`: registers a model trained elsewhere (PyTorch,
 * scikit-learn, XGBoost exports) as a new version, flavor `onnx`, with the signature read from the
 * ONNX graph (input and output names, datatypes, shapes, class labels, task).
 */
export function registerModelImport(models: Command, cli: CliContext): void {
  models
    .command('import')
    .description('register an ONNX model trained elsewhere; its signature is read from the graph')
    .argument('<model>', 'model name (created when missing)')
    .argument('<file>', 'an .onnx file')
    .option('--alias <alias...>', 'point these aliases at the new version')
    .option('--description <text>', 'version description')
    .option('--reason <text>', 'why (kept in the alias history)')
    .option('--json', 'print JSON')
    .action(
      action(cli, async (name: string, file: string, opts: ImportOptions) => {
        const bytes = await readModelFile(cli, file);
        const info = readOnnxModelInfo(bytes);
        const registry = await (await cli.keel()).registry({
          actor: cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli',
        });
        const version = await registry.register({
          model: name,
          content: bytes,
          flavor: 'onnx',
          signature: info.signature,
          tags: info.producer ? { producer: info.producer } : {},
          ...(opts.description !== undefined ? { description: opts.description } : {}),
          ...(opts.alias ? { aliases: opts.alias } : {}),
          ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
        });
        if (opts.json) printJson(cli.io, version);
        else {
          const io = info.signature;
          const show = (f: (typeof io.inputs)[number]) =>
            `${f.name} ${f.datatype ?? f.type}[${(f.shape ?? []).join(',')}]`;
          cli.io.stdout.write(
            `Imported ${file} as ${version.model}/${version.version}${version.aliases.length > 0 ? ` (${version.aliases.map((a) => `@${a}`).join(', ')})` : ''}\n` +
              `  inputs:  ${io.inputs.map(show).join(', ')}\n  outputs: ${io.outputs.map(show).join(', ')}\n` +
              (io.task
                ? `  task:    ${io.task}${io.classes ? ` (classes ${io.classes.join(', ')})` : ''}\n`
                : '') +
              (info.omittedOutputs.length > 0
                ? `  not served: ${info.omittedOutputs.map((o) => `${o.name} (${o.kind})`).join(', ')}\n`
                : ''),
          );
        }
        return EXIT.ok;
      }),
    );
}

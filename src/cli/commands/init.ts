import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CONFIG_FILES, defaultConfig } from '../../core/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printJson } from '../output.js';

/** The keel.yaml written by `keel init`: every store on its embedded default, with the scale-out form beside it. */
export function initialConfigYaml(project: string): string {
  const d = defaultConfig();
  return `# Keel project configuration. Every key is optional; these are the defaults.
# Environment variables override them (KEEL_METADATA_URL, KEEL_ONLINE_URL, ... see docs/configuration.md).
project: ${project}
home: .keel
stores:
  metadata: '${d.stores.metadata}'   # or postgres://user@host:5432/db
  artifacts: '${d.stores.artifacts}'
  offline: '${d.stores.offline}'
  online: '${d.stores.online}'       # or redis://127.0.0.1:6379
  cache: '${d.stores.cache}'                          # or redis://127.0.0.1:6379
  queue: '${d.stores.queue}'                          # or bullmq://127.0.0.1:6379
  stream: '${d.stores.stream}'                         # or nats://127.0.0.1:4222
server:
  host: ${d.server.host}
  port: ${d.server.port}
`;
}

/** `keel init [dir]`: creates keel.yaml and the .keel/ folder; refuses to overwrite an existing config. */
export const registerInitCommand = (program: Command, cli: CliContext): void => {
  program
    .command('init')
    .description('create a Keel project (keel.yaml and .keel/) in a folder')
    .argument('[dir]', 'project folder', '.')
    .option('--name <name>', 'project name (default: the folder name)')
    .option('--json', 'print the result as JSON')
    .action(
      action(cli, async (dir: string, opts: { name?: string; json?: boolean }) => {
        const root = resolve(cli.io.cwd, dir);
        const existing = CONFIG_FILES.find((f) => existsSync(join(root, f)));
        if (existing) {
          cli.io.stderr.write(
            `A Keel project already exists here (${join(root, existing)}). Nothing was changed.\n`,
          );
          return EXIT.usage;
        }
        mkdirSync(join(root, '.keel'), { recursive: true });
        const name = opts.name ?? (basename(root).replace(/[^A-Za-z0-9_.-]/g, '-') || 'keel');
        writeFileSync(join(root, 'keel.yaml'), initialConfigYaml(name));
        const gitignore = join(root, '.gitignore');
        const current = existsSync(gitignore) ? readFileSync(gitignore, 'utf8') : '';
        if (!current.split('\n').includes('.keel/')) {
          writeFileSync(gitignore, `${current}${current && !current.endsWith('\n') ? '\n' : ''}.keel/\n`);
        }
        if (opts.json) printJson(cli.io, { root, config: join(root, 'keel.yaml'), project: name });
        else {
          cli.io.stdout.write(`Created Keel project "${name}" in ${root}\n`);
          cli.io.stdout.write('  keel.yaml   configuration (embedded stores under .keel/)\n');
          cli.io.stdout.write(
            'Next: keel data inspect <file.csv>, then keel train --data <file> --target <column>\n',
          );
        }
        return EXIT.ok;
      }),
    );
};

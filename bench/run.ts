// Runs one benchmark: `npm run bench -- <module>/<scenario> [args...]` runs bench/<module>/<scenario>.ts.
// Benchmarks are never part of `npm test`; each prints its ratio to the peer and a RESULTS.md row.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = new URL('.', import.meta.url).pathname;
const [name, ...rest] = process.argv.slice(2);
const list = (): string[] =>
  readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'lib')
    .flatMap((d) =>
      readdirSync(join(here, d.name))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${d.name}/${f.replace(/\.ts$/, '')}`),
    );
if (!name) {
  process.stdout.write(
    `usage: npm run bench -- <name> [args]\nbenchmarks:\n${list()
      .map((n) => `  ${n}`)
      .join('\n')}\n`,
  );
  process.exit(2);
}
const file = join(here, `${name}.ts`);
if (!existsSync(file)) {
  process.stderr.write(`No benchmark "${name}". Known: ${list().join(', ')}\n`);
  process.exit(2);
}
process.argv = [process.argv[0]!, file, ...rest];
await import(pathToFileURL(file).href);

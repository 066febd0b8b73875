import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const quote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Writes `keel` and `npx` scripts into `dir` and returns a PATH with `dir` first: `keel ...` and
 * `npx keel ...` run this repository's built CLI (`node <repo>/bin/keel.js`) with the node running
 * the tests, as `npx keel` does inside a clone; any other `npx` call goes to the real npx.
 */
export function cliShimPath(dir: string, repo: string, path = process.env.PATH ?? ''): string {
  mkdirSync(dir, { recursive: true });
  const keel = join(dir, 'keel');
  const realNpx = path
    .split(delimiter)
    .map((p) => join(p, 'npx'))
    .find((f) => f !== join(dir, 'npx') && existsSync(f));
  writeFileSync(
    keel,
    `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(join(repo, 'bin/keel.js'))} "$@"\n`,
  );
  writeFileSync(
    join(dir, 'npx'),
    [
      '#!/bin/sh',
      `if [ "$1" = keel ]; then shift; exec ${quote(keel)} "$@"; fi`,
      realNpx ? `exec ${quote(realNpx)} "$@"` : 'echo "npx: not found on PATH" >&2; exit 127',
      '',
    ].join('\n'),
  );
  chmodSync(keel, 0o755);
  chmodSync(join(dir, 'npx'), 0o755);
  return [dir, path].join(delimiter);
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The repository root. */
export const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin/keel.js');
/** The environment without KEEL_* variables, so the project's own config decides. */
export const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('KEEL_')),
);

/** What a CLI invocation printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the BUILT CLI (`npm run build` first; `npm test` does) in `cwd`, never throwing on a non-zero exit. */
export async function runBuiltCli(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  if (!existsSync(join(REPO, 'dist/cli/index.js')))
    throw new Error('dist/ is missing: run `npm run build` first.');
  try {
    const r = await exec(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...CLEAN_ENV, ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

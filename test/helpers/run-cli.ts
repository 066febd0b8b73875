import { PassThrough } from 'node:stream';
import { type CliIo, main } from '../../src/cli/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (no child process, so it is fast) and captures its output. */
export async function runCli(
  argv: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const io: CliIo = { stdout: out, stderr: err, env, cwd };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

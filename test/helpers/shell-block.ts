import { spawn } from 'node:child_process';
import { waitFor } from './poll.js';

/** How a shell block ended. */
export interface ShellBlockResult {
  /** bash's exit code; null when it was killed (timeout). */
  readonly code: number | null;
  /** stdout and stderr, interleaved as they arrived. */
  readonly output: string;
  readonly timedOut: boolean;
  /** Processes of the block still running after bash exited (they were killed). */
  readonly leftovers: boolean;
}

/** Options of `runShellBlock`. */
export interface ShellBlockOptions {
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  readonly timeoutMs: number;
}

/**
 * Runs a block of shell commands with `bash` under `set -euo pipefail`, in a process group of its
 * own, so that whatever it started in the background (`keel serve &`) and left running can be found
 * and killed once bash exits. Waits for bash's exit, not for its pipes: a leftover holds them open.
 */
export async function runShellBlock(code: string, options: ShellBlockOptions): Promise<ShellBlockResult> {
  const child = spawn('bash', ['-c', `set -euo pipefail\n${code}`], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child.pid!, 'SIGKILL');
  }, options.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  clearTimeout(timer);
  const leftovers = await killGroup(child.pid!);
  child.stdout.destroy();
  child.stderr.destroy();
  return { code: exitCode, output, timedOut, leftovers };
}

/** Sends `signal` to a process group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Ends what is left of a process group: SIGTERM, then SIGKILL after 10 s. True when anything was left. */
async function killGroup(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 'SIGTERM')) return false;
  try {
    await waitFor(() => !signalGroup(pgid, 0), 10_000, 50);
  } catch {
    signalGroup(pgid, 'SIGKILL');
    await waitFor(() => !signalGroup(pgid, 0), 5_000, 50);
  }
  return true;
}

// Shared helpers for benchmarks: a writable copy of ../shared/bench, machine facts for RESULTS.md rows.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

/** Where benchmark data lives (git-ignored). */
export const BENCH_DATA = resolve(new URL('..', import.meta.url).pathname, '.data');

/**
 * A writable copy of ../shared/bench (peers: gen_data.mjs, train_peers.py, serve_fastapi.py...),
 * made once under bench/.data/peers. Fails with a clear message when ../shared is absent.
 */
export function peersDir(): string {
  const shared = resolve(new URL('../../..', import.meta.url).pathname, 'shared/bench');
  const target = join(BENCH_DATA, 'peers');
  if (!existsSync(join(target, 'gen_data.mjs'))) {
    if (!existsSync(shared)) throw new Error(`Benchmarks need the peers in ${shared} (../shared/bench).`);
    mkdirSync(target, { recursive: true });
    cpSync(shared, target, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', target]);
  }
  return target;
}

/** The synthetic fraud dataset with `rows` rows (seed 42, or the drifted variant), generated once and cached. */
export function fraudCsv(rows: number, options: { drift?: boolean; seed?: number } = {}): string {
  const seed = options.seed ?? (options.drift ? 7 : 42);
  const file = join(BENCH_DATA, `tx_${rows}_${seed}${options.drift ? '_drift' : ''}.csv`);
  if (!existsSync(file)) {
    const args = [
      join(peersDir(), 'gen_data.mjs'),
      '--rows',
      String(rows),
      '--seed',
      String(seed),
      '--out',
      file,
    ];
    if (options.drift) args.push('--drift');
    execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return file;
}

/** One line describing the machine and versions, for RESULTS.md. */
export function machineLine(): string {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {}
  const cpu = cpus()[0]?.model ?? 'cpu';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, commit ${commit}`;
}

/** Median of numbers. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// Server processes for benchmarks: started here, stopped here by process id; CPU time of a process
// tree read from /proc (the parent and its direct children: gunicorn and cluster workers).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A started server. */
export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string[];
}

const started: Proc[] = [];

/** Starts `command args...` in `cwd` with extra env; stdout/stderr kept in memory (last 200 lines). */
export function start(
  name: string,
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Proc {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  const log: string[] = [];
  const keep = (d: Buffer) => {
    log.push(...d.toString().split('\n').filter(Boolean));
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const proc = { name, child, log };
  started.push(proc);
  return proc;
}

/** Stops every started process (SIGTERM, then SIGKILL after 10 s), by pid. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    started.splice(0).map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
      p.child.kill('SIGTERM');
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** User + system clock ticks in a /proc `stat` file (of a process or of one thread); 0 once gone. */
function ticksOf(statFile: string): number {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU seconds (user + system) used so far by a process and its direct children, by pid. */
export function treeCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of [pid, ...childrenOf(pid)]) out.set(p, ticksOf(`/proc/${p}/stat`) / CLK_TCK);
  return out;
}

/** CPU seconds used so far by a process's main thread and by all its other threads, from /proc. */
export function threadCpu(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const s = ticksOf(`/proc/${pid}/task/${tid}/stat`) / CLK_TCK;
    if (Number(tid) === pid) main += s;
    else others += s;
  }
  return { main, others };
}

/** CPU seconds between two `treeCpu` snapshots (processes present in the second). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let s = 0;
  for (const [pid, t] of after) s += t - (before.get(pid) ?? 0);
  return s;
}

/** Polls `url` with POST `body` until it answers 200 (or throws after `timeoutMs`). */
export async function waitUp(url: string, body: string, timeoutMs = 120_000, proc?: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {}
    if (proc && proc.child.exitCode !== null)
      throw new Error(`${proc.name} exited: ${proc.log.slice(-10).join('\n')}`);
    if (Date.now() > deadline)
      throw new Error(
        `${url} did not answer 200 in ${timeoutMs} ms${proc ? `: ${proc.log.slice(-10).join('\n')}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

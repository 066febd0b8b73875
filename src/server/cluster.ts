import cluster, { type Worker } from 'node:cluster';
import { KeelError, type Logger } from '../core/index.js';

/** Options of `startCluster`. */
export interface ClusterOptions {
  /** Worker processes to run (each a full server with its own engine). */
  readonly workers: number;
  readonly log: Logger;
  /** How long workers get to drain after SIGTERM before they are killed, in ms. Default 35,000. */
  readonly killAfterMs?: number;
}

/** The primary side of a running cluster. */
export interface ClusterHandle {
  /**
   * Resolves with the first listening address a worker reports (`host:port`); rejects when workers
   * keep exiting before any of them listened (3 times: a configuration or store error), after the
   * others were stopped.
   */
  readonly listening: Promise<string>;
  /** Asks every worker to drain (SIGTERM) and resolves when all have exited. Idempotent. */
  shutdown(): Promise<void>;
  /** Resolves when every worker has exited after `shutdown()`. */
  readonly exited: Promise<void>;
}

/**
 * Runs `workers` copies of this process as `node:cluster` workers (the same command and flags; a
 * worker sees `cluster.isWorker` and serves). The primary hands connections to workers round-robin,
 * restarts a worker that dies unexpectedly (at most once a second), and on `shutdown()` forwards
 * SIGTERM so each worker drains gracefully, killing stragglers after `killAfterMs`.
 */
export function startCluster(options: ClusterOptions): ClusterHandle {
  cluster.schedulingPolicy = cluster.SCHED_RR;
  let stopping = false;
  let lastRestart = 0;
  const alive = new Set<Worker>();
  let resolveExited: () => void = () => {};
  const exited = new Promise<void>((resolve) => {
    resolveExited = resolve;
  });
  let resolveListening: (address: string) => void = () => {};
  let rejectListening: (error: Error) => void = () => {};
  const listening = new Promise<string>((resolve, reject) => {
    resolveListening = resolve;
    rejectListening = reject;
  });
  // Consumers await it; a rejection nobody awaits any more must not end the process.
  listening.catch(() => undefined);
  let listened = false;
  let earlyExits = 0;
  let shutdown: () => Promise<void> = async () => {};
  const fork = (): void => {
    const worker = cluster.fork();
    alive.add(worker);
    worker.on('listening', (address) => {
      listened = true;
      const host = address.address ?? '127.0.0.1';
      resolveListening(`${host.includes(':') ? `[${host}]` : host}:${address.port}`);
    });
    worker.on('exit', (code, signal) => {
      alive.delete(worker);
      if (stopping) {
        if (alive.size === 0) resolveExited();
        return;
      }
      if (!listened && ++earlyExits >= 3) {
        rejectListening(
          new KeelError(
            'KEEL_INTERNAL',
            `Server workers exited ${earlyExits} times before listening (last exit code ${code ?? signal}); see the errors above.`,
          ),
        );
        void shutdown();
        return;
      }
      options.log.warn({ pid: worker.process.pid, code, signal }, 'a server worker exited; starting another');
      const wait = Math.max(0, lastRestart + 1000 - Date.now());
      lastRestart = Date.now() + wait;
      setTimeout(fork, wait);
    });
  };
  for (let i = 0; i < options.workers; i++) fork();
  let shuttingDown: Promise<void> | null = null;
  shutdown = () => {
    shuttingDown ??= (async () => {
      stopping = true;
      if (alive.size === 0) resolveExited();
      for (const w of alive) w.process.kill('SIGTERM');
      const killer = setTimeout(() => {
        for (const w of alive) w.process.kill('SIGKILL');
      }, options.killAfterMs ?? 35_000);
      killer.unref();
      await exited;
      clearTimeout(killer);
    })();
    return shuttingDown;
  };
  return { listening, exited, shutdown: () => shutdown() };
}

/** True in a process started by `startCluster` (it should serve, not fork). */
export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/**
 * In a cluster worker, disconnects from the primary once the worker's servers are closed, so the
 * process can exit (the IPC channel would keep it alive). Does nothing elsewhere.
 */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}

import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import {
  isClusterWorker,
  leaveCluster,
  type ServerRole,
  startCluster,
  startServer,
} from '../../server/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { startProjectLearning } from '../learning-loop.js';
import { VERSION } from '../version.js';

interface ServeOptions {
  port?: string;
  host?: string;
  grpcPort?: string;
  workers?: string;
  role?: string;
  drainDelayMs?: string;
  shutdownTimeoutMs?: string;
  maxEventLoopDelayMs?: string;
  learning?: boolean;
}

/** Parses a whole-number flag within bounds; a bad value is a usage error naming the flag. */
export function intFlag(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new KeelError('KEEL_USAGE', `--${name} must be a whole number in ${min}..${max}, got "${text}".`);
  }
  return n;
}

/** Resolves when the process gets SIGTERM or SIGINT (once). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** `keel serve`: the HTTP (+ gRPC) server over the project's deployments; SIGTERM/SIGINT drain it. */
export const registerServeCommand = (program: Command, cli: CliContext): void => {
  program
    .command('serve')
    .description('serve deployments over HTTP (Open Inference Protocol, /predict, management) and gRPC')
    .option('--port <n>', 'HTTP port (default: server.port, 8080)')
    .option('--host <addr>', 'interface to bind (default: server.host, 127.0.0.1)')
    .option('--grpc-port <n>', 'gRPC port; 0 turns gRPC off', '8081')
    .option(
      '--workers <n>',
      'server processes behind one port (node:cluster, round-robin; default: server.workers)',
    )
    .option(
      '--role <role>',
      'all (management, inference, everything) or inference (stateless replica)',
      'all',
    )
    .option('--drain-delay-ms <ms>', 'on shutdown, wait this long with readiness false before closing', '0')
    .option('--shutdown-timeout-ms <ms>', 'longest graceful drain on shutdown', '30000')
    .option(
      '--max-event-loop-delay-ms <ms>',
      'refuse inference with 503 while the event loop is later than this (0 = off)',
      '500',
    )
    .option('--no-learning', 'do not run the continuous-learning loop of deployments with a policy')
    .action(
      action(cli, async (opts: ServeOptions) => {
        const role = opts.role as ServerRole;
        if (role !== 'all' && role !== 'inference') {
          throw new KeelError('KEEL_USAGE', `--role must be all or inference, got "${opts.role}".`);
        }
        const port = intFlag('port', opts.port, 0, 65535);
        const grpcPort = intFlag('grpc-port', opts.grpcPort, 0, 65535)!;
        const shutdownTimeoutMs = intFlag('shutdown-timeout-ms', opts.shutdownTimeoutMs, 0, 3_600_000)!;
        const keel = await cli.keel();
        const workers = intFlag('workers', opts.workers, 1, 64) ?? keel.config.server.workers;
        if (workers > 1 && !isClusterWorker()) {
          const handle = startCluster({ workers, log: keel.ctx.log, killAfterMs: shutdownTimeoutMs + 5000 });
          let address: string | null;
          try {
            address = await Promise.race([handle.listening, untilSignal().then(() => null)]);
          } catch (error) {
            await handle.shutdown();
            throw error;
          }
          if (address)
            cli.io.stderr.write(`keel serve: ${workers} workers on http://${address} (role ${role})\n`);
          if (address) await untilSignal();
          await handle.shutdown();
          return EXIT.ok;
        }
        try {
          const running = await startServer(keel, {
            ...(opts.host !== undefined ? { host: opts.host } : {}),
            ...(port !== undefined ? { port } : {}),
            grpcPort: grpcPort === 0 ? null : grpcPort,
            role,
            version: VERSION,
            shutdownTimeoutMs,
            drainDelayMs: intFlag('drain-delay-ms', opts.drainDelayMs, 0, 600_000)!,
            loadGuard: {
              maxEventLoopDelayMs: intFlag('max-event-loop-delay-ms', opts.maxEventLoopDelayMs, 0, 600_000)!,
            },
            // A cluster worker takes connections from the shared port only once it can answer them.
            listenWhenReady: isClusterWorker(),
          });
          if (!isClusterWorker()) {
            const grpc = running.grpcPort === null ? '' : `, gRPC on port ${running.grpcPort}`;
            cli.io.stderr.write(`keel serve: listening on ${running.url}${grpc} (role ${role})\n`);
          }
          // One loop per project: only the single all-in-one process runs it (not replicas, not cluster workers).
          const learning =
            role === 'all' && workers === 1 && opts.learning !== false
              ? await startProjectLearning(keel, running)
              : null;
          if (learning)
            cli.io.stderr.write('keel serve: continuous learning is on for deployments with a policy\n');
          const signal = await untilSignal();
          keel.ctx.log.info({ signal }, 'shutting down: draining in-flight requests');
          await learning?.stop();
          await running.close();
        } finally {
          // A cluster worker exits only once it lets go of the primary, failed start included.
          leaveCluster();
        }
        return EXIT.ok;
      }),
    );
};

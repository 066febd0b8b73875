import type { Command } from 'commander';
import { KeelError } from '../../core/index.js';
import { filePipelineResolver, startPipelineWorker } from '../../pipelines/index.js';
import type { CliContext } from '../cli-context.js';
import { action } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { positive } from './pipeline.js';
import { cliUser, stepServices, untilInterrupted } from './pipeline-setup.js';

interface WorkerFlags {
  concurrency: string;
  lockMs: string;
  name?: string;
}

/**
 * `keel worker`: takes pipeline steps from the shared queue (`stores.queue`, BullMQ) and runs
 * them. SIGTERM/SIGINT stop taking steps and let running ones finish; a second signal abandons
 * them (the queue hands them to another worker once their lock expires).
 */
export const registerWorkerCommand = (program: Command, cli: CliContext): void => {
  program
    .command('worker')
    .description(
      'run pipeline steps from the shared queue (stores.queue = bullmq://...); run as many as you like',
    )
    .option('--concurrency <n>', 'steps at once in this worker', '1')
    .option(
      '--lock-ms <ms>',
      'a step of a worker that stops answering is handed to another after this long',
      '30000',
    )
    .option('--name <name>', 'worker name recorded on the steps it runs (default host:pid)')
    .action(
      action(cli, async (flags: WorkerFlags) => {
        const concurrency = positive(flags.concurrency, '--concurrency');
        const lockMs = positive(flags.lockMs, '--lock-ms');
        const keel = await cli.keel();
        const queue = await keel.store('queue');
        if (!queue.capabilities.shared) {
          throw new KeelError(
            'KEEL_USAGE',
            `keel worker needs a shared queue, but stores.queue is ${keel.config.stores.queue} (in-process). Set stores.queue (or KEEL_QUEUE_URL) to bullmq://<redis host>:6379.`,
          );
        }
        const [metadata, artifacts] = await Promise.all([keel.store('metadata'), keel.store('artifacts')]);
        const { clock, log, root } = keel.ctx;
        const worker = await startPipelineWorker({
          queue,
          metadata,
          artifacts,
          clock,
          log,
          root,
          resolve: filePipelineResolver(root),
          services: stepServices(keel),
          user: cliUser(cli),
          concurrency,
          lockMs,
          ...(flags.name ? { worker: flags.name } : {}),
        });
        cli.io.stderr.write(
          `worker ${worker.name} ready: ${keel.config.stores.queue}, ${concurrency} step(s) at once\n`,
        );
        const signal = await untilInterrupted(() => {
          cli.io.stderr.write('abandoning running steps; other workers will take them over\n');
          void worker.close({ force: true });
        });
        cli.io.stderr.write(`${signal}: finishing running steps (signal again to abandon them)\n`);
        await worker.close();
        cli.io.stderr.write(`worker ${worker.name} stopped\n`);
        return EXIT.ok;
      }),
    );
};

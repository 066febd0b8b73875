import { KeelError } from '../../core/index.js';
import {
  filePipelineResolver,
  type PipelineRunner,
  Pipelines,
  QueueRunner,
  type StepServices,
  startPipelineWorker,
} from '../../pipelines/index.js';
import type { Keel } from '../../sdk/index.js';
import type { CliContext } from '../cli-context.js';

/** The runners `--runner` takes. */
export const RUNNERS = ['local', 'queue'] as const;

/** A pipelines service for a CLI command, and what to close afterwards. */
export interface CliPipelines {
  readonly keel: Keel;
  readonly pipelines: Pipelines;
  /** Stops any in-process workers (the project's stores close with the CLI). */
  close(): Promise<void>;
}

/** Services steps may use: the project's feature store, opened on first use. */
export function stepServices(keel: Keel): StepServices {
  let store: ReturnType<Keel['features']> | null = null;
  return { featureStore: () => (store ??= keel.features({ actor: 'pipeline' })) };
}

/** Who runs things from this CLI, recorded on tracked runs. */
export function cliUser(cli: CliContext): string {
  return cli.io.env.KEEL_USER ?? cli.io.env.USER ?? 'cli';
}

/**
 * The pipelines service of the CLI's project with the chosen runner. `queue` sends steps to the
 * configured queue (`stores.queue`); with the in-process `memory:` queue, workers are started in
 * this process (so the run still completes), as many as `concurrency`.
 */
export async function openCliPipelines(
  cli: CliContext,
  runner: string,
  concurrency = 4,
): Promise<CliPipelines> {
  if (!(RUNNERS as readonly string[]).includes(runner)) {
    throw new KeelError('KEEL_USAGE', `--runner must be one of ${RUNNERS.join(', ')}, not "${runner}".`);
  }
  const keel = await cli.keel();
  const [metadata, artifacts] = await Promise.all([keel.store('metadata'), keel.store('artifacts')]);
  const { clock, log, root } = keel.ctx;
  const services = stepServices(keel);
  const user = cliUser(cli);
  if (runner === 'local') {
    const pipelines = new Pipelines({ metadata, artifacts, clock, log, root, user, services });
    return { keel, pipelines, close: () => pipelines.close() };
  }
  const queue = await keel.store('queue');
  const closers: (() => Promise<void>)[] = [];
  if (!queue.capabilities.shared) {
    cli.io.stderr.write(
      `note: the queue ${keel.config.stores.queue} is in-process, so steps run in this process; set stores.queue to a bullmq:// URL to use keel worker processes\n`,
    );
    const worker = await startPipelineWorker({
      queue,
      metadata,
      artifacts,
      clock,
      log,
      root,
      user,
      services,
      resolve: filePipelineResolver(root),
      concurrency,
    });
    closers.push(() => worker.close());
  }
  const queueRunner: PipelineRunner = new QueueRunner({ queue, metadata, clock, log });
  const pipelines = new Pipelines({ metadata, artifacts, clock, log, root, user, runner: queueRunner });
  return {
    keel,
    pipelines,
    close: async () => {
      for (const c of closers) await c();
    },
  };
}

/** Resolves when the process gets SIGINT or SIGTERM; `onSecond` runs if another one follows. */
export function untilInterrupted(onSecond?: () => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (signal: NodeJS.Signals): void => {
      if (seen) {
        onSecond?.();
        process.off('SIGTERM', on);
        process.off('SIGINT', on);
        return;
      }
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

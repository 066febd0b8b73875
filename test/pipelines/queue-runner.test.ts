import { describe } from 'vitest';
import { KeelError, randomHex, silentLogger } from '../../src/core/index.js';
import { type Pipeline, Pipelines, QueueRunner, startPipelineWorker } from '../../src/pipelines/index.js';
import { openStore } from '../../src/storage/index.js';
import { pipelineRunnerConformance } from '../conformance/pipeline-runner.js';
import { bullmqUrl } from '../helpers/bullmq-url.js';
import { serviceUrl } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { WatchedClock } from '../helpers/watched-clock.js';

const root = tempDir();
let n = 0;

/** A queue runner with two in-process workers sharing the test's stores and clock. */
function queueHarness(queueUrl: () => string) {
  return async () => {
    const clock = new WatchedClock();
    const log = silentLogger();
    const options = { root, log, clock };
    const metadata = await openStore('metadata', 'sqlite::memory:', options);
    const artifacts = await openStore('artifacts', `file:artifacts-q${n++}`, options);
    const queue = await openStore('queue', queueUrl(), options);
    const registry = new Map<string, Pipeline>();
    const resolve = async (task: { pipeline: string }) => {
      const p = registry.get(task.pipeline);
      if (!p) throw new KeelError('KEEL_PIPELINE_INVALID', `Pipeline "${task.pipeline}" is not registered.`);
      return p;
    };
    const queueName = `steps-${randomHex(4)}`;
    const workers = await Promise.all(
      ['w1', 'w2'].map((worker) =>
        startPipelineWorker({
          queue,
          metadata,
          artifacts,
          clock,
          log,
          root,
          resolve,
          worker,
          concurrency: 4,
          queueName,
          cancelPollMs: 20,
        }),
      ),
    );
    const runner = new QueueRunner({ queue, metadata, clock, log, queueName, pollMs: 20 });
    const pipelines = new Pipelines({ metadata, artifacts, clock, log, root, runner });
    return {
      clock,
      metadata,
      artifacts,
      pipelines,
      register: (p: Pipeline) => registry.set(p.name, p),
      close: async () => {
        await Promise.all(workers.map((w) => w.close({ force: true })));
        await queue.clear(queueName).catch(() => undefined);
        await queue.close();
        await Promise.all([metadata.close(), artifacts.close()]);
      },
    };
  };
}

pipelineRunnerConformance(
  'queue (memory)',
  queueHarness(() => 'memory:'),
);

const redis = serviceUrl('redis');
describe.skipIf(!redis)('queue runner on BullMQ', () => {
  const prefix = `keel-test-${randomHex(6)}`;
  pipelineRunnerConformance(
    'queue (bullmq)',
    queueHarness(() => bullmqUrl(redis!, prefix)),
  );
});

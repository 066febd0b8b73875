import { silentLogger } from '../../src/core/index.js';
import { Pipelines } from '../../src/pipelines/index.js';
import { openStore } from '../../src/storage/index.js';
import { pipelineRunnerConformance } from '../conformance/pipeline-runner.js';
import { tempDir } from '../helpers/tmp.js';
import { WatchedClock } from '../helpers/watched-clock.js';

const root = tempDir();
let n = 0;

pipelineRunnerConformance('local', async () => {
  const clock = new WatchedClock();
  const options = { root, log: silentLogger(), clock };
  const metadata = await openStore('metadata', 'sqlite::memory:', options);
  const artifacts = await openStore('artifacts', `file:artifacts-${n++}`, options);
  const pipelines = new Pipelines({ metadata, artifacts, clock, log: silentLogger(), root });
  return {
    clock,
    metadata,
    artifacts,
    pipelines,
    register: () => undefined,
    close: async () => {
      await pipelines.close();
      await Promise.all([metadata.close(), artifacts.close()]);
    },
  };
});

import { afterEach, describe } from 'vitest';
import { cachingConformance } from './pipeline-runner/caching.js';
import { controlConformance } from './pipeline-runner/control.js';
import { executionConformance } from './pipeline-runner/execution.js';
import { failureConformance } from './pipeline-runner/failures.js';
import type { OpenHarness, RunnerHarness } from './pipeline-runner/harness.js';

/**
 * The pipeline-runner contract, run by every runner (in-process, queue on each queue backend).
 * Every scenario goes through `Pipelines.run` with the runner under test and checks the records it
 * leaves in the metadata store: statuses, attempts and their times on a manual clock, cache hits,
 * errors with causes, tracked runs.
 */
export function pipelineRunnerConformance(name: string, open: OpenHarness): void {
  describe(`pipeline runner conformance: ${name}`, () => {
    const opened: RunnerHarness[] = [];
    afterEach(async () => {
      for (const h of opened.splice(0)) await h.close();
    });
    const fresh: OpenHarness = async () => {
      const h = await open();
      opened.push(h);
      return h;
    };
    executionConformance(fresh);
    cachingConformance(fresh);
    failureConformance(fresh);
    controlConformance(fresh);
  });
}

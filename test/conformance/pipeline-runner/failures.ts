import { describe, expect, it } from 'vitest';
import { KeelError } from '../../../src/core/index.js';
import { definePipeline, retryDelayMs, step } from '../../../src/pipelines/index.js';
import { waitFor } from '../../helpers/poll.js';
import { aborted, type OpenHarness, statuses } from './harness.js';

/** Failures with causes, retries with backoff on the clock, timeouts, bad results. */
export function failureConformance(open: OpenHarness): void {
  describe('failures', () => {
    it('records a step that throws with its cause, skips downstream, finishes independent branches', async () => {
      const h = await open();
      const bad = step({
        name: 'bad',
        run: async () => {
          throw new Error('could not write model', { cause: new Error('disk full') });
        },
      });
      const after = step({ name: 'after', inputs: { b: bad }, run: async () => 1 });
      const other = step({ name: 'other', run: async () => 2 });
      const p = definePipeline({ name: 'throws', steps: [bad, after, other] });
      h.register(p);
      const r = await h.pipelines.run(p);
      expect(r.run.status).toBe('FAILED');
      expect(statuses(r.steps)).toEqual({ bad: 'FAILED', after: 'SKIPPED', other: 'SUCCEEDED' });
      const failed = r.steps[0]!;
      expect(failed.error).toMatchObject({
        code: 'Error',
        message: 'could not write model',
        causes: ['Error: disk full'],
      });
      expect(failed.error?.stack).toContain('could not write model');
      expect(r.steps[1]!.error?.message).toBe('Not run: upstream step "bad" is FAILED.');
      expect(r.error).toMatchObject({ code: 'KEEL_PIPELINE_STEP_FAILED' });
      expect(r.error?.message).toContain('Step "bad"');
      expect(r.error?.message).toContain('disk full');
      expect(r.run.error?.code).toBe('KEEL_PIPELINE_STEP_FAILED');
      expect((await h.metadata.tracking.getRun(failed.trackingRunId!)).status).toBe('FAILED');
      expect((await h.metadata.tracking.getRun(r.run.trackingRunId!)).status).toBe('FAILED');
      const attempts = await h.metadata.pipelines.listAttempts(r.run.id, 'bad');
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'failed']]);
    });

    it('retries with exponential backoff and deterministic jitter on the clock, then succeeds', async () => {
      const h = await open();
      let calls = 0;
      const retry = { retries: 3, initialDelayMs: 1000, factor: 2, jitter: 'full' as const };
      const flaky = step({
        name: 'flaky',
        retry,
        run: async () => {
          calls++;
          if (calls < 3) throw new Error(`flake ${calls}`);
          return 'ok';
        },
      });
      const p = definePipeline({ name: 'retries', steps: [flaky] });
      h.register(p);
      const started = await h.pipelines.start(p);
      const runId = started!.run.id;
      const policy = p.steps.get('flaky')!.retry;
      for (const retryNo of [1, 2]) {
        await waitFor(async () => {
          const attempts = await h.metadata.pipelines.listAttempts(runId, 'flaky');
          return (
            attempts.length === retryNo &&
            attempts.at(-1)!.outcome === 'failed' &&
            h.clock.pendingSleeps === 1
          );
        });
        const delay = retryDelayMs(policy, retryNo, `${runId}/flaky`);
        expect(delay).toBeGreaterThan(0);
        await h.clock.advance(delay - 1);
        expect(await h.metadata.pipelines.listAttempts(runId, 'flaky')).toHaveLength(retryNo);
        await h.clock.advance(1);
      }
      const r = await started!.done;
      expect(r.run.status).toBe('SUCCEEDED');
      const attempts = await h.metadata.pipelines.listAttempts(runId, 'flaky');
      expect(attempts.map((a) => [a.attempt, a.outcome, a.error?.message ?? null])).toEqual([
        [1, 'failed', 'flake 1'],
        [2, 'failed', 'flake 2'],
        [3, 'succeeded', null],
      ]);
      expect(attempts[1]!.startedAt - attempts[0]!.endedAt!).toBe(retryDelayMs(policy, 1, `${runId}/flaky`));
      expect(attempts[2]!.startedAt - attempts[1]!.endedAt!).toBe(retryDelayMs(policy, 2, `${runId}/flaky`));
      expect(r.steps[0]!.attempts).toBe(3);
    });

    it('gives up after its retries, and never retries bad-input errors', async () => {
      const h = await open();
      let broken = 0;
      let invalid = 0;
      const always = step({
        name: 'always',
        retry: { retries: 1, initialDelayMs: 0 },
        run: async () => {
          broken++;
          throw new Error('still broken');
        },
      });
      const userError = step({
        name: 'userError',
        retry: { retries: 5, initialDelayMs: 0 },
        run: async () => {
          invalid++;
          throw new KeelError('KEEL_DATA_FILE_NOT_FOUND', 'data/x.csv does not exist');
        },
      });
      const notJson = step({
        name: 'notJson',
        retry: { retries: 2, initialDelayMs: 0 },
        run: async () => new Map(),
      });
      const p = definePipeline({ name: 'gives-up', steps: [always, userError, notJson] });
      h.register(p);
      const r = await h.pipelines.run(p);
      expect(statuses(r.steps)).toEqual({ always: 'FAILED', userError: 'FAILED', notJson: 'FAILED' });
      expect([broken, invalid]).toEqual([2, 1]);
      expect(r.steps.map((s) => [s.attempts, s.error?.code])).toEqual([
        [2, 'Error'],
        [1, 'KEEL_DATA_FILE_NOT_FOUND'],
        [1, 'KEEL_PIPELINE_INVALID'],
      ]);
      expect(r.steps[2]!.error?.message).toContain('$ is a Map object');
    });

    it('times an attempt out on the clock, aborting its signal, and retries it', async () => {
      const h = await open();
      let calls = 0;
      let sawAbort = false;
      const slow = step({
        name: 'slow',
        timeoutMs: 5000,
        retry: { retries: 1, initialDelayMs: 0 },
        run: async (_i, _p, ctx) => {
          calls++;
          if (calls === 1) {
            await aborted(ctx.signal);
            sawAbort = true;
            return 'too late';
          }
          return 'fast enough';
        },
      });
      const p = definePipeline({ name: 'timeouts', steps: [slow] });
      h.register(p);
      const started = await h.pipelines.start(p);
      await waitFor(() => calls === 1 && h.clock.pendingSleeps === 1);
      await h.clock.advance(4999);
      expect(sawAbort).toBe(false);
      await h.clock.advance(1);
      const r = await started!.done;
      expect(sawAbort).toBe(true);
      expect(r.run.status).toBe('SUCCEEDED');
      expect(JSON.parse((await h.artifacts.get(r.steps[0]!.outputDigest!)).toString())).toBe('fast enough');
      const attempts = await h.metadata.pipelines.listAttempts(r.run.id);
      expect(attempts.map((a) => [a.outcome, a.error?.code ?? null])).toEqual([
        ['timeout', 'KEEL_TIMEOUT'],
        ['succeeded', null],
      ]);
    });
  });
}

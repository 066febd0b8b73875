import { describe, expect, it } from 'vitest';
import { definePipeline, step } from '../../../src/pipelines/index.js';
import { waitFor } from '../../helpers/poll.js';
import { aborted, type OpenHarness, statuses } from './harness.js';

/** Cancellation and resume from the failed step. */
export function controlConformance(open: OpenHarness): void {
  describe('cancellation and resume', () => {
    it('cancels a run: the running step sees its signal, nothing new starts, the run ends CANCELLED', async () => {
      const h = await open();
      let started = false;
      let sawAbort = false;
      const first = step({ name: 'first', run: async () => 1 });
      const wait = step({
        name: 'wait',
        inputs: { f: first },
        run: async (_i, _p, ctx) => {
          started = true;
          await aborted(ctx.signal);
          sawAbort = true;
          return 'ignored';
        },
      });
      const last = step({ name: 'last', inputs: { w: wait }, run: async () => 3 });
      const p = definePipeline({ name: 'cancel', steps: [first, wait, last] });
      h.register(p);
      const controller = new AbortController();
      const run = await h.pipelines.start(p, { signal: controller.signal });
      await waitFor(() => started);
      controller.abort();
      const r = await run!.done;
      expect(r.run.status).toBe('CANCELLED');
      expect(r.error).toMatchObject({ code: 'KEEL_CANCELLED' });
      expect(statuses(r.steps)).toEqual({ first: 'SUCCEEDED', wait: 'CANCELLED', last: 'CANCELLED' });
      await waitFor(() => sawAbort);
      const attempts = await h.metadata.pipelines.listAttempts(r.run.id, 'wait');
      expect(attempts.map((a) => a.outcome)).toEqual(['cancelled']);
      expect((await h.metadata.tracking.getRun(r.run.trackingRunId!)).status).toBe('KILLED');
    });

    it('resumes a failed run from the failed step, reusing what succeeded', async () => {
      const h = await open();
      const calls: Record<string, number> = { a: 0, b: 0, c: 0 };
      let broken = true;
      const a = step({
        name: 'a',
        params: { n: 2 },
        run: async (_i, p) => {
          calls.a!++;
          return p.n;
        },
      });
      const b = step({
        name: 'b',
        inputs: { a },
        run: async ({ a: v }) => {
          calls.b!++;
          if (broken) throw new Error('b is broken');
          return v * 10;
        },
      });
      const c = step({
        name: 'c',
        inputs: { b },
        run: async ({ b: v }) => {
          calls.c!++;
          return v + 1;
        },
      });
      const p = definePipeline({ name: 'resume', steps: [a, b, c] });
      h.register(p);
      const failed = await h.pipelines.run(p, { params: { n: '5' }, cache: false });
      expect(statuses(failed.steps)).toEqual({ a: 'SUCCEEDED', b: 'FAILED', c: 'SKIPPED' });

      broken = false;
      const resumed = await h.pipelines.run(p, { resume: failed.run.id, cache: false });
      expect(resumed.run).toMatchObject({
        status: 'SUCCEEDED',
        resumedFrom: failed.run.id,
        params: { a: { n: 5 }, b: {}, c: {} },
      });
      expect(statuses(resumed.steps)).toEqual({ a: 'CACHED', b: 'SUCCEEDED', c: 'SUCCEEDED' });
      expect(resumed.steps[0]!.cachedFrom).toBe(failed.run.id);
      expect(calls).toEqual({ a: 1, b: 2, c: 1 });
      expect(JSON.parse((await h.artifacts.get(resumed.steps[2]!.outputDigest!)).toString())).toBe(51);

      // A param changed on resume reruns that step (and what depends on it).
      const again = await h.pipelines.run(p, { resume: resumed.run.id, params: { n: 6 }, cache: false });
      expect(statuses(again.steps)).toEqual({ a: 'SUCCEEDED', b: 'SUCCEEDED', c: 'SUCCEEDED' });
      expect(calls).toEqual({ a: 2, b: 3, c: 2 });

      const other = definePipeline({ name: 'other', steps: [step({ name: 'x', run: async () => 1 })] });
      await expect(h.pipelines.run(other, { resume: failed.run.id })).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      await expect(h.pipelines.run(p, { resume: 'no-such-run' })).rejects.toMatchObject({
        code: 'KEEL_PIPELINE_NOT_FOUND',
      });
    });
  });
}

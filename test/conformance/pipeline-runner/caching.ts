import { describe, expect, it } from 'vitest';
import { definePipeline, step } from '../../../src/pipelines/index.js';
import { type OpenHarness, statuses } from './harness.js';

/** Step caching: hits, misses on params/code/inputs, and the artifact-still-exists check. */
export function cachingConformance(open: OpenHarness): void {
  describe('caching', () => {
    const build = (calls: Record<string, number>, doubleVersion = '1') => {
      const load = step({
        name: 'load',
        params: { n: 3 },
        version: '1',
        run: async (_i, p, ctx) => {
          calls.load = (calls.load ?? 0) + 1;
          const data = await ctx.artifacts.save('data.txt', new TextEncoder().encode('x'.repeat(p.n)));
          return { rows: p.n, data };
        },
      });
      const double = step({
        name: 'double',
        inputs: { d: load },
        version: doubleVersion,
        run: async ({ d }) => {
          calls.double = (calls.double ?? 0) + 1;
          return d.rows * 2;
        },
      });
      return definePipeline({ name: 'cached', steps: [load, double] });
    };

    it('skips steps whose code, params and inputs are unchanged, and reruns what changed', async () => {
      const h = await open();
      const calls: Record<string, number> = {};
      const p1 = build(calls);
      h.register(p1);
      const first = await h.pipelines.run(p1);
      expect(calls).toEqual({ load: 1, double: 1 });

      const second = await h.pipelines.run(p1);
      expect(calls).toEqual({ load: 1, double: 1 });
      expect(statuses(second.steps)).toEqual({ load: 'CACHED', double: 'CACHED' });
      expect(second.steps.map((s) => [s.cacheHit, s.cachedFrom, s.attempts])).toEqual([
        [true, first.run.id, 0],
        [true, first.run.id, 0],
      ]);
      expect(second.steps.map((s) => s.outputDigest)).toEqual(first.steps.map((s) => s.outputDigest));
      expect(second.steps[0]!.artifacts).toEqual(first.steps[0]!.artifacts);
      const tracked = await h.metadata.tracking.getRun(second.steps[1]!.trackingRunId!);
      expect(tracked.tags).toMatchObject({
        'keel.pipeline.cache_hit': 'true',
        'keel.pipeline.cached_from': first.run.id,
      });

      // A param change reruns the step and, as its output changed, everything downstream.
      const third = await h.pipelines.run(p1, { params: { n: '4' } });
      expect(calls).toEqual({ load: 2, double: 2 });
      expect(statuses(third.steps)).toEqual({ load: 'SUCCEEDED', double: 'SUCCEEDED' });
      expect(JSON.parse((await h.artifacts.get(third.steps[1]!.outputDigest!)).toString())).toBe(8);

      // A code version change reruns that step only.
      const p2 = build(calls, '2');
      h.register(p2);
      const fourth = await h.pipelines.run(p2);
      expect(calls).toEqual({ load: 2, double: 3 });
      expect(statuses(fourth.steps)).toEqual({ load: 'CACHED', double: 'SUCCEEDED' });

      // Turning the cache off for a run runs everything.
      await h.pipelines.run(p2, { cache: false });
      expect(calls).toEqual({ load: 3, double: 4 });
    });

    it('misses when a cached result or a step artifact was deleted from the artifact store', async () => {
      const h = await open();
      const calls: Record<string, number> = {};
      const p = build(calls);
      h.register(p);
      const first = await h.pipelines.run(p);
      await h.artifacts.delete(first.steps[0]!.artifacts[0]!.digest);
      const second = await h.pipelines.run(p);
      expect(calls).toEqual({ load: 2, double: 1 });
      expect(statuses(second.steps)).toEqual({ load: 'SUCCEEDED', double: 'CACHED' });
      expect(await h.artifacts.stat(first.steps[0]!.artifacts[0]!.digest)).not.toBeNull();

      await h.artifacts.delete(second.steps[1]!.outputDigest!);
      const third = await h.pipelines.run(p);
      expect(calls).toEqual({ load: 2, double: 2 });
      expect(statuses(third.steps)).toEqual({ load: 'CACHED', double: 'SUCCEEDED' });
      expect(third.steps[1]!.outputDigest).toBe(second.steps[1]!.outputDigest);
    });

    it('never caches a step declared cache: false', async () => {
      const h = await open();
      let calls = 0;
      const now = step({ name: 'now', cache: false, run: async () => ++calls });
      const p = definePipeline({ name: 'uncached', steps: [now] });
      h.register(p);
      await h.pipelines.run(p);
      const second = await h.pipelines.run(p);
      expect(calls).toBe(2);
      expect(statuses(second.steps)).toEqual({ now: 'SUCCEEDED' });
    });
  });
}

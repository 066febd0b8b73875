import { describe, expect, it } from 'vitest';
import { definePipeline, step } from '../../../src/pipelines/index.js';
import { waitFor } from '../../helpers/poll.js';
import { type OpenHarness, statuses } from './harness.js';

/** Topological execution, parallel branches, typed inputs, params, artifacts and tracked runs. */
export function executionConformance(open: OpenHarness): void {
  describe('execution', () => {
    it('runs steps in dependency order, independent ones at the same time', async () => {
      const h = await open();
      const log: string[] = [];
      const arrived = new Set<string>();
      let release!: () => void;
      const bothArrived = new Promise<void>((r) => {
        release = r;
      });
      const source = step({
        name: 'source',
        params: { base: 10 },
        run: async (_in, p) => {
          log.push('source');
          return { value: p.base };
        },
      });
      const branch = (name: string, factor: number) =>
        step({
          name,
          inputs: { src: source },
          run: async ({ src }) => {
            log.push(`${name}:start`);
            arrived.add(name);
            await bothArrived;
            log.push(`${name}:end`);
            return src.value * factor;
          },
        });
      const left = branch('left', 2);
      const right = branch('right', 3);
      const join = step({
        name: 'join',
        inputs: { l: left, r: right },
        run: async ({ l, r }) => {
          log.push('join');
          return { sum: l + r };
        },
      });
      const p = definePipeline({ name: 'diamond', steps: [join, right, left, source] });
      expect(p.order).toEqual(['source', 'right', 'left', 'join']);
      h.register(p);
      const running = h.pipelines.run(p);
      // Both branches must be running at once, or this wait times out.
      await waitFor(() => arrived.size === 2);
      release();
      const result = await running;
      expect(result.error).toBeNull();
      expect(result.run.status).toBe('SUCCEEDED');
      expect(statuses(result.steps)).toEqual({
        source: 'SUCCEEDED',
        right: 'SUCCEEDED',
        left: 'SUCCEEDED',
        join: 'SUCCEEDED',
      });
      expect(log[0]).toBe('source');
      expect(log.slice(1, 3).sort()).toEqual(['left:start', 'right:start']);
      expect(log.at(-1)).toBe('join');
      const joined = result.steps.find((s) => s.step === 'join')!;
      expect(JSON.parse((await h.artifacts.get(joined.outputDigest!)).toString())).toEqual({ sum: 50 });
      expect(result.steps.map((s) => [s.attempts, s.cacheHit])).toEqual([
        [1, false],
        [1, false],
        [1, false],
        [1, false],
      ]);
    });

    it('records the run and every step as tracked runs, steps as children', async () => {
      const h = await open();
      const a = step({
        name: 'a',
        params: { lr: 0.1, tag: 'x' },
        run: async (_i, _p, ctx) => {
          await ctx.run.logMetric('auc', 0.9);
          return 1;
        },
      });
      const b = step({ name: 'b', inputs: { a }, run: async ({ a: v }) => v + 1 });
      const p = definePipeline({ name: 'tracked', experiment: 'pipes', steps: [a, b] });
      h.register(p);
      const result = await h.pipelines.run(p, { params: { lr: '0.2' } });
      const parent = await h.metadata.tracking.getRun(result.run.trackingRunId!);
      expect(parent).toMatchObject({ status: 'FINISHED', params: { 'a.lr': '0.2', 'a.tag': 'x' } });
      expect(parent.tags['keel.pipeline.run']).toBe(result.run.id);
      const children = await Promise.all(
        result.steps.map((s) => h.metadata.tracking.getRun(s.trackingRunId!)),
      );
      expect(children.map((c) => [c.name, c.status, c.parentRunId])).toEqual([
        ['a', 'FINISHED', parent.id],
        ['b', 'FINISHED', parent.id],
      ]);
      expect(children[0]!.params).toEqual({ lr: '0.2', tag: 'x' });
      expect(children[0]!.metrics.auc?.value).toBe(0.9);
      expect(children[1]!.artifacts.map((x) => x.path)).toEqual(['output.json']);
      expect(children[1]!.tags).toMatchObject({
        'keel.pipeline.step': 'b',
        'keel.pipeline.cache_hit': 'false',
      });
      const experiment = await h.metadata.tracking.findExperimentByName('pipes');
      expect(experiment).not.toBeNull();
    });

    it('applies per-run params, coercing strings to the default types', async () => {
      const h = await open();
      const seen: unknown[] = [];
      const a = step({
        name: 'a',
        params: { n: 1, flag: false, name: 'x', list: [1] },
        run: async (_i, p) => {
          seen.push(p);
          return null;
        },
      });
      const b = step({
        name: 'b',
        params: { n: 2 },
        run: async (_i, p) => {
          seen.push(p);
          return null;
        },
      });
      const p = definePipeline({ name: 'params', steps: [a, b], concurrency: 1 });
      h.register(p);
      const r = await h.pipelines.run(p, {
        params: { n: '7', 'a.flag': 'true', 'a.list': '[2,3]', 'b.n': 9 },
      });
      expect(seen).toEqual([{ n: 7, flag: true, name: 'x', list: [2, 3] }, { n: 9 }]);
      expect(r.run.params).toEqual({ a: { n: 7, flag: true, name: 'x', list: [2, 3] }, b: { n: 9 } });
      await expect(h.pipelines.run(p, { params: { nope: '1' } })).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      await expect(h.pipelines.run(p, { params: { 'a.n': 'many' } })).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      expect(await h.pipelines.listRuns({ pipeline: 'params' })).toHaveLength(1);
    });

    it('stores step artifacts with lineage and lets downstream steps read them', async () => {
      const h = await open();
      const make = step({
        name: 'make',
        run: async (_i, _p, ctx) => {
          const model = await ctx.artifacts.save('model/weights.bin', new Uint8Array([1, 2, 3]));
          return { model };
        },
      });
      const use = step({
        name: 'use',
        inputs: { m: make },
        run: async ({ m }, _p, ctx) => {
          const bytes = await ctx.artifacts.read(m.model);
          return Array.from(bytes);
        },
      });
      const p = definePipeline({ name: 'artifacts', steps: [make, use] });
      h.register(p);
      const r = await h.pipelines.run(p);
      const made = r.steps[0]!;
      expect(made.artifacts).toEqual([
        { name: 'model/weights.bin', digest: expect.stringMatching(/^[0-9a-f]{64}$/), size: 3 },
      ]);
      expect(JSON.parse((await h.artifacts.get(r.steps[1]!.outputDigest!)).toString())).toEqual([1, 2, 3]);
      const tracked = await h.metadata.tracking.getRun(made.trackingRunId!);
      expect(tracked.artifacts.map((a) => a.path).sort()).toEqual([
        'artifacts/model/weights.bin',
        'output.json',
      ]);
    });
  });
}

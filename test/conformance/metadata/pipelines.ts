import { describe, expect, it } from 'vitest';
import type { MetadataStore, StepCacheEntry, StepError } from '../../../src/storage/index.js';
import { type OpenFresh, rejectsWith, T0 } from './fixtures.js';

const ERR: StepError = { code: 'KEEL_INTERNAL', message: 'boom', causes: ['disk full'], stack: null };

async function seedRun(s: MetadataStore, id = 'run1', pipeline = 'etl', dt = 0) {
  return s.pipelines.createRun(
    {
      id,
      pipeline,
      digest: 'd'.repeat(64),
      source: '/p/etl.ts',
      params: { a: { n: 1, s: 'x' }, b: {} },
      runner: 'local',
      trigger: 'manual',
      resumedFrom: null,
      trackingRunId: null,
      createdAt: T0 + dt,
    },
    ['a', 'b', 'c'],
  );
}

/** Pipeline runs, steps, attempts, the completion claim, the cache, CAS state and events. */
export function pipelineConformance(open: OpenFresh): void {
  describe('pipelines', () => {
    it('creates runs with pending steps, lists newest first and finishes once', async () => {
      const s = await open();
      const run = await seedRun(s);
      expect(run).toEqual({
        id: 'run1',
        pipeline: 'etl',
        digest: 'd'.repeat(64),
        source: '/p/etl.ts',
        params: { a: { n: 1, s: 'x' }, b: {} },
        status: 'RUNNING',
        runner: 'local',
        trigger: 'manual',
        resumedFrom: null,
        trackingRunId: null,
        error: null,
        createdAt: T0,
        endedAt: null,
      });
      await seedRun(s, 'run2', 'etl', 5);
      await seedRun(s, 'run3', 'other', 3);
      expect((await s.pipelines.listRuns()).map((r) => r.id)).toEqual(['run2', 'run3', 'run1']);
      expect((await s.pipelines.listRuns({ pipeline: 'etl', limit: 1 })).map((r) => r.id)).toEqual(['run2']);
      const steps = await s.pipelines.getSteps('run1');
      expect(steps.map((x) => [x.step, x.position, x.status, x.attempts, x.cacheHit])).toEqual([
        ['a', 0, 'PENDING', 0, false],
        ['b', 1, 'PENDING', 0, false],
        ['c', 2, 'PENDING', 0, false],
      ]);
      expect(steps[0]).toMatchObject({ artifacts: [], error: null, outputDigest: null, startedAt: null });
      expect(await s.pipelines.finishRun('run1', { status: 'FAILED', endedAt: T0 + 9, error: ERR })).toBe(
        true,
      );
      expect(await s.pipelines.finishRun('run1', { status: 'SUCCEEDED', endedAt: T0 + 10 })).toBe(false);
      expect(await s.pipelines.getRun('run1')).toMatchObject({
        status: 'FAILED',
        endedAt: T0 + 9,
        error: ERR,
      });
      expect((await s.pipelines.listRuns({ status: 'FAILED' })).map((r) => r.id)).toEqual(['run1']);
      await rejectsWith(s.pipelines.getRun('nope'), 'KEEL_PIPELINE_NOT_FOUND');
      await rejectsWith(s.pipelines.getSteps('nope'), 'KEEL_PIPELINE_NOT_FOUND');
      await rejectsWith(s.pipelines.getStep('run1', 'zz'), 'KEEL_PIPELINE_NOT_FOUND');
      await rejectsWith(seedRun(s), 'KEEL_STORE_CONFLICT');
    });

    it('starts steps, numbers attempts across workers and marks a lost worker’s attempt', async () => {
      const s = await open();
      await seedRun(s);
      const started = await s.pipelines.startStep('run1', 'a', { worker: 'w1', at: T0 + 1, cacheKey: 'k1' });
      expect(started).toMatchObject({ status: 'RUNNING', worker: 'w1', startedAt: T0 + 1, cacheKey: 'k1' });
      expect(await s.pipelines.startAttempt('run1', 'a', 'w1', T0 + 1)).toBe(1);
      expect(
        await s.pipelines.endAttempt('run1', 'a', 1, { outcome: 'failed', at: T0 + 2, error: ERR }),
      ).toBe(true);
      expect(await s.pipelines.endAttempt('run1', 'a', 1, { outcome: 'succeeded', at: T0 + 3 })).toBe(false);
      expect(await s.pipelines.startAttempt('run1', 'a', 'w1', T0 + 4)).toBe(2);
      // w1 dies; w2 takes the step over: attempt 2 becomes lost, w2 runs attempt 3.
      const taken = await s.pipelines.startStep('run1', 'a', { worker: 'w2', at: T0 + 50, cacheKey: 'k1' });
      expect(taken).toMatchObject({ status: 'RUNNING', worker: 'w2', startedAt: T0 + 1 });
      expect(await s.pipelines.startAttempt('run1', 'a', 'w2', T0 + 51)).toBe(3);
      await s.pipelines.startAttempt('run1', 'b', 'w2', T0 + 52);
      const attempts = await s.pipelines.listAttempts('run1');
      expect(
        attempts.map((a) => [a.step, a.attempt, a.worker, a.outcome, a.startedAt - T0, a.endedAt]),
      ).toEqual([
        ['a', 1, 'w1', 'failed', 1, T0 + 2],
        ['a', 2, 'w1', 'lost', 4, T0 + 50],
        ['a', 3, 'w2', 'running', 51, null],
        ['b', 1, 'w2', 'running', 52, null],
      ]);
      expect(attempts[0]!.error).toEqual(ERR);
      expect((await s.pipelines.listAttempts('run1', 'b')).map((a) => a.attempt)).toEqual([1]);
      expect((await s.pipelines.getStep('run1', 'a')).attempts).toBe(3);
      const concurrent = await Promise.all(
        [1, 2, 3, 4].map(() => s.pipelines.startAttempt('run1', 'c', 'w', T0)),
      );
      expect([...concurrent].sort()).toEqual([1, 2, 3, 4]);
    });

    it('lets exactly one completion claim win and refuses to restart a finished step', async () => {
      const s = await open();
      await seedRun(s);
      await s.pipelines.startStep('run1', 'a', { worker: 'w1', at: T0, cacheKey: 'k' });
      await s.pipelines.setStepTrackingRun('run1', 'a', 'tr1');
      const claims = await Promise.all(
        ['w1', 'w2', 'w3'].map((w, i) =>
          s.pipelines.completeStep('run1', 'a', {
            status: 'SUCCEEDED',
            endedAt: T0 + 10 + i,
            outputDigest: `${i}`.repeat(64),
            outputSize: 10 + i,
            artifacts: [{ name: 'model.bin', digest: 'e'.repeat(64), size: 3 }],
            worker: w,
          }),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims.indexOf(true);
      expect(await s.pipelines.getStep('run1', 'a')).toMatchObject({
        status: 'SUCCEEDED',
        endedAt: T0 + 10 + winner,
        outputDigest: `${winner}`.repeat(64),
        outputSize: 10 + winner,
        worker: `w${winner + 1}`,
        trackingRunId: 'tr1',
        cacheKey: 'k',
        artifacts: [{ name: 'model.bin', digest: 'e'.repeat(64), size: 3 }],
      });
      expect(
        await s.pipelines.startStep('run1', 'a', { worker: 'w9', at: T0 + 99, cacheKey: 'k' }),
      ).toBeNull();
      expect(
        await s.pipelines.completeStep('run1', 'b', {
          status: 'CACHED',
          endedAt: T0 + 5,
          cacheHit: true,
          cachedFrom: 'run0',
          outputDigest: 'f'.repeat(64),
          outputSize: 2,
        }),
      ).toBe(true);
      expect(await s.pipelines.getStep('run1', 'b')).toMatchObject({
        status: 'CACHED',
        cacheHit: true,
        cachedFrom: 'run0',
        startedAt: null,
      });
      expect(
        await s.pipelines.completeStep('run1', 'c', { status: 'FAILED', endedAt: T0 + 6, error: ERR }),
      ).toBe(true);
      expect((await s.pipelines.getStep('run1', 'c')).error).toEqual(ERR);
      await rejectsWith(
        s.pipelines.completeStep('run1', 'zz', { status: 'SKIPPED', endedAt: T0 }),
        'KEEL_PIPELINE_NOT_FOUND',
      );
    });

    it('stores, replaces and deletes cache entries', async () => {
      const s = await open();
      const entry: StepCacheEntry = {
        key: 'a'.repeat(64),
        pipeline: 'etl',
        step: 'a',
        outputDigest: 'b'.repeat(64),
        outputSize: 7,
        artifacts: [{ name: 'x', digest: 'c'.repeat(64), size: 1 }],
        runId: 'run1',
        createdAt: T0,
      };
      expect(await s.pipelines.findCache(entry.key)).toBeNull();
      await s.pipelines.putCache(entry);
      expect(await s.pipelines.findCache(entry.key)).toEqual(entry);
      await s.pipelines.putCache({ ...entry, runId: 'run2', outputSize: 8, artifacts: [] });
      expect(await s.pipelines.findCache(entry.key)).toEqual({
        ...entry,
        runId: 'run2',
        outputSize: 8,
        artifacts: [],
      });
      await s.pipelines.deleteCache(entry.key);
      await s.pipelines.deleteCache(entry.key);
      expect(await s.pipelines.findCache(entry.key)).toBeNull();
    });

    it('compare-and-sets state rows so exactly one of several writers wins', async () => {
      const s = await open();
      expect(await s.pipelines.getState('schedule:etl:nightly')).toBeNull();
      const firsts = await Promise.all(
        [1, 2, 3].map((n) => s.pipelines.compareAndSetState('sch', 0, { n }, T0)),
      );
      expect(firsts.filter(Boolean)).toHaveLength(1);
      const st = await s.pipelines.getState('sch');
      expect(st).toMatchObject({ name: 'sch', version: 1, updatedAt: T0 });
      const nexts = await Promise.all(
        [4, 5, 6].map((n) =>
          s.pipelines.compareAndSetState('sch', 1, { n, last: '2024-01-01T03:00:00.000Z' }, T0 + n),
        ),
      );
      expect(nexts.filter(Boolean)).toHaveLength(1);
      const winner = [4, 5, 6][nexts.indexOf(true)]!;
      expect(await s.pipelines.getState('sch')).toEqual({
        name: 'sch',
        state: { n: winner, last: '2024-01-01T03:00:00.000Z' },
        version: 2,
        updatedAt: T0 + winner,
      });
      expect(await s.pipelines.compareAndSetState('sch', 1, { stale: true }, T0)).toBe(false);
      expect(await s.pipelines.compareAndSetState('sch', 0, { stale: true }, T0)).toBe(false);
    });

    it('appends events with increasing sequence numbers and lists them by kind', async () => {
      const s = await open();
      const a = await s.pipelines.appendEvent({
        kind: 'alert',
        subject: 'fraud-api',
        payload: { rule: 'drift' },
        at: T0,
      });
      const b = await s.pipelines.appendEvent({
        kind: 'labels',
        subject: 'fraud-api',
        payload: { count: 40 },
        at: T0 + 1,
      });
      const c = await s.pipelines.appendEvent({ kind: 'alert', subject: 'other', payload: {}, at: T0 + 2 });
      expect(a < b && b < c).toBe(true);
      expect(await s.pipelines.listEvents(0)).toEqual([
        { seq: a, kind: 'alert', subject: 'fraud-api', payload: { rule: 'drift' }, at: T0 },
        { seq: b, kind: 'labels', subject: 'fraud-api', payload: { count: 40 }, at: T0 + 1 },
        { seq: c, kind: 'alert', subject: 'other', payload: {}, at: T0 + 2 },
      ]);
      expect((await s.pipelines.listEvents(a, { kind: 'alert' })).map((e) => e.seq)).toEqual([c]);
      expect((await s.pipelines.listEvents(0, { limit: 1 })).map((e) => e.seq)).toEqual([a]);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { type OpenFresh, rejectsWith, T0 } from './fixtures.js';

/** Experiments: create, find, list, tags, lifecycle, unique names. */
export function experimentConformance(open: OpenFresh): void {
  describe('experiments', () => {
    it('creates, gets and finds experiments by id and name', async () => {
      const s = await open();
      const e = await s.tracking.createExperiment({ name: 'fraud', tags: { team: 'risk' }, createdAt: T0 });
      expect(e).toMatchObject({
        name: 'fraud',
        tags: { team: 'risk' },
        lifecycleStage: 'active',
        createdAt: T0,
      });
      expect(await s.tracking.getExperiment(e.id)).toEqual(e);
      expect(await s.tracking.findExperimentByName('fraud')).toEqual(e);
      expect(await s.tracking.findExperimentByName('nope')).toBeNull();
      await rejectsWith(s.tracking.getExperiment('missing'), 'KEEL_TRACK_EXPERIMENT_NOT_FOUND');
    });

    it('refuses a taken name (deleted ones included) with the native error as cause', async () => {
      const s = await open();
      const e = await s.tracking.createExperiment({ name: 'dup', createdAt: T0 });
      const err = await rejectsWith(
        s.tracking.createExperiment({ name: 'dup', createdAt: T0 + 1 }),
        'KEEL_TRACK_EXPERIMENT_EXISTS',
      );
      expect(err.cause).toBeInstanceOf(Error);
      expect(String((err.cause as { code?: unknown }).code)).toMatch(/^(23505|SQLITE_CONSTRAINT_UNIQUE)$/);
      await s.tracking.setExperimentLifecycle(e.id, 'deleted');
      await rejectsWith(
        s.tracking.createExperiment({ name: 'dup', createdAt: T0 + 2 }),
        'KEEL_TRACK_EXPERIMENT_EXISTS',
      );
      expect(await s.tracking.listExperiments({ includeDeleted: true })).toHaveLength(1);
    });

    it('lists oldest first and hides deleted experiments unless asked', async () => {
      const s = await open();
      const b = await s.tracking.createExperiment({ name: 'b', createdAt: T0 + 20 });
      const a = await s.tracking.createExperiment({ name: 'a', createdAt: T0 + 10 });
      const c = await s.tracking.createExperiment({ name: 'c', createdAt: T0 + 30 });
      expect((await s.tracking.listExperiments()).map((e) => e.name)).toEqual(['a', 'b', 'c']);
      await s.tracking.setExperimentLifecycle(b.id, 'deleted');
      expect((await s.tracking.listExperiments()).map((e) => e.name)).toEqual(['a', 'c']);
      const all = await s.tracking.listExperiments({ includeDeleted: true });
      expect(all.map((e) => [e.name, e.lifecycleStage])).toEqual([
        ['a', 'active'],
        ['b', 'deleted'],
        ['c', 'active'],
      ]);
      await s.tracking.setExperimentLifecycle(b.id, 'active');
      expect((await s.tracking.listExperiments()).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
    });

    it('sets and overwrites tags; unknown ids are not found', async () => {
      const s = await open();
      const e = await s.tracking.createExperiment({ name: 'x', tags: { a: '1', b: '2' }, createdAt: T0 });
      await s.tracking.setExperimentTags(e.id, { b: 'two', c: '3' });
      expect((await s.tracking.getExperiment(e.id)).tags).toEqual({ a: '1', b: 'two', c: '3' });
      await rejectsWith(
        s.tracking.setExperimentTags('missing', { a: '1' }),
        'KEEL_TRACK_EXPERIMENT_NOT_FOUND',
      );
      await rejectsWith(
        s.tracking.setExperimentLifecycle('missing', 'deleted'),
        'KEEL_TRACK_EXPERIMENT_NOT_FOUND',
      );
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { StoredStudy } from '../../../src/storage/index.js';
import { type OpenFresh, T0 } from './fixtures.js';

const study = (id: string, over: Partial<Omit<StoredStudy, 'revision' | 'updatedAt'>> = {}) => ({
  id,
  name: `study-${id}`,
  parentRunId: `run-${id}`,
  status: 'RUNNING' as const,
  config: { learner: 'gbdt', trials: 50, space: { lr: { type: 'float', low: 0.01, high: 0.3, log: true } } },
  state: { trials: [], nested: { seed: 42, values: [0.5, null, 'NaN', true] } },
  createdAt: T0,
  ...over,
});

/** Tuning studies: create, get, find by parent run, revision-guarded saves, list, delete. */
export function studyConformance(fresh: OpenFresh): void {
  describe('tuning studies', () => {
    it('creates at revision 1, keeps JSON verbatim and refuses a duplicate id', async () => {
      const store = await fresh();
      const created = await store.studies.createStudy(study('s1'));
      expect(created).toEqual({ ...study('s1'), revision: 1, updatedAt: T0 });
      expect(await store.studies.getStudy('s1')).toEqual(created);
      await expect(store.studies.createStudy(study('s1', { name: 'other' }))).rejects.toMatchObject({
        code: 'KEEL_STORE_CONFLICT',
      });
      expect((await store.studies.getStudy('s1')).name).toBe('study-s1');
      await expect(store.studies.getStudy('nope')).rejects.toMatchObject({
        code: 'KEEL_TUNE_STUDY_NOT_FOUND',
      });
    });

    it('saves only at the expected revision (compare-and-set) and bumps it', async () => {
      const store = await fresh();
      await store.studies.createStudy(study('s1'));
      const saved = await store.studies.saveStudy(
        's1',
        { status: 'RUNNING', state: { trials: [{ number: 0 }] }, updatedAt: T0 + 10 },
        1,
      );
      expect(saved).toMatchObject({ revision: 2, updatedAt: T0 + 10, state: { trials: [{ number: 0 }] } });
      expect(saved.config).toEqual(study('s1').config);
      // A stale writer (a crashed process that came back after a resume) is refused and writes nothing.
      await expect(
        store.studies.saveStudy('s1', { status: 'FAILED', state: { stale: true }, updatedAt: T0 + 20 }, 1),
      ).rejects.toMatchObject({
        code: 'KEEL_TUNE_STUDY_CONFLICT',
        details: { revision: 2, expectedRevision: 1 },
      });
      const finished = await store.studies.saveStudy(
        's1',
        { status: 'FINISHED', state: { done: true }, updatedAt: T0 + 30 },
        2,
      );
      expect(finished).toMatchObject({
        status: 'FINISHED',
        revision: 3,
        state: { done: true },
        createdAt: T0,
      });
      await expect(
        store.studies.saveStudy('nope', { status: 'RUNNING', state: {}, updatedAt: T0 }, 1),
      ).rejects.toMatchObject({ code: 'KEEL_TUNE_STUDY_NOT_FOUND' });
      await expect(
        store.studies.saveStudy('s1', { status: 'DONE' as 'FINISHED', state: {}, updatedAt: T0 }, 3),
      ).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
    });

    it('finds the newest study of a parent run, lists oldest first and deletes idempotently', async () => {
      const store = await fresh();
      await store.studies.createStudy(study('b', { parentRunId: 'p1', createdAt: T0 + 5 }));
      await store.studies.createStudy(study('a', { parentRunId: 'p1', createdAt: T0 + 9 }));
      await store.studies.createStudy(study('c', { parentRunId: null, createdAt: T0 + 1 }));
      expect((await store.studies.findStudyByParentRun('p1'))?.id).toBe('a');
      expect(await store.studies.findStudyByParentRun('p2')).toBeNull();
      expect((await store.studies.listStudies()).map((s) => s.id)).toEqual(['c', 'b', 'a']);
      expect((await store.studies.getStudy('c')).parentRunId).toBeNull();
      expect(await store.studies.deleteStudy('a')).toBe(true);
      expect(await store.studies.deleteStudy('a')).toBe(false);
      expect((await store.studies.findStudyByParentRun('p1'))?.id).toBe('b');
    });
  });
}

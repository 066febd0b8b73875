import { describe, expect, it } from 'vitest';
import { experiment, type OpenFresh, rejectsWith, T0 } from './fixtures.js';

/** Runs: create (nested), get, update, delete. */
export function runConformance(open: OpenFresh): void {
  describe('runs', () => {
    it('creates a RUNNING run with its tags and reads it back', async () => {
      const s = await open();
      const exp = await experiment(s);
      const run = await s.tracking.createRun({
        experimentId: exp,
        name: 'first',
        tags: { k: 'v' },
        startTime: T0 + 5,
      });
      expect(run).toEqual({
        id: run.id,
        experimentId: exp,
        name: 'first',
        status: 'RUNNING',
        startTime: T0 + 5,
        endTime: null,
        parentRunId: null,
        params: {},
        metrics: {},
        tags: { k: 'v' },
        inputs: [],
        artifacts: [],
      });
      expect(await s.tracking.getRun(run.id)).toEqual(run);
      const scheduled = await s.tracking.createRun({ experimentId: exp, startTime: T0, status: 'SCHEDULED' });
      expect(scheduled.status).toBe('SCHEDULED');
      expect(scheduled.id).not.toBe(run.id);
    });

    it('nests runs under an existing parent and checks references', async () => {
      const s = await open();
      const exp = await experiment(s);
      const parent = await s.tracking.createRun({ experimentId: exp, startTime: T0 });
      const child = await s.tracking.createRun({
        experimentId: exp,
        parentRunId: parent.id,
        startTime: T0 + 1,
      });
      expect(child.parentRunId).toBe(parent.id);
      await rejectsWith(
        s.tracking.createRun({ experimentId: 'missing', startTime: T0 }),
        'KEEL_TRACK_EXPERIMENT_NOT_FOUND',
      );
      await rejectsWith(
        s.tracking.createRun({ experimentId: exp, parentRunId: 'missing', startTime: T0 }),
        'KEEL_TRACK_RUN_NOT_FOUND',
      );
      await rejectsWith(s.tracking.getRun('missing'), 'KEEL_TRACK_RUN_NOT_FOUND');
    });

    it('updates status, end time and name', async () => {
      const s = await open();
      const run = await s.tracking.createRun({ experimentId: await experiment(s), name: 'a', startTime: T0 });
      const done = await s.tracking.updateRun(run.id, { status: 'FINISHED', endTime: T0 + 100 });
      expect(done).toMatchObject({ status: 'FINISHED', endTime: T0 + 100, name: 'a' });
      expect(await s.tracking.updateRun(run.id, { name: 'b', endTime: null })).toMatchObject({
        name: 'b',
        endTime: null,
      });
      await rejectsWith(s.tracking.updateRun(run.id, { status: 'DONE' as never }), 'KEEL_INVALID_ARGUMENT');
      await rejectsWith(s.tracking.updateRun('missing', { status: 'FAILED' }), 'KEEL_TRACK_RUN_NOT_FOUND');
    });

    it('deletes a run with everything logged to it; children are detached', async () => {
      const s = await open();
      const exp = await experiment(s);
      const run = await s.tracking.createRun({ experimentId: exp, startTime: T0 });
      const child = await s.tracking.createRun({ experimentId: exp, parentRunId: run.id, startTime: T0 + 1 });
      await s.tracking.logParams(run.id, { a: '1' });
      await s.tracking.logMetrics(run.id, [{ key: 'm', value: 1, step: 0, timestamp: T0 }]);
      await s.tracking.logInputs(run.id, [
        { fingerprint: 'f', name: 'd', source: null, context: 'training', rowCount: 3 },
      ]);
      await s.tracking.logArtifact(run.id, { path: 'model.bin', digest: 'a'.repeat(64), size: 1 });
      await s.tracking.deleteRun(run.id);
      await rejectsWith(s.tracking.getRun(run.id), 'KEEL_TRACK_RUN_NOT_FOUND');
      await rejectsWith(s.tracking.getMetricHistory(run.id, 'm'), 'KEEL_TRACK_RUN_NOT_FOUND');
      expect((await s.tracking.getRun(child.id)).parentRunId).toBeNull();
      await rejectsWith(s.tracking.deleteRun(run.id), 'KEEL_TRACK_RUN_NOT_FOUND');
    });
  });
}

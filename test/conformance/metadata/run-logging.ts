import { describe, expect, it } from 'vitest';
import type { MetadataStore } from '../../../src/storage/index.js';
import { experiment, type OpenFresh, rejectsWith, T0 } from './fixtures.js';

async function newRun(s: MetadataStore): Promise<string> {
  return (await s.tracking.createRun({ experimentId: await experiment(s), startTime: T0 })).id;
}

/** Params (immutable), metrics (history + latest), tags, inputs and artifacts. */
export function runLoggingConformance(open: OpenFresh): void {
  describe('run logging', () => {
    it('keeps params immutable: same value is a no-op, a conflicting batch writes nothing', async () => {
      const s = await open();
      const id = await newRun(s);
      await s.tracking.logParams(id, { lr: '0.1', depth: '6' });
      await s.tracking.logParams(id, { lr: '0.1' });
      const err = await rejectsWith(
        s.tracking.logParams(id, { fresh: 'x', lr: '0.2', other: 'y' }),
        'KEEL_TRACK_PARAM_CONFLICT',
      );
      expect(err.details).toMatchObject({ key: 'lr', stored: '0.1', given: '0.2' });
      expect((await s.tracking.getRun(id)).params).toEqual({ depth: '6', lr: '0.1' });
      await rejectsWith(s.tracking.logParams('missing', { a: '1' }), 'KEEL_TRACK_RUN_NOT_FOUND');
    });

    it('appends metric history ordered by step, timestamp, then insertion', async () => {
      const s = await open();
      const id = await newRun(s);
      await s.tracking.logMetrics(id, [
        { key: 'loss', value: 0.5, step: 2, timestamp: T0 + 10 },
        { key: 'loss', value: 0.9, step: 0, timestamp: T0 + 30 },
        { key: 'auc', value: 0.7, step: 0, timestamp: T0 },
      ]);
      await s.tracking.logMetrics(id, [
        { key: 'loss', value: 0.7, step: 1, timestamp: T0 + 20 },
        { key: 'loss', value: 0.8, step: 0, timestamp: T0 + 30 },
        { key: 'loss', value: 0.8, step: 0, timestamp: T0 + 30 },
      ]);
      const history = await s.tracking.getMetricHistory(id, 'loss');
      expect(history.map((p) => [p.step, p.timestamp - T0, p.value])).toEqual([
        [0, 30, 0.9],
        [0, 30, 0.8],
        [0, 30, 0.8],
        [1, 20, 0.7],
        [2, 10, 0.5],
      ]);
      expect(history[0]).toEqual({ key: 'loss', value: 0.9, step: 0, timestamp: T0 + 30 });
      expect(await s.tracking.getMetricHistory(id, 'unknown')).toEqual([]);
    });

    it('takes the latest metric as the greatest (step, timestamp, value), across batches', async () => {
      const s = await open();
      const id = await newRun(s);
      const latest = async (key: string) => (await s.tracking.getRun(id)).metrics[key];
      await s.tracking.logMetrics(id, [{ key: 'm', value: 1, step: 5, timestamp: T0 }]);
      await s.tracking.logMetrics(id, [{ key: 'm', value: 9, step: 4, timestamp: T0 + 100 }]);
      expect(await latest('m')).toEqual({ key: 'm', value: 1, step: 5, timestamp: T0 });
      await s.tracking.logMetrics(id, [{ key: 'm', value: 0.5, step: 5, timestamp: T0 + 1 }]);
      expect((await latest('m'))?.value).toBe(0.5);
      await s.tracking.logMetrics(id, [
        { key: 'm', value: 0.7, step: 5, timestamp: T0 + 1 },
        { key: 'm', value: 0.6, step: 5, timestamp: T0 + 1 },
      ]);
      expect((await latest('m'))?.value).toBe(0.7);
      await s.tracking.logMetrics(id, [{ key: 'm', value: -3, step: 5, timestamp: T0 + 1 }]);
      expect((await latest('m'))?.value).toBe(0.7);
    });

    it('stores NaN and infinite metric values', async () => {
      const s = await open();
      const id = await newRun(s);
      await s.tracking.logMetrics(id, [
        { key: 'n', value: Number.NaN, step: 0, timestamp: T0 },
        { key: 'i', value: Number.POSITIVE_INFINITY, step: 0, timestamp: T0 },
      ]);
      const run = await s.tracking.getRun(id);
      expect(run.metrics.n?.value).toBeNaN();
      expect(run.metrics.i?.value).toBe(Number.POSITIVE_INFINITY);
      expect((await s.tracking.getMetricHistory(id, 'n'))[0]?.value).toBeNaN();
      await rejectsWith(
        s.tracking.logMetrics(id, [{ key: 'bad', value: 1, step: 0.5, timestamp: T0 }]),
        'KEEL_INVALID_ARGUMENT',
      );
      await rejectsWith(
        s.tracking.logMetrics('missing', [{ key: 'm', value: 1, step: 0, timestamp: T0 }]),
        'KEEL_TRACK_RUN_NOT_FOUND',
      );
    });

    it('sets, overwrites and deletes run tags', async () => {
      const s = await open();
      const id = await newRun(s);
      await s.tracking.setRunTags(id, { a: '1', b: '2' });
      await s.tracking.setRunTags(id, { b: 'two' });
      await s.tracking.deleteRunTag(id, 'a');
      await s.tracking.deleteRunTag(id, 'never-set');
      expect((await s.tracking.getRun(id)).tags).toEqual({ b: 'two' });
      await rejectsWith(s.tracking.setRunTags('missing', { a: '1' }), 'KEEL_TRACK_RUN_NOT_FOUND');
    });

    it('stores each (fingerprint, context) input once, in logging order', async () => {
      const s = await open();
      const id = await newRun(s);
      const train = {
        fingerprint: 'fp-1',
        name: 'tx',
        source: 'data/tx.csv',
        context: 'training',
        rowCount: 100,
      };
      await s.tracking.logInputs(id, [train, { ...train, context: 'validation', rowCount: 20 }]);
      await s.tracking.logInputs(id, [
        { ...train, name: 'renamed' },
        { fingerprint: 'fp-0', name: 'ref', source: null, context: 'reference', rowCount: null },
      ]);
      expect((await s.tracking.getRun(id)).inputs).toEqual([
        train,
        { ...train, context: 'validation', rowCount: 20 },
        { fingerprint: 'fp-0', name: 'ref', source: null, context: 'reference', rowCount: null },
      ]);
    });

    it('records artifacts by path, replaces the same path and rejects unsafe paths', async () => {
      const s = await open();
      const id = await newRun(s);
      await s.tracking.logArtifact(id, { path: 'model/model.bin', digest: 'a'.repeat(64), size: 10 });
      await s.tracking.logArtifact(id, { path: 'report.json', digest: 'b'.repeat(64), size: 5 });
      await s.tracking.logArtifact(id, { path: 'model/model.bin', digest: 'c'.repeat(64), size: 11 });
      expect((await s.tracking.getRun(id)).artifacts).toEqual([
        { path: 'model/model.bin', digest: 'c'.repeat(64), size: 11 },
        { path: 'report.json', digest: 'b'.repeat(64), size: 5 },
      ]);
      for (const bad of ['../x', '/etc/passwd', 'a/../b', 'C:/x', 'a\\b', 'a\u0000b', '', 'a//b']) {
        await rejectsWith(
          s.tracking.logArtifact(id, { path: bad, digest: 'a'.repeat(64), size: 1 }),
          'KEEL_ARTIFACT_BAD_PATH',
        );
      }
    });
  });
}

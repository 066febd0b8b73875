import { describe, expect, it } from 'vitest';
import { by, experiment, type OpenFresh, rejectsWith, T0, versionInput } from './fixtures.js';

/** Transactions: all-or-nothing, nesting, half-registration, capabilities and close. */
export function transactionConformance(open: OpenFresh): void {
  describe('transactions', () => {
    it('commits every write together', async () => {
      const s = await open();
      const runId = await s.transaction(async (tx) => {
        const exp = await experiment(tx);
        const run = await tx.tracking.createRun({ experimentId: exp, startTime: T0 });
        await tx.tracking.logParams(run.id, { a: '1' });
        return run.id;
      });
      expect((await s.tracking.getRun(runId)).params).toEqual({ a: '1' });
    });

    it('rolls back everything when the function throws', async () => {
      const s = await open();
      const exp = await experiment(s, 'kept');
      const run = await s.tracking.createRun({ experimentId: exp, startTime: T0 });
      const boom = new Error('boom');
      await expect(
        s.transaction(async (tx) => {
          await tx.tracking.createExperiment({ name: 'gone', createdAt: T0 });
          await tx.tracking.logParams(run.id, { p: '1' });
          await tx.tracking.logMetrics(run.id, [{ key: 'm', value: 1, step: 0, timestamp: T0 }]);
          await tx.tracking.setRunTags(run.id, { t: '1' });
          await tx.registry.createModel({ name: 'gone', createdAt: T0 });
          await tx.deployments.put(
            'gone',
            {
              mode: 'single',
              variants: [],
              stickyKey: null,
              shadow: null,
              featureService: null,
              options: {},
            },
            [],
            { ...by(), action: 'create' },
          );
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await s.tracking.findExperimentByName('gone')).toBeNull();
      const after = await s.tracking.getRun(run.id);
      expect([after.params, after.metrics, after.tags]).toEqual([{}, {}, {}]);
      expect(await s.tracking.getMetricHistory(run.id, 'm')).toEqual([]);
      expect(await s.registry.findModel('gone')).toBeNull();
      expect(await s.deployments.history('gone')).toEqual([]);
    });

    it('leaves no half-registered version when registration fails midway', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'fraud', createdAt: T0 });
      await s.registry.createVersion('fraud', versionInput(1));
      await expect(
        s.transaction(async (tx) => {
          await tx.registry.createModel({ name: 'fresh', createdAt: T0 });
          const v = await tx.registry.createVersion('fresh', versionInput(1, { tags: { a: '1' } }));
          const w = await tx.registry.createVersion('fraud', versionInput(2));
          await tx.registry.setAlias('fraud', 'champion', w.version, by());
          expect([v.version, w.version]).toEqual([1, 2]);
          throw new Error('crash after the version row');
        }),
      ).rejects.toThrow('crash');
      expect(await s.registry.findModel('fresh')).toBeNull();
      const fraud = await s.registry.getModel('fraud');
      expect([fraud.latestVersion, fraud.aliases]).toEqual([1, {}]);
      expect(await s.registry.aliasHistory('fraud')).toEqual([]);
      expect((await s.registry.createVersion('fraud', versionInput(3))).version).toBe(2);
    });

    it('joins nested transactions into the outer one', async () => {
      const s = await open();
      await expect(
        s.transaction(async (tx) => {
          await tx.transaction(async (inner) => {
            await inner.registry.createModel({ name: 'inner', createdAt: T0 });
          });
          expect(await tx.registry.findModel('inner')).not.toBeNull();
          // The store itself, used from inside the transaction, joins it too.
          expect(await s.registry.findModel('inner')).not.toBeNull();
          throw new Error('outer fails');
        }),
      ).rejects.toThrow('outer fails');
      expect(await s.registry.findModel('inner')).toBeNull();
    });

    it('runs concurrent transactions one after another without losing writes', async () => {
      const s = await open();
      const exp = await experiment(s);
      const run = await s.tracking.createRun({ experimentId: exp, startTime: T0 });
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          s.transaction(async (tx) => {
            await tx.tracking.logMetrics(run.id, [{ key: 'm', value: i, step: i, timestamp: T0 }]);
            await tx.tracking.setRunTags(run.id, { [`t${i}`]: String(i) });
          }),
        ),
      );
      const after = await s.tracking.getRun(run.id);
      expect(Object.keys(after.tags)).toHaveLength(10);
      expect(after.metrics.m?.value).toBe(9);
      expect(await s.tracking.getMetricHistory(run.id, 'm')).toHaveLength(10);
    });

    it('declares capabilities and fails after close', async () => {
      const s = await open();
      expect(typeof s.capabilities.concurrentWriters).toBe('boolean');
      expect(typeof s.capabilities.ephemeral).toBe('boolean');
      expect(['sqlite', 'postgres']).toContain(s.backend);
      await s.close();
      await rejectsWith(s.tracking.listExperiments(), 'KEEL_STORE_UNAVAILABLE');
      await s.close();
    });
  });
}

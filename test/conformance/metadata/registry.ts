import { describe, expect, it } from 'vitest';
import { by, type OpenFresh, rejectsWith, SIGNATURE, singleSpec, T0, versionInput } from './fixtures.js';

/** Models and versions: CRUD, tags, atomic numbering, deletion rules. */
export function registryConformance(open: OpenFresh): void {
  describe('registry: models and versions', () => {
    it('creates, finds, lists and updates models', async () => {
      const s = await open();
      const m = await s.registry.createModel({
        name: 'fraud',
        description: 'card fraud',
        tags: { team: 'risk' },
        createdAt: T0,
      });
      expect(m).toEqual({
        name: 'fraud',
        description: 'card fraud',
        tags: { team: 'risk' },
        aliases: {},
        latestVersion: null,
        createdAt: T0,
        updatedAt: T0,
      });
      await s.registry.createModel({ name: 'churn', createdAt: T0 + 1 });
      expect((await s.registry.listModels()).map((x) => x.name)).toEqual(['churn', 'fraud']);
      expect(await s.registry.findModel('nope')).toBeNull();
      await rejectsWith(s.registry.getModel('nope'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      const dup = await rejectsWith(
        s.registry.createModel({ name: 'fraud', createdAt: T0 }),
        'KEEL_REGISTRY_MODEL_EXISTS',
      );
      expect(dup.cause).toBeInstanceOf(Error);
      await s.registry.updateModel('fraud', { description: 'new', updatedAt: T0 + 50 });
      expect(await s.registry.getModel('fraud')).toMatchObject({ description: 'new', updatedAt: T0 + 50 });
      await rejectsWith(s.registry.updateModel('nope', { updatedAt: T0 }), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      await s.registry.setModelTags('fraud', { team: 'fraud-ops', tier: '1' });
      await s.registry.deleteModelTag('fraud', 'tier');
      await s.registry.deleteModelTag('fraud', 'absent');
      expect((await s.registry.getModel('fraud')).tags).toEqual({ team: 'fraud-ops' });
      await rejectsWith(s.registry.setModelTags('nope', { a: '1' }), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
    });

    it('numbers versions from 1 and round-trips every field', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'fraud', createdAt: T0 });
      const lineage = {
        runId: 'run-1',
        datasetFingerprints: ['a', 'b'],
        featureService: 'fs',
        gitCommit: 'abc',
        params: { lr: '0.1' },
      };
      const v1 = await s.registry.createVersion(
        'fraud',
        versionInput(1, { lineage, tags: { k: 'v' }, description: 'first' }),
      );
      expect(v1).toEqual({
        model: 'fraud',
        version: 1,
        flavor: 'keel-gbdt',
        artifactDigest: '1'.padStart(64, '0'),
        artifactSize: 101,
        signature: SIGNATURE,
        metrics: { auc: 0.901 },
        lineage,
        tags: { k: 'v' },
        description: 'first',
        aliases: [],
        createdAt: T0 + 1,
        createdBy: 'alice',
      });
      const v2 = await s.registry.createVersion('fraud', versionInput(2));
      expect(v2.version).toBe(2);
      expect(await s.registry.getVersion('fraud', 1)).toEqual(v1);
      expect((await s.registry.listVersions('fraud')).map((v) => v.version)).toEqual([2, 1]);
      expect((await s.registry.getModel('fraud')).latestVersion).toBe(2);
      await rejectsWith(s.registry.createVersion('nope', versionInput()), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      await rejectsWith(s.registry.getVersion('fraud', 9), 'KEEL_REGISTRY_VERSION_NOT_FOUND');
      await rejectsWith(s.registry.getVersion('nope', 1), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      await rejectsWith(s.registry.listVersions('nope'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
    });

    it('gives concurrent createVersion calls distinct, gap-free numbers', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'busy', createdAt: T0 });
      const made = await Promise.all(
        Array.from({ length: 24 }, (_, i) => s.registry.createVersion('busy', versionInput(i + 1))),
      );
      expect(made.map((v) => v.version).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 24 }, (_, i) => i + 1),
      );
      expect((await s.registry.getModel('busy')).latestVersion).toBe(24);
    });

    it('sets and deletes version tags', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'm', createdAt: T0 });
      await s.registry.createVersion('m', versionInput(1, { tags: { a: '1' } }));
      await s.registry.setVersionTags('m', 1, { a: 'one', b: '2' });
      await s.registry.deleteVersionTag('m', 1, 'b');
      await s.registry.deleteVersionTag('m', 1, 'absent');
      expect((await s.registry.getVersion('m', 1)).tags).toEqual({ a: 'one' });
      await rejectsWith(s.registry.setVersionTags('m', 2, { a: '1' }), 'KEEL_REGISTRY_VERSION_NOT_FOUND');
      await rejectsWith(s.registry.deleteVersionTag('x', 1, 'a'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
    });

    it('deletes versions without reusing their numbers', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'm', createdAt: T0 });
      await s.registry.createVersion('m', versionInput(1));
      await s.registry.createVersion('m', versionInput(2));
      await s.registry.deleteVersion('m', 2, by());
      await rejectsWith(s.registry.getVersion('m', 2), 'KEEL_REGISTRY_VERSION_NOT_FOUND');
      expect((await s.registry.getModel('m')).latestVersion).toBe(2);
      expect((await s.registry.createVersion('m', versionInput(3))).version).toBe(3);
      await rejectsWith(s.registry.deleteVersion('m', 2, by()), 'KEEL_REGISTRY_VERSION_NOT_FOUND');
    });

    it('refuses to delete a version a deployment uses directly, through an alias, or as latest', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'm', createdAt: T0 });
      for (const n of [1, 2, 3]) await s.registry.createVersion('m', versionInput(n));
      await s.registry.setAlias('m', 'champion', 2, by());
      const ev = { ...by(), action: 'create' };
      await s.deployments.put('pinned', singleSpec('m/1'), [{ model: 'm', version: 1, alias: null }], ev);
      await s.deployments.put(
        'aliased',
        singleSpec('m@champion'),
        [{ model: 'm', version: null, alias: 'champion' }],
        ev,
      );
      await s.deployments.put('latest', singleSpec('m'), [{ model: 'm', version: null, alias: null }], ev);
      for (const [version, user] of [
        [1, 'pinned'],
        [2, 'aliased'],
        [3, 'latest'],
      ] as const) {
        const err = await rejectsWith(
          s.registry.deleteVersion('m', version, by()),
          'KEEL_REGISTRY_VERSION_IN_USE',
        );
        expect(err.details.deployments).toEqual([user]);
      }
      await rejectsWith(s.registry.deleteModel('m'), 'KEEL_REGISTRY_VERSION_IN_USE');
      // Moving the alias away frees version 2; its deployment now follows version 3.
      await s.registry.setAlias('m', 'champion', 3, by());
      await s.registry.deleteVersion('m', 2, by());
      const err = await rejectsWith(s.registry.deleteVersion('m', 3, by()), 'KEEL_REGISTRY_VERSION_IN_USE');
      expect(err.details.deployments).toEqual(['aliased', 'latest']);
      for (const d of ['pinned', 'aliased', 'latest']) await s.deployments.delete(d, by());
      await s.registry.deleteModel('m');
      await rejectsWith(s.registry.getModel('m'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      await rejectsWith(s.registry.deleteModel('m'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      expect((await s.registry.aliasHistory('m')).length).toBeGreaterThan(0);
    });
  });
}

import { describe, expect, it } from 'vitest';
import type { MetadataStore } from '../../../src/storage/index.js';
import { by, type OpenFresh, rejectsWith, T0, versionInput } from './fixtures.js';

async function model(s: MetadataStore, versions: number): Promise<void> {
  await s.registry.createModel({ name: 'fraud', createdAt: T0 });
  for (let n = 1; n <= versions; n++) await s.registry.createVersion('fraud', versionInput(n));
}

/** Aliases: set, move, resolve, delete, and the audit history of every move. */
export function aliasConformance(open: OpenFresh): void {
  describe('registry: aliases', () => {
    it('points, moves and resolves aliases, and records each move', async () => {
      const s = await open();
      await model(s, 3);
      const e1 = await s.registry.setAlias('fraud', 'champion', 1, by('alice', 'first release', 10));
      expect(e1).toEqual({
        model: 'fraud',
        alias: 'champion',
        fromVersion: null,
        toVersion: 1,
        actor: 'alice',
        reason: 'first release',
        at: T0 + 10,
      });
      await s.registry.setAlias('fraud', 'challenger', 3, by('bob', 'try it', 20));
      const e2 = await s.registry.setAlias('fraud', 'champion', 2, by('carol', 'better auc', 30));
      expect(e2).toMatchObject({ fromVersion: 1, toVersion: 2, actor: 'carol' });
      expect((await s.registry.resolveAlias('fraud', 'champion')).version).toBe(2);
      const m = await s.registry.getModel('fraud');
      expect(m.aliases).toEqual({ challenger: 3, champion: 2 });
      expect(m.updatedAt).toBe(T0 + 30);
      expect((await s.registry.getVersion('fraud', 2)).aliases).toEqual(['champion']);
      expect((await s.registry.getVersion('fraud', 1)).aliases).toEqual([]);
      expect(
        (await s.registry.aliasHistory('fraud', 'champion')).map((e) => [
          e.fromVersion,
          e.toVersion,
          e.actor,
          e.reason,
        ]),
      ).toEqual([
        [null, 1, 'alice', 'first release'],
        [1, 2, 'carol', 'better auc'],
      ]);
      expect((await s.registry.aliasHistory('fraud')).map((e) => e.alias)).toEqual([
        'champion',
        'challenger',
        'champion',
      ]);
    });

    it('deletes aliases with a record; unknown aliases, versions and models are errors', async () => {
      const s = await open();
      await model(s, 2);
      await s.registry.setAlias('fraud', 'champion', 2, by());
      const removed = await s.registry.deleteAlias('fraud', 'champion', by('dan', 'rollback', 5));
      expect(removed).toMatchObject({ fromVersion: 2, toVersion: null, actor: 'dan', reason: 'rollback' });
      await rejectsWith(s.registry.resolveAlias('fraud', 'champion'), 'KEEL_REGISTRY_ALIAS_NOT_FOUND');
      await rejectsWith(s.registry.deleteAlias('fraud', 'champion', by()), 'KEEL_REGISTRY_ALIAS_NOT_FOUND');
      await rejectsWith(s.registry.setAlias('fraud', 'champion', 7, by()), 'KEEL_REGISTRY_VERSION_NOT_FOUND');
      await rejectsWith(s.registry.setAlias('nope', 'champion', 1, by()), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      await rejectsWith(s.registry.resolveAlias('nope', 'champion'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
      expect((await s.registry.aliasHistory('fraud')).map((e) => e.toVersion)).toEqual([2, null]);
    });

    it('removes the aliases of a deleted version and records who and why', async () => {
      const s = await open();
      await model(s, 2);
      await s.registry.setAlias('fraud', 'champion', 1, by());
      await s.registry.setAlias('fraud', 'backup', 1, by());
      await s.registry.setAlias('fraud', 'challenger', 2, by());
      await s.registry.deleteVersion('fraud', 1, by('erin', 'bad data', 99));
      expect((await s.registry.getModel('fraud')).aliases).toEqual({ challenger: 2 });
      const history = await s.registry.aliasHistory('fraud');
      expect(
        history.slice(-2).map((e) => [e.alias, e.fromVersion, e.toVersion, e.actor, e.reason, e.at]),
      ).toEqual([
        ['backup', 1, null, 'erin', 'bad data', T0 + 99],
        ['champion', 1, null, 'erin', 'bad data', T0 + 99],
      ]);
    });
  });
}

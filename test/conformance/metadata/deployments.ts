import { describe, expect, it } from 'vitest';
import { by, type OpenFresh, rejectsWith, singleSpec, T0 } from './fixtures.js';

const ev = (action: string, dt = 0) => ({ ...by('alice', action, dt), action });

/** Deployments: put with optimistic revisions, uses, events and history. */
export function deploymentConformance(open: OpenFresh): void {
  describe('deployments', () => {
    it('creates and replaces specs, bumping the revision and recording events', async () => {
      const s = await open();
      const d1 = await s.deployments.put('api', singleSpec('m/1'), [], ev('create', 1), 0);
      expect(d1).toEqual({
        name: 'api',
        spec: singleSpec('m/1'),
        revision: 1,
        createdAt: T0 + 1,
        updatedAt: T0 + 1,
      });
      const d2 = await s.deployments.put('api', singleSpec('m/2'), [], ev('update', 2), 1);
      expect(d2).toMatchObject({
        revision: 2,
        createdAt: T0 + 1,
        updatedAt: T0 + 2,
        spec: singleSpec('m/2'),
      });
      const d3 = await s.deployments.put('api', singleSpec('m/3'), [], ev('update', 3));
      expect(d3.revision).toBe(3);
      expect(await s.deployments.get('api')).toEqual(d3);
      const history = await s.deployments.history('api');
      expect(history.map((e) => [e.action, e.revision, e.at - T0])).toEqual([
        ['create', 1, 1],
        ['update', 2, 2],
        ['update', 3, 3],
      ]);
      expect(history[0]).toEqual({
        deployment: 'api',
        action: 'create',
        actor: 'alice',
        reason: 'create',
        evidence: {},
        revision: 1,
        at: T0 + 1,
      });
    });

    it('fails with KEEL_STORE_CONFLICT when the revision moved, and writes nothing', async () => {
      const s = await open();
      await s.deployments.put('api', singleSpec('m/1'), [], ev('create'), 0);
      await rejectsWith(
        s.deployments.put('api', singleSpec('m/9'), [], ev('create'), 0),
        'KEEL_STORE_CONFLICT',
      );
      await rejectsWith(
        s.deployments.put('api', singleSpec('m/9'), [], ev('update'), 5),
        'KEEL_STORE_CONFLICT',
      );
      await rejectsWith(
        s.deployments.put('new', singleSpec('m/9'), [], ev('update'), 1),
        'KEEL_STORE_CONFLICT',
      );
      expect(await s.deployments.get('api')).toMatchObject({ revision: 1, spec: singleSpec('m/1') });
      expect(await s.deployments.find('new')).toBeNull();
      expect(await s.deployments.history('api')).toHaveLength(1);
    });

    it('lets exactly one of several concurrent writers at the same revision win', async () => {
      const s = await open();
      await s.deployments.put('api', singleSpec('m/1'), [], ev('create'), 0);
      const results = await Promise.allSettled(
        [2, 3, 4, 5].map((n) => s.deployments.put('api', singleSpec(`m/${n}`), [], ev('update'), 1)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'KEEL_STORE_CONFLICT' });
      expect((await s.deployments.get('api')).revision).toBe(2);
    });

    it('lists, records events, deletes and keeps history', async () => {
      const s = await open();
      await s.deployments.put('b', singleSpec('m/1'), [], ev('create'));
      await s.deployments.put('a', singleSpec('m/1'), [], ev('create'));
      expect((await s.deployments.list()).map((d) => d.name)).toEqual(['a', 'b']);
      const e = await s.deployments.recordEvent('a', {
        ...by('bot', 'auc 0.93 >= 0.9', 7),
        action: 'bless',
        evidence: { auc: 0.93, n: [1, 2] },
      });
      expect(e).toEqual({
        deployment: 'a',
        action: 'bless',
        actor: 'bot',
        reason: 'auc 0.93 >= 0.9',
        evidence: { auc: 0.93, n: [1, 2] },
        revision: 1,
        at: T0 + 7,
      });
      await s.deployments.delete('a', by('alice', 'retire', 8));
      expect(await s.deployments.find('a')).toBeNull();
      await rejectsWith(s.deployments.get('a'), 'KEEL_DEPLOY_NOT_FOUND');
      await rejectsWith(s.deployments.delete('a', by()), 'KEEL_DEPLOY_NOT_FOUND');
      await rejectsWith(s.deployments.recordEvent('a', ev('bless')), 'KEEL_DEPLOY_NOT_FOUND');
      expect((await s.deployments.history('a')).map((x) => x.action)).toEqual(['create', 'bless', 'delete']);
      expect(await s.deployments.history('never')).toEqual([]);
    });

    it('replaces the uses with each put', async () => {
      const s = await open();
      await s.registry.createModel({ name: 'm', createdAt: T0 });
      await s.deployments.put(
        'api',
        singleSpec('m/1'),
        [{ model: 'm', version: 1, alias: null }],
        ev('create'),
      );
      await s.deployments.put(
        'api',
        singleSpec('other/1'),
        [{ model: 'other', version: 1, alias: null }],
        ev('update'),
      );
      await s.registry.deleteModel('m');
      await rejectsWith(s.registry.getModel('m'), 'KEEL_REGISTRY_MODEL_NOT_FOUND');
    });
  });
}

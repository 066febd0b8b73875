import { describe, expect, it } from 'vitest';
import { type OpenFresh, T0 } from './fixtures.js';

const POLICY = {
  deployment: 'fraud',
  triggers: { drift: { share: 0.3, window: '6h' } },
  canary: { steps: [5, 25, 50, 100] },
  nested: { list: [1, 'two', null, true], unicode: 'é' },
};
const IDLE = { phase: 'idle', retrains: [], since: T0 };

/** Continuous-learning policies: upsert keeping state, revision-guarded state saves, list, delete. */
export function learningConformance(fresh: OpenFresh): void {
  describe('learning policies', () => {
    it('creates at revision 1 with the initial state and keeps JSON verbatim', async () => {
      const store = await fresh();
      const created = await store.learning.putPolicy('fraud', POLICY, IDLE, T0);
      expect(created).toEqual({
        deployment: 'fraud',
        policy: POLICY,
        state: IDLE,
        revision: 1,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await store.learning.getPolicy('fraud')).toEqual(created);
      expect(await store.learning.findPolicy('nope')).toBeNull();
      await expect(store.learning.getPolicy('nope')).rejects.toMatchObject({
        code: 'KEEL_POLICY_NOT_FOUND',
        details: { deployment: 'nope' },
      });
    });

    it('replaces the policy of an existing record, keeps its state and bumps the revision', async () => {
      const store = await fresh();
      await store.learning.putPolicy('fraud', POLICY, IDLE, T0);
      const saved = await store.learning.saveState('fraud', { phase: 'canary', step: 1 }, 1, T0 + 5);
      expect(saved).toMatchObject({ revision: 2, state: { phase: 'canary', step: 1 }, updatedAt: T0 + 5 });
      const replaced = await store.learning.putPolicy('fraud', { ...POLICY, v: 2 }, IDLE, T0 + 9);
      expect(replaced).toEqual({
        deployment: 'fraud',
        policy: { ...POLICY, v: 2 },
        state: { phase: 'canary', step: 1 },
        revision: 3,
        createdAt: T0,
        updatedAt: T0 + 9,
      });
    });

    it('saves state only at the expected revision (compare-and-set)', async () => {
      const store = await fresh();
      await store.learning.putPolicy('fraud', POLICY, IDLE, T0);
      await store.learning.saveState('fraud', { phase: 'training' }, 1, T0 + 1);
      // A controller that read revision 1 before another one saved is refused and writes nothing.
      await expect(store.learning.saveState('fraud', { phase: 'stale' }, 1, T0 + 2)).rejects.toMatchObject({
        code: 'KEEL_POLICY_CONFLICT',
        details: { deployment: 'fraud', expectedRevision: 1, revision: 2 },
      });
      expect((await store.learning.getPolicy('fraud')).state).toEqual({ phase: 'training' });
      await expect(store.learning.saveState('nope', {}, 1, T0)).rejects.toMatchObject({
        code: 'KEEL_POLICY_NOT_FOUND',
      });
    });

    it('lists by deployment name and deletes idempotently', async () => {
      const store = await fresh();
      await store.learning.putPolicy('zeta', POLICY, IDLE, T0);
      await store.learning.putPolicy('alpha', POLICY, IDLE, T0 + 1);
      await store.learning.putPolicy('Mid', POLICY, IDLE, T0 + 2);
      expect((await store.learning.listPolicies()).map((p) => p.deployment)).toEqual([
        'Mid',
        'alpha',
        'zeta',
      ]);
      expect(await store.learning.deletePolicy('alpha')).toBe(true);
      expect(await store.learning.deletePolicy('alpha')).toBe(false);
      expect((await store.learning.listPolicies()).map((p) => p.deployment)).toEqual(['Mid', 'zeta']);
    });

    it('saves state inside a transaction that rolls back', async () => {
      const store = await fresh();
      await store.learning.putPolicy('fraud', POLICY, IDLE, T0);
      await expect(
        store.transaction(async (tx) => {
          await tx.learning.saveState('fraud', { phase: 'shadow' }, 1, T0 + 1);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.learning.getPolicy('fraud')).toMatchObject({ revision: 1, state: IDLE });
    });
  });
}

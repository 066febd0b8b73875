import { describe, expect, it } from 'vitest';
import type { FeatureObjectChange } from '../../../src/storage/index.js';
import { type OpenFresh, T0 } from './fixtures.js';

const digest = (c: string): string => c.repeat(64);
const put = (
  kind: FeatureObjectChange['kind'],
  name: string,
  spec: Record<string, unknown>,
  d: string,
  expectedVersion?: number,
): FeatureObjectChange => ({
  kind,
  name,
  spec,
  digest: digest(d),
  ...(expectedVersion === undefined ? {} : { expectedVersion }),
});

/** The feature registry: versioned definitions applied atomically, history, materializations, training sets. */
export function featureRegistryConformance(open: OpenFresh): void {
  describe('feature registry', () => {
    it('applies creates, updates and deletes atomically, with versions and a history', async () => {
      const s = await open();
      expect(await s.features.revision()).toBe(0);
      const written = await s.features.applyChanges(
        [
          put('featureView', 'v', { a: 1, nested: { b: [1, 'x'] } }, 'a', 0),
          put('entity', 'e', { k: 'key' }, 'b', 0),
        ],
        { actor: 'alice', at: T0 },
      );
      expect(written.map((r) => [r.kind, r.name, r.version])).toEqual([
        ['featureView', 'v', 1],
        ['entity', 'e', 1],
      ]);
      expect(await s.features.list()).toEqual([
        {
          kind: 'entity',
          name: 'e',
          spec: { k: 'key' },
          digest: digest('b'),
          version: 1,
          createdAt: T0,
          updatedAt: T0,
        },
        {
          kind: 'featureView',
          name: 'v',
          spec: { a: 1, nested: { b: [1, 'x'] } },
          digest: digest('a'),
          version: 1,
          createdAt: T0,
          updatedAt: T0,
        },
      ]);
      // Same digest: nothing written, no event.
      expect(
        await s.features.applyChanges([put('featureView', 'v', { a: 1 }, 'a')], { actor: 'bob', at: T0 + 1 }),
      ).toEqual([]);
      await s.features.applyChanges(
        [
          put('featureView', 'v', { a: 2 }, 'c', 1),
          { kind: 'entity', name: 'e', spec: null, digest: null, expectedVersion: 1 },
        ],
        {
          actor: 'bob',
          at: T0 + 2,
        },
      );
      expect(await s.features.get('featureView', 'v')).toMatchObject({
        spec: { a: 2 },
        version: 2,
        createdAt: T0,
        updatedAt: T0 + 2,
      });
      expect(await s.features.get('entity', 'e')).toBeNull();
      expect(await s.features.list('entity')).toEqual([]);
      const history = await s.features.history();
      expect(history.map((h) => [h.kind, h.name, h.action, h.actor, h.at - T0])).toEqual([
        ['featureView', 'v', 'create', 'alice', 0],
        ['entity', 'e', 'create', 'alice', 0],
        ['featureView', 'v', 'update', 'bob', 2],
        ['entity', 'e', 'delete', 'bob', 2],
      ]);
      expect(await s.features.revision()).toBe(history.at(-1)!.seq);
      expect((await s.features.history(history[1]!.seq)).map((h) => h.action)).toEqual(['update', 'delete']);
    });

    it('fails the whole apply on a version conflict, writing nothing', async () => {
      const s = await open();
      await s.features.applyChanges([put('featureView', 'v', { a: 1 }, 'a', 0)], { actor: 'a', at: T0 });
      const revision = await s.features.revision();
      await expect(
        s.features.applyChanges(
          [put('entity', 'new', {}, 'b', 0), put('featureView', 'v', { a: 3 }, 'c', 7)],
          { actor: 'a', at: T0 + 1 },
        ),
      ).rejects.toMatchObject({ code: 'KEEL_STORE_CONFLICT' });
      await expect(
        s.features.applyChanges([put('featureView', 'v', { a: 3 }, 'c', 0)], { actor: 'a', at: T0 + 1 }),
      ).rejects.toMatchObject({
        code: 'KEEL_STORE_CONFLICT',
      });
      expect(await s.features.get('entity', 'new')).toBeNull();
      expect(await s.features.revision()).toBe(revision);
    });

    it('records materializations and training sets', async () => {
      const s = await open();
      await s.features.recordMaterialization({
        view: 'v',
        startMs: T0,
        endMs: T0 + 10,
        rows: 5,
        at: T0 + 11,
      });
      await s.features.recordMaterialization({
        view: 'v',
        startMs: T0 + 10,
        endMs: T0 + 20,
        rows: 2,
        at: T0 + 21,
      });
      await s.features.recordMaterialization({ view: 'w', startMs: 0, endMs: 1, rows: 0, at: 2 });
      expect(await s.features.materializations('v')).toEqual([
        { view: 'v', startMs: T0, endMs: T0 + 10, rows: 5, at: T0 + 11 },
        { view: 'v', startMs: T0 + 10, endMs: T0 + 20, rows: 2, at: T0 + 21 },
      ]);
      const set = {
        fingerprint: digest('f'),
        featureService: 'svc',
        featureServiceDigest: digest('d'),
        features: ['v:a', 'v:b'],
        rows: 100,
        entityFingerprint: digest('e'),
        createdAt: T0,
      };
      await s.features.recordTrainingSet(set);
      await s.features.recordTrainingSet({ ...set, rows: 1 });
      expect(await s.features.getTrainingSet(digest('f'))).toEqual(set);
      expect(await s.features.getTrainingSet(digest('0'))).toBeNull();
    });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { randomHex } from '../../src/core/index.js';
import type { OnlineStore, OnlineWriteRow } from '../../src/storage/index.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

const row = (
  entityKey: string,
  eventTimestampMs: number,
  values: OnlineWriteRow['values'],
  createdTimestampMs?: number | null,
): OnlineWriteRow => ({
  entityKey,
  eventTimestampMs,
  values,
  ...(createdTimestampMs === undefined ? {} : { createdTimestampMs }),
});

/**
 * The online-store contract, run by every online backend. `open` returns a store; each test works
 * in fresh random view names and clears them afterwards, so backends sharing a server stay apart.
 */
export function onlineStoreConformance(name: string, open: () => Promise<OnlineStore>): void {
  describe(`online store conformance: ${name}`, () => {
    const opened: { store: OnlineStore; views: string[] }[] = [];
    const fresh = async (): Promise<{ store: OnlineStore; view: () => string }> => {
      const store = await open();
      const record = { store, views: [] as string[] };
      opened.push(record);
      return {
        store,
        view: () => {
          const v = `v_${randomHex(6)}`;
          record.views.push(v);
          return v;
        },
      };
    };
    afterEach(async () => {
      for (const { store, views } of opened.splice(0)) {
        for (const v of views) await store.clearView(v);
        await store.close();
      }
    });

    it('declares its capabilities as data', async () => {
      const { store } = await fresh();
      expect(typeof store.backend).toBe('string');
      expect(typeof store.capabilities.shared).toBe('boolean');
      expect(typeof store.capabilities.atomicBatch).toBe('boolean');
    });

    it('reads records in key order with features in the order asked; null for unknown entities', async () => {
      const { store, view } = await fresh();
      const v = view();
      const result = await store.writeBatch(v, [
        row('["a"]', T0, { x: 1.5, s: 'alpha', b: true, n: null }, T0 + 5),
        row('["b"]', T0 + HOUR, { x: -2, s: 'beta', b: false, n: 7 }),
      ]);
      expect(result).toEqual({ written: 2, skipped: 0 });
      const got = await store.readLatest(v, ['["b"]', '["zz"]', '["a"]', '["b"]'], ['s', 'x', 'n', 'b']);
      expect(got).toEqual([
        { values: ['beta', -2, 7, false], eventTimestampMs: T0 + HOUR, createdTimestampMs: null },
        null,
        { values: ['alpha', 1.5, null, true], eventTimestampMs: T0, createdTimestampMs: T0 + 5 },
        { values: ['beta', -2, 7, false], eventTimestampMs: T0 + HOUR, createdTimestampMs: null },
      ]);
      expect(await store.readLatest(v, [], ['x'])).toEqual([]);
      expect(await store.readLatest(v, ['["a"]'], [])).toEqual([
        { values: [], eventTimestampMs: T0, createdTimestampMs: T0 + 5 },
      ]);
    });

    it('keeps values exactly: large integers, fractions, unicode, empty strings', async () => {
      const { store, view } = await fresh();
      const v = view();
      const values = { big: 2 ** 53 - 1, neg: -1e-12, frac: 0.1 + 0.2, text: 'é 😀 "q" \\ ,:', empty: '' };
      await store.writeBatch(v, [row('k:with:colons and spaces/é', T0 + 0.5, values)]);
      const [rec] = await store.readLatest(v, ['k:with:colons and spaces/é'], Object.keys(values));
      expect(rec?.values).toEqual(Object.values(values));
      expect(rec?.eventTimestampMs).toBe(T0 + 0.5);
    });

    it('says apart a stored null from a feature the record does not hold', async () => {
      const { store, view } = await fresh();
      const v = view();
      await store.writeBatch(v, [row('e', T0, { old: null })]);
      const [rec] = await store.readLatest(v, ['e'], ['old', 'added_later']);
      expect(rec?.values).toEqual([null, undefined]);
    });

    it('the newest event wins whatever the arrival order', async () => {
      const { store, view } = await fresh();
      const v = view();
      expect(await store.writeBatch(v, [row('e', T0 + 2 * HOUR, { x: 2 })])).toEqual({
        written: 1,
        skipped: 0,
      });
      expect(await store.writeBatch(v, [row('e', T0 + HOUR, { x: 1 })])).toEqual({ written: 0, skipped: 1 });
      expect((await store.readLatest(v, ['e'], ['x']))[0]?.values).toEqual([2]);
      expect(await store.writeBatch(v, [row('e', T0 + 3 * HOUR, { x: 3 })])).toEqual({
        written: 1,
        skipped: 0,
      });
      expect((await store.readLatest(v, ['e'], ['x']))[0]).toEqual({
        values: [3],
        eventTimestampMs: T0 + 3 * HOUR,
        createdTimestampMs: null,
      });
    });

    it('applies the rule row by row within one batch too', async () => {
      const { store, view } = await fresh();
      const v = view();
      const result = await store.writeBatch(v, [
        row('e', T0 + HOUR, { x: 1 }),
        row('e', T0 + 3 * HOUR, { x: 3 }),
        row('e', T0 + 2 * HOUR, { x: 2 }),
        row('f', T0, { x: 10 }),
      ]);
      expect(result).toEqual({ written: 3, skipped: 1 });
      expect((await store.readLatest(v, ['e', 'f'], ['x'])).map((r) => r?.values[0])).toEqual([3, 10]);
    });

    it('breaks event ties by created timestamp, a missing created ranking lowest', async () => {
      const { store, view } = await fresh();
      const v = view();
      await store.writeBatch(v, [row('e', T0, { x: 'created-5' }, 5)]);
      expect(await store.writeBatch(v, [row('e', T0, { x: 'created-4' }, 4)])).toEqual({
        written: 0,
        skipped: 1,
      });
      expect(await store.writeBatch(v, [row('e', T0, { x: 'no-created' }, null)])).toEqual({
        written: 0,
        skipped: 1,
      });
      expect(await store.writeBatch(v, [row('e', T0, { x: 'created-9' }, 9)])).toEqual({
        written: 1,
        skipped: 0,
      });
      expect((await store.readLatest(v, ['e'], ['x']))[0]?.values).toEqual(['created-9']);
      await store.writeBatch(v, [row('g', T0, { x: 'none' })]);
      expect(await store.writeBatch(v, [row('g', T0, { x: 'some' }, -1e12)])).toEqual({
        written: 1,
        skipped: 0,
      });
    });

    it('on an exact tie the later write replaces, so re-writing the same rows is idempotent', async () => {
      const { store, view } = await fresh();
      const v = view();
      const rows = [row('a', T0, { x: 1 }, 7), row('b', T0, { x: 2 })];
      await store.writeBatch(v, rows);
      expect(await store.writeBatch(v, rows)).toEqual({ written: 2, skipped: 0 });
      expect((await store.readLatest(v, ['a', 'b'], ['x'])).map((r) => r?.values[0])).toEqual([1, 2]);
      await store.writeBatch(v, [row('a', T0, { x: 'later' }, 7)]);
      expect((await store.readLatest(v, ['a'], ['x']))[0]?.values).toEqual(['later']);
    });

    it('a write replaces the whole record of the entity', async () => {
      const { store, view } = await fresh();
      const v = view();
      await store.writeBatch(v, [row('e', T0, { x: 1, y: 2 })]);
      await store.writeBatch(v, [row('e', T0 + 1, { x: 5 })]);
      expect((await store.readLatest(v, ['e'], ['x', 'y']))[0]?.values).toEqual([5, undefined]);
    });

    it('keeps views apart; delete and clear touch only what they name', async () => {
      const { store, view } = await fresh();
      const [v1, v2] = [view(), view()];
      await store.writeBatch(v1, [row('a', T0, { x: 1 }), row('b', T0, { x: 2 }), row('c', T0, { x: 3 })]);
      await store.writeBatch(v2, [row('a', T0, { x: 100 })]);
      expect((await store.readLatest(v2, ['a', 'b'], ['x'])).map((r) => r?.values[0] ?? null)).toEqual([
        100,
        null,
      ]);
      expect(await store.deleteEntities(v1, ['a', 'a', 'missing'])).toBe(1);
      expect(await store.deleteEntities(v1, ['a'])).toBe(0);
      expect((await store.readLatest(v1, ['a', 'b'], ['x'])).map((r) => r?.values[0] ?? null)).toEqual([
        null,
        2,
      ]);
      expect(await store.clearView(v1)).toBe(2);
      expect(await store.clearView(v1)).toBe(0);
      expect(await store.readLatest(v1, ['b', 'c'], ['x'])).toEqual([null, null]);
      expect((await store.readLatest(v2, ['a'], ['x']))[0]?.values).toEqual([100]);
    });

    it('tracks the newest event per view as a running maximum, reset by clear', async () => {
      const { store, view } = await fresh();
      const [v1, v2] = [view(), view()];
      expect(await store.newestEventTimestamp(v1)).toBeNull();
      await store.writeBatch(v1, [row('a', T0 + HOUR, { x: 1 }), row('b', T0 + 5 * HOUR, { x: 1 })]);
      await store.writeBatch(v1, [row('c', T0, { x: 1 })]);
      await store.writeBatch(v2, [row('a', T0 + 9 * HOUR, { x: 1 })]);
      expect(await store.newestEventTimestamp(v1)).toBe(T0 + 5 * HOUR);
      await store.deleteEntities(v1, ['b']);
      expect(await store.newestEventTimestamp(v1)).toBe(T0 + 5 * HOUR);
      await store.clearView(v1);
      expect(await store.newestEventTimestamp(v1)).toBeNull();
      expect(await store.newestEventTimestamp(v2)).toBe(T0 + 9 * HOUR);
    });

    it('writes and reads large batches in order', async () => {
      const { store, view } = await fresh();
      const v = view();
      const n = 2000;
      const rows = Array.from({ length: n }, (_, i) =>
        row(`["${i}"]`, T0 + i, { i, half: i / 2, s: `s${i}` }),
      );
      expect(await store.writeBatch(v, rows)).toEqual({ written: n, skipped: 0 });
      const keys = Array.from({ length: n }, (_, i) => `["${n - 1 - i}"]`);
      const got = await store.readLatest(v, keys, ['s', 'i']);
      expect(got.map((r) => r?.values)).toEqual(keys.map((_, j) => [`s${n - 1 - j}`, n - 1 - j]));
      expect(await store.newestEventTimestamp(v)).toBe(T0 + n - 1);
    });

    it('rejects bad input with KEEL_INVALID_ARGUMENT before writing anything', async () => {
      const { store, view } = await fresh();
      const v = view();
      const bad: unknown[][] = [
        ['bad view!', [row('a', T0, { x: 1 })]],
        [v, [row('', T0, { x: 1 })]],
        [v, [row('a', T0, { x: 1 }), row('b', Number.NaN, { x: 1 })]],
        [v, [row('a', T0, { x: 1 }), row('b', T0, { x: Number.POSITIVE_INFINITY })]],
        [v, [row('a', T0, { x: { nested: 1 } } as never)]],
        [v, [row('a', T0, { _ts: 1 })]],
      ];
      for (const [name, rows] of bad) {
        await expect(store.writeBatch(name as string, rows as OnlineWriteRow[])).rejects.toMatchObject({
          code: 'KEEL_INVALID_ARGUMENT',
        });
      }
      expect(await store.readLatest(v, ['a'], ['x'])).toEqual([null]);
      await expect(store.readLatest('no spaces', ['a'], ['x'])).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
    });

    it('sees writes made through another connection when shared', async () => {
      const { store, view } = await fresh();
      if (!store.capabilities.shared) return;
      const other = await open();
      opened.push({ store: other, views: [] });
      const v = view();
      await other.writeBatch(v, [row('a', T0 + HOUR, { x: 'other' })]);
      await store.writeBatch(v, [row('a', T0, { x: 'older' })]);
      expect((await store.readLatest(v, ['a'], ['x']))[0]?.values).toEqual(['other']);
    });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, randomHex } from '../../src/core/index.js';
import type { CacheStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | null | undefined): string | null =>
  value ? new TextDecoder().decode(value) : null;

/**
 * The cache-store contract, run by every cache backend. `open(clock)` returns a store; backends
 * without native TTL must expire against `clock` (a ManualClock the suite advances), backends with
 * native TTL expire on their server's clock (the suite waits with a short real TTL).
 * Each test uses fresh random namespaces, cleared afterwards.
 */
export function cacheStoreConformance(name: string, open: (clock: ManualClock) => Promise<CacheStore>): void {
  describe(`cache store conformance: ${name}`, () => {
    const opened: { store: CacheStore; namespaces: string[] }[] = [];
    const fresh = async (): Promise<{ store: CacheStore; clock: ManualClock; ns: () => string }> => {
      const clock = new ManualClock();
      const store = await open(clock);
      const record = { store, namespaces: [] as string[] };
      opened.push(record);
      const ns = (): string => {
        const n = `t-${randomHex(6)}`;
        record.namespaces.push(n);
        return n;
      };
      return { store, clock, ns };
    };
    afterEach(async () => {
      for (const { store, namespaces } of opened.splice(0)) {
        for (const n of namespaces) await store.clearNamespace(n);
        await store.close();
      }
    });

    it('declares its capabilities as data', async () => {
      const { store } = await fresh();
      expect(typeof store.backend).toBe('string');
      expect(typeof store.capabilities.nativeTtl).toBe('boolean');
      expect(typeof store.capabilities.shared).toBe('boolean');
      expect(typeof store.capabilities.boundedLru).toBe('boolean');
    });

    it('stores and reads values in key order, null for missing keys, empty values kept', async () => {
      const { store, ns } = await fresh();
      const n = ns();
      await store.set(n, [
        { key: 'a', value: bytes('alpha') },
        { key: 'b', value: bytes('') },
        { key: 'k:with:colons and spaces/é', value: bytes('odd key') },
      ]);
      const got = await store.get(n, ['b', 'missing', 'a', 'k:with:colons and spaces/é', 'a']);
      expect(got.map((v) => (v === null ? null : text(v)))).toEqual(['', null, 'alpha', 'odd key', 'alpha']);
      expect(got[0]).toBeInstanceOf(Uint8Array);
      expect(await store.get(n, [])).toEqual([]);
    });

    it('keeps binary values byte for byte and owns its copy', async () => {
      const { store, ns } = await fresh();
      const n = ns();
      const value = Uint8Array.from({ length: 256 }, (_, i) => i);
      await store.set(n, [{ key: 'bin', value }]);
      value[0] = 99;
      const [got] = await store.get(n, ['bin']);
      expect(Array.from(got!)).toEqual(Array.from({ length: 256 }, (_, i) => i));
    });

    it('overwrites: the last write wins, also inside one batch', async () => {
      const { store, ns } = await fresh();
      const n = ns();
      await store.set(n, [{ key: 'k', value: bytes('1') }]);
      await store.set(n, [
        { key: 'k', value: bytes('2') },
        { key: 'k', value: bytes('3') },
      ]);
      expect(text((await store.get(n, ['k']))[0])).toBe('3');
    });

    it('isolates namespaces and clears one without touching the others', async () => {
      const { store, ns } = await fresh();
      const a = ns();
      const b = ns();
      await store.set(a, [
        { key: 'x', value: bytes('a-x') },
        { key: 'y', value: bytes('a-y') },
      ]);
      await store.set(b, [{ key: 'x', value: bytes('b-x') }]);
      expect(text((await store.get(b, ['x']))[0])).toBe('b-x');
      expect(await store.clearNamespace(a)).toBe(2);
      expect(await store.get(a, ['x', 'y'])).toEqual([null, null]);
      expect(text((await store.get(b, ['x']))[0])).toBe('b-x');
      expect(await store.clearNamespace(a)).toBe(0);
    });

    it('deletes idempotently and counts what existed', async () => {
      const { store, ns } = await fresh();
      const n = ns();
      await store.set(n, [
        { key: 'a', value: bytes('1') },
        { key: 'b', value: bytes('2') },
      ]);
      expect(await store.delete(n, ['a', 'zz'])).toBe(1);
      expect(await store.delete(n, ['a'])).toBe(0);
      expect(await store.delete(n, [])).toBe(0);
      expect(await store.get(n, ['a', 'b']).then((v) => v.map(text))).toEqual([null, '2']);
    });

    it('expires entries after their TTL and keeps entries without one', async () => {
      const { store, clock, ns } = await fresh();
      const n = ns();
      const ttlMs = store.capabilities.nativeTtl ? 150 : 1000;
      await store.set(n, [
        { key: 'short', value: bytes('s'), ttlMs },
        { key: 'long', value: bytes('l'), ttlMs: 3_600_000 },
        { key: 'forever', value: bytes('f') },
      ]);
      expect(text((await store.get(n, ['short']))[0])).toBe('s');
      if (store.capabilities.nativeTtl) {
        await waitFor(async () => (await store.get(n, ['short']))[0] === null, 5000);
      } else {
        await clock.advance(ttlMs - 1);
        expect(text((await store.get(n, ['short']))[0])).toBe('s');
        await clock.advance(1);
        expect((await store.get(n, ['short']))[0]).toBeNull();
      }
      expect((await store.get(n, ['long', 'forever'])).map(text)).toEqual(['l', 'f']);
    });

    it('handles a batch of 1,000 entries in one call', async () => {
      const { store, ns } = await fresh();
      const n = ns();
      const entries = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: bytes(`v${i}`) }));
      await store.set(n, entries);
      const got = await store.get(
        n,
        entries.map((e) => e.key),
      );
      expect(got.map(text)).toEqual(entries.map((_, i) => `v${i}`));
      expect(await store.clearNamespace(n)).toBe(1000);
    });

    it('rejects bad namespaces, keys and TTLs with KEEL_INVALID_ARGUMENT', async () => {
      const { store, ns } = await fresh();
      const n = ns();
      await expect(store.get('bad:ns', ['a'])).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
      await expect(store.get('', ['a'])).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
      await expect(store.clearNamespace('a*')).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
      await expect(store.set(n, [{ key: '', value: bytes('x') }])).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      await expect(store.set(n, [{ key: 'k', value: bytes('x'), ttlMs: 0 }])).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      await expect(store.set(n, [{ key: 'k', value: bytes('x'), ttlMs: 1.5 }])).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      expect((await store.get(n, ['k']))[0]).toBeNull();
    });
  });
}

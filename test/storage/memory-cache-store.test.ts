import { describe, expect, it } from 'vitest';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import { MemoryCacheStore, openStore } from '../../src/storage/index.js';
import { cacheStoreConformance } from '../conformance/cache-store.js';

cacheStoreConformance('memory', (clock) =>
  openStore('cache', 'memory:', { root: '/', log: silentLogger(), clock }),
);

const value = (n: number): Uint8Array => new Uint8Array(n);

describe('memory cache store', () => {
  it('evicts the least recently used entry past maxEntries; a hit refreshes recency', async () => {
    const store = new MemoryCacheStore(new ManualClock(), { maxEntries: 3 });
    await store.set(
      'n',
      ['a', 'b', 'c'].map((key) => ({ key, value: value(1) })),
    );
    await store.get('n', ['a']);
    await store.set('n', [{ key: 'd', value: value(1) }]);
    expect((await store.get('n', ['a', 'b', 'c', 'd'])).map((v) => v !== null)).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(store.size).toBe(3);
  });

  it('stays within maxBytes and skips values larger than the whole cache', async () => {
    const store = new MemoryCacheStore(new ManualClock(), { maxBytes: 4096 });
    for (let i = 0; i < 100; i++) await store.set('n', [{ key: `k${i}`, value: value(500) }]);
    expect(store.byteSize).toBeLessThanOrEqual(4096);
    expect(store.size).toBeGreaterThan(0);
    expect(store.size).toBeLessThan(10);
    await store.set('n', [{ key: 'huge', value: value(10_000) }]);
    expect((await store.get('n', ['huge']))[0]).toBeNull();
    expect((await store.get('n', ['k99']))[0]).not.toBeNull();
  });

  it('reads size bounds from the URL and refuses bad ones', async () => {
    const opts = { root: '/', log: silentLogger(), clock: new ManualClock() };
    const store = await openStore('cache', 'memory:?maxEntries=2', opts);
    await store.set(
      'n',
      ['a', 'b', 'c'].map((key) => ({ key, value: value(1) })),
    );
    expect((await store.get('n', ['a', 'b', 'c'])).filter((v) => v !== null)).toHaveLength(2);
    await expect(openStore('cache', 'memory:?maxEntries=-1', opts)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('cache', 'memcached://x', opts)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNKNOWN_SCHEME',
    });
  });
});

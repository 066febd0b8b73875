import { describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { cacheStoreConformance } from '../conformance/cache-store.js';
import { serviceUrl } from '../helpers/services.js';

const url = serviceUrl('redis');
const options = { root: '/', log: silentLogger(), clock: systemClock };
const withPrefix = (base: string, prefix: string): string =>
  `${base}${base.includes('?') ? '&' : '?'}prefix=${prefix}`;

describe.skipIf(!url)('redis cache store', () => {
  // A fresh random key prefix per file; each test also uses fresh namespaces and clears them.
  const prefix = `keel-test-${randomHex(6)}:`;
  cacheStoreConformance('redis', () => openStore('cache', withPrefix(url!, prefix), options));

  it('shares entries between two clients on the same prefix, not across prefixes', async () => {
    const a = await openStore('cache', withPrefix(url!, prefix), options);
    const b = await openStore('cache', withPrefix(url!, prefix), options);
    const other = await openStore('cache', withPrefix(url!, `keel-test-${randomHex(6)}:`), options);
    try {
      await a.set('shared', [{ key: 'k', value: new Uint8Array([1, 2, 3]) }]);
      expect(Array.from((await b.get('shared', ['k']))[0]!)).toEqual([1, 2, 3]);
      expect((await other.get('shared', ['k']))[0]).toBeNull();
    } finally {
      await a.clearNamespace('shared');
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('fails fast with KEEL_STORE_UNAVAILABLE when Redis cannot be reached', async () => {
    await expect(openStore('cache', 'redis://127.0.0.1:1/0?timeoutMs=200', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNAVAILABLE',
    });
    await expect(openStore('cache', 'redis://127.0.0.1:6379/0?prefix=a*b', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { onlineStoreConformance } from '../conformance/online-store.js';
import { serviceUrl } from '../helpers/services.js';

const url = serviceUrl('redis');
const options = { root: '/', log: silentLogger(), clock: systemClock };
const withPrefix = (base: string, prefix: string): string =>
  `${base}${base.includes('?') ? '&' : '?'}prefix=${prefix}`;

describe.skipIf(!url)('redis online store', () => {
  // A fresh random key prefix per file; each test also uses fresh views and clears them.
  const prefix = `keel-test-online-${randomHex(6)}:`;
  onlineStoreConformance('redis', () => openStore('online', withPrefix(url!, prefix), options));

  it('keeps prefixes apart', async () => {
    const a = await openStore('online', withPrefix(url!, prefix), options);
    const other = await openStore('online', withPrefix(url!, `keel-test-online-${randomHex(6)}:`), options);
    try {
      await a.writeBatch('shared', [{ entityKey: 'k', eventTimestampMs: 1, values: { x: 1 } }]);
      expect(await other.readLatest('shared', ['k'], ['x'])).toEqual([null]);
      expect(await other.newestEventTimestamp('shared')).toBeNull();
    } finally {
      await a.clearView('shared');
      await Promise.all([a.close(), other.close()]);
    }
  });

  it('fails fast with clear codes for an unreachable server or a bad prefix', async () => {
    await expect(openStore('online', 'redis://127.0.0.1:1/0?timeoutMs=200', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNAVAILABLE',
    });
    await expect(openStore('online', 'redis://127.0.0.1:6379/0?prefix=a*b', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('online', 'redis://127.0.0.1:6379/0?ttl=5', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { onlineStoreConformance } from '../conformance/online-store.js';
import { tempDir } from '../helpers/tmp.js';

const root = tempDir('keel-online-sqlite-');
const options = { root, log: silentLogger(), clock: systemClock };

describe('sqlite online store', () => {
  onlineStoreConformance('sqlite file', () => openStore('online', 'sqlite:online.db', options));
  onlineStoreConformance('sqlite memory', () => openStore('online', 'sqlite::memory:', options));

  it('keeps its own file apart from the metadata store and persists across opens', async () => {
    const a = await openStore('online', `sqlite:${join('persist', 'online.db')}`, options);
    await a.writeBatch('v', [{ entityKey: 'k', eventTimestampMs: 1, values: { x: 1 } }]);
    await a.close();
    const b = await openStore('online', 'sqlite:persist/online.db', options);
    expect((await b.readLatest('v', ['k'], ['x']))[0]?.values).toEqual([1]);
    expect(b.capabilities).toEqual({ shared: true, atomicBatch: true });
    await b.close();
    await expect(b.readLatest('v', ['k'], ['x'])).rejects.toMatchObject({ code: 'KEEL_STORE_UNAVAILABLE' });
  });

  it('rejects unknown URL parameters', async () => {
    await expect(openStore('online', 'sqlite:x.db?prefix=a', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('online', 'memcached://x', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNKNOWN_SCHEME',
    });
  });
});

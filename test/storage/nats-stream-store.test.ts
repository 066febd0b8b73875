import { describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { streamStoreConformance } from '../conformance/stream.js';
import { serviceUrl } from '../helpers/services.js';

const url = serviceUrl('nats');
const options = { root: '/', log: silentLogger(), clock: systemClock };
const withParams = (base: string, params: string): string =>
  `${base}${base.includes('?') ? '&' : '?'}${params}`;

describe.skipIf(!url)('nats jetstream stream store', () => {
  // A fresh random stream prefix per file; each test also uses fresh topics and deletes them.
  const prefix = `keeltest_${randomHex(6)}`;
  streamStoreConformance('nats', (_clock, { ackWaitMs }) =>
    openStore('stream', withParams(url!, `prefix=${prefix}&ackWaitMs=${ackWaitMs}`), options),
  );

  it('shares topics and durable consumer positions between connections on the same prefix', async () => {
    const topic = `t-${randomHex(6)}`;
    const a = await openStore('stream', withParams(url!, `prefix=${prefix}`), options);
    const b = await openStore('stream', withParams(url!, `prefix=${prefix}`), options);
    const other = await openStore('stream', withParams(url!, `prefix=keeltest_${randomHex(6)}`), options);
    try {
      await a.publish(topic, [Uint8Array.of(1), Uint8Array.of(2)]);
      const first = await a.fetch(topic, 'sink', { max: 1 });
      await a.ack(topic, 'sink', first);
      // The durable consumer continues where the other connection left it.
      expect((await b.fetch(topic, 'sink', { max: 10 })).map((m) => m.data[0])).toEqual([2]);
      expect(await other.fetch(topic, 'sink', { max: 10 })).toEqual([]);
    } finally {
      await a.deleteTopic(topic);
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it('fails fast with KEEL_STORE_UNAVAILABLE when NATS cannot be reached, and rejects a bad prefix', async () => {
    await expect(openStore('stream', 'nats://127.0.0.1:1?timeoutMs=300', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNAVAILABLE',
    });
    await expect(openStore('stream', withParams(url!, 'prefix=a.b'), options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { randomHex, silentLogger, systemClock } from '../../src/core/index.js';
import { openStore } from '../../src/storage/index.js';
import { queueConformance } from '../conformance/queue.js';
import { bullmqUrl } from '../helpers/bullmq-url.js';
import { serviceUrl } from '../helpers/services.js';

const url = serviceUrl('redis');
const options = { root: '/', log: silentLogger(), clock: systemClock };

describe.skipIf(!url)('bullmq queue', () => {
  // A fresh random key prefix per test: a namespace no other test or process shares.
  let prefix = '';
  queueConformance('bullmq', () => {
    prefix ||= `keel-test-${randomHex(6)}`;
    return openStore('queue', bullmqUrl(url!, prefix), options);
  });

  it('fails fast with KEEL_STORE_UNAVAILABLE or KEEL_STORE_BAD_URL', async () => {
    await expect(openStore('queue', 'bullmq://127.0.0.1:1/0?timeoutMs=200', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNAVAILABLE',
    });
    await expect(openStore('queue', 'bullmq://127.0.0.1:6379/0?prefix=a:b', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('queue', 'bullmq://127.0.0.1:6379/0?colour=red', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
  });
});

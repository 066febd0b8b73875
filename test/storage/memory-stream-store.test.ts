import { describe, expect, it } from 'vitest';
import { ManualClock, silentLogger } from '../../src/core/index.js';
import { MemoryStreamStore, openStore } from '../../src/storage/index.js';
import { streamStoreConformance } from '../conformance/stream.js';

streamStoreConformance('memory', (clock, { ackWaitMs }) =>
  openStore('stream', `memory:?ackWaitMs=${ackWaitMs}`, { root: '/', log: silentLogger(), clock }),
);

describe('in-process stream store', () => {
  it('drops messages once every consumer acknowledged them, and bounds a topic by maxMessages', async () => {
    const clock = new ManualClock();
    const store = new MemoryStreamStore(clock, { maxMessages: 3 });
    await store.publish(
      't',
      [1, 2, 3, 4, 5].map((i) => Uint8Array.of(i)),
    );
    // Only the newest 3 are retained; a new consumer starts there.
    const got = await store.fetch('t', 'a', { max: 10 });
    expect(got.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(await store.pending('t', 'b')).toBe(3);
    await store.ack('t', 'a', got);
    // Consumer b still needs them: they stay.
    expect((await store.fetch('t', 'b', { max: 10 })).map((m) => m.data[0])).toEqual([3, 4, 5]);
    await store.close();
    await expect(store.publish('t', [Uint8Array.of(1)])).rejects.toMatchObject({
      code: 'KEEL_STORE_UNAVAILABLE',
    });
  });

  it('rejects bad URL parameters at open', async () => {
    const options = { root: '/', log: silentLogger(), clock: new ManualClock() };
    await expect(openStore('stream', 'memory:?ackWaitMs=-1', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_BAD_URL',
    });
    await expect(openStore('stream', 'kafka://x', options)).rejects.toMatchObject({
      code: 'KEEL_STORE_UNKNOWN_SCHEME',
    });
  });
});

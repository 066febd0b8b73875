import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, randomHex } from '../../src/core/index.js';
import type { StreamMessage, StreamStore } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (m: StreamMessage): string => new TextDecoder().decode(m.data);

/** What the suite asks of a backend: a store whose ack wait is `ackWaitMs`. */
export type OpenStream = (
  clock: ManualClock,
  options: { readonly ackWaitMs: number },
) => Promise<StreamStore>;

/**
 * The stream-store contract, run by every stream backend. Backends without native ack timing must
 * time acknowledgements on `clock` (the suite advances it); native ones are opened with a short
 * real ack wait. Each test uses fresh random topics and deletes them afterwards.
 */
export function streamStoreConformance(name: string, open: OpenStream): void {
  describe(`stream store conformance: ${name}`, () => {
    const opened: { store: StreamStore; topics: string[] }[] = [];
    const fresh = async (ackWaitMs = 1_000) => {
      const clock = new ManualClock(Date.UTC(2024, 5, 1));
      const store = await open(clock, { ackWaitMs });
      const record = { store, topics: [] as string[] };
      opened.push(record);
      const topic = (): string => {
        const t = `t-${randomHex(6)}`;
        record.topics.push(t);
        return t;
      };
      /** Lets the ack wait pass: on the manual clock, or for real on native backends. */
      const passAckWait = async (): Promise<void> => {
        if (store.capabilities.nativeAckWait) await new Promise((r) => setTimeout(r, ackWaitMs + 300));
        else await clock.advance(ackWaitMs + 1);
      };
      return { store, clock, topic, passAckWait };
    };
    afterEach(async () => {
      for (const { store, topics } of opened.splice(0)) {
        for (const t of topics) await store.deleteTopic(t);
        await store.close();
      }
    });

    it('declares its capabilities as data', async () => {
      const { store } = await fresh();
      expect(typeof store.backend).toBe('string');
      for (const key of ['durable', 'shared', 'nativeAckWait'] as const) {
        expect(typeof store.capabilities[key]).toBe('boolean');
      }
      expect(store.ackWaitMs).toBe(1_000);
    });

    it('delivers first deliveries in publish order with increasing sequence numbers', async () => {
      const { store, topic } = await fresh();
      const t = topic();
      const seqs = await store.publish(t, ['a', 'b', 'c'].map(bytes));
      const more = await store.publish(t, [bytes('d')]);
      expect(seqs.length).toBe(3);
      expect(seqs[1]! > seqs[0]! && seqs[2]! > seqs[1]! && more[0]! > seqs[2]!).toBe(true);
      expect(await store.publish(t, [])).toEqual([]);
      const first = await store.fetch(t, 'c1', { max: 2 });
      expect(first.map(text)).toEqual(['a', 'b']);
      expect(first.map((m) => m.seq)).toEqual(seqs.slice(0, 2));
      expect(first.every((m) => m.deliveries === 1 && m.topic === t)).toBe(true);
      const rest = await store.fetch(t, 'c1', { max: 10 });
      expect(rest.map(text)).toEqual(['c', 'd']);
      expect(await store.fetch(t, 'c1')).toEqual([]);
    });

    it('keeps payloads byte for byte, empty ones included', async () => {
      const { store, topic } = await fresh();
      const t = topic();
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
      await store.publish(t, [binary, new Uint8Array(0)]);
      const got = await store.fetch(t, 'c');
      expect(Array.from(got[0]!.data)).toEqual(Array.from(binary));
      expect(got[1]!.data.length).toBe(0);
    });

    it('never redelivers acknowledged messages and counts what is pending', async () => {
      const { store, topic, passAckWait } = await fresh();
      const t = topic();
      await store.publish(t, ['1', '2', '3'].map(bytes));
      expect(await store.pending(t, 'c')).toBe(3);
      const got = await store.fetch(t, 'c', { max: 3 });
      expect(await store.pending(t, 'c')).toBe(3);
      await store.ack(t, 'c', got.slice(0, 2));
      await store.ack(t, 'c', got.slice(0, 1));
      expect(await store.pending(t, 'c')).toBe(1);
      await passAckWait();
      const again = await store.fetch(t, 'c', { max: 10 });
      expect(again.map(text)).toEqual(['3']);
      expect(again[0]!.deliveries).toBe(2);
      await store.ack(t, 'c', again);
      expect(await store.pending(t, 'c')).toBe(0);
    });

    it('redelivers unacknowledged messages after the ack wait (at-least-once), not before', async () => {
      const { store, topic, passAckWait } = await fresh();
      const t = topic();
      const [seq] = await store.publish(t, [bytes('x')]);
      const first = await store.fetch(t, 'c');
      expect(first.map(text)).toEqual(['x']);
      expect(await store.fetch(t, 'c')).toEqual([]);
      await passAckWait();
      const again = await store.fetch(t, 'c', { waitMs: 2_000 });
      expect(again.map((m) => [m.seq, text(m), m.deliveries])).toEqual([[seq, 'x', 2]]);
    });

    it('redelivers a negatively acknowledged message at once', async () => {
      const { store, topic } = await fresh(60_000);
      const t = topic();
      await store.publish(t, ['p', 'q'].map(bytes));
      const got = await store.fetch(t, 'c', { max: 2 });
      await store.nak(t, 'c', got.slice(0, 1));
      await store.ack(t, 'c', got.slice(1));
      const again = await waitFor(async () => {
        const m = await store.fetch(t, 'c', { waitMs: 500 });
        return m.length > 0 ? m : null;
      });
      expect(again.map((m) => [text(m), m.deliveries])).toEqual([['p', 2]]);
    });

    it('keeps consumers independent; a new consumer starts at the oldest retained message', async () => {
      const { store, topic } = await fresh();
      const t = topic();
      await store.publish(t, ['a', 'b'].map(bytes));
      const one = await store.fetch(t, 'one', { max: 10 });
      expect(one.map(text)).toEqual(['a', 'b']);
      await store.publish(t, [bytes('c')]);
      const two = await store.fetch(t, 'two', { max: 10 });
      expect(two.map(text)).toEqual(['a', 'b', 'c']);
      expect((await store.fetch(t, 'one', { max: 10 })).map(text)).toEqual(['c']);
    });

    it('keeps topics apart and forgets a deleted topic', async () => {
      const { store, topic } = await fresh();
      const [a, b] = [topic(), topic()];
      await store.publish(a, [bytes('in a')]);
      await store.publish(b, [bytes('in b')]);
      expect((await store.fetch(a, 'c')).map(text)).toEqual(['in a']);
      await store.deleteTopic(b);
      await store.deleteTopic(b);
      expect(await store.fetch(b, 'c')).toEqual([]);
      await store.publish(b, [bytes('again')]);
      expect((await store.fetch(b, 'c')).map(text)).toEqual(['again']);
    });

    it('waits for a message when asked to, and returns as soon as one arrives', async () => {
      const { store, topic } = await fresh();
      const t = topic();
      expect(await store.fetch(t, 'c')).toEqual([]);
      const waiting = store.fetch(t, 'c', { waitMs: 10_000, max: 5 });
      await new Promise((r) => setTimeout(r, 50));
      await store.publish(t, [bytes('late')]);
      expect((await waiting).map(text)).toEqual(['late']);
    });

    it('rejects bad topic and consumer names and bad fetch bounds', async () => {
      const { store, topic } = await fresh();
      const t = topic();
      await expect(store.publish('a.b', [bytes('x')])).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
      await expect(store.fetch(t, 'bad name')).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
      await expect(store.fetch(t, 'c', { max: 0 })).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
      await expect(store.publish(t, ['x' as unknown as Uint8Array])).rejects.toMatchObject({
        code: 'KEEL_INVALID_ARGUMENT',
      });
    });
  });
}

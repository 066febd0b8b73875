import { afterEach, describe, expect, it } from 'vitest';
import { randomHex } from '../../src/core/index.js';
import type { JobDelivery, JsonValue, Queue, QueueWorker } from '../../src/storage/index.js';
import { waitFor } from '../helpers/poll.js';

/** A promise with its resolve function, to hold a handler open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** Resolves when `signal` aborts (a handler that only stops when its worker is force-closed). */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );
}

/**
 * The queue contract, run by every queue backend. `open()` returns a client on a fresh namespace
 * (the same namespace for every call in one test, so two clients can play two processes); each
 * test uses random queue names and clears them afterwards. Lock times are short (500 ms) so
 * redelivery after a lost worker is observed within a second or two.
 */
export function queueConformance(name: string, open: () => Promise<Queue>): void {
  describe(`queue conformance: ${name}`, () => {
    const opened: { queue: Queue; names: string[]; workers: QueueWorker[] }[] = [];
    const fresh = async () => {
      const queue = await open();
      const record = { queue, names: [] as string[], workers: [] as QueueWorker[] };
      opened.push(record);
      const name = (): string => {
        const n = `q-${randomHex(5)}`;
        record.names.push(n);
        return n;
      };
      const work = async (
        q: string,
        handler: (job: JobDelivery) => Promise<JsonValue | undefined>,
        options = {},
      ) => {
        const w = await queue.process(q, handler, { lockMs: 500, ...options });
        record.workers.push(w);
        return w;
      };
      return { queue, name, work };
    };
    afterEach(async () => {
      for (const { queue, names, workers } of opened.splice(0)) {
        await Promise.all(workers.map((w) => w.close({ force: true })));
        for (const n of names) await queue.clear(n).catch(() => undefined);
        await queue.close();
      }
    });

    it('declares its capabilities as data', async () => {
      const { queue } = await fresh();
      expect(typeof queue.backend).toBe('string');
      expect(typeof queue.capabilities.shared).toBe('boolean');
      expect(typeof queue.capabilities.durable).toBe('boolean');
    });

    it('delivers a job once, acks with the result and keeps it', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      const payload = { step: 'train', n: [1, 2], nested: { ok: true } };
      expect(await queue.enqueue(q, [{ id: 'job-1', payload }])).toEqual([true]);
      payload.n.push(3);
      const seen: JobDelivery[] = [];
      await work(q, async (job) => {
        seen.push(job);
        return { echoed: job.payload };
      });
      await waitFor(async () => (await queue.getJob(q, 'job-1'))?.state === 'completed');
      expect(seen.map((j) => [j.id, j.queue, j.delivery, j.payload])).toEqual([
        ['job-1', q, 1, { step: 'train', n: [1, 2], nested: { ok: true } }],
      ]);
      expect(await queue.getJob(q, 'job-1')).toEqual({
        id: 'job-1',
        queue: q,
        payload: { step: 'train', n: [1, 2], nested: { ok: true } },
        state: 'completed',
        attemptsMade: 0,
        maxAttempts: 1,
        result: { echoed: { step: 'train', n: [1, 2], nested: { ok: true } } },
        error: null,
      });
      expect(await queue.getJob(q, 'unknown')).toBeNull();
    });

    it('ignores an id it already knows, also among concurrent enqueuers', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      expect(
        await queue.enqueue(q, [
          { id: 'a', payload: 1 },
          { id: 'a', payload: 2 },
        ]),
      ).toEqual([true, false]);
      // A second client plays a second process where jobs are shared; else the same client races itself.
      const second = queue.capabilities.shared ? await open() : queue;
      try {
        const results = await Promise.all([
          queue.enqueue(q, [{ id: 'b', payload: 'first' }]),
          second.enqueue(q, [{ id: 'b', payload: 'second' }]),
        ]);
        expect(results.flat().filter(Boolean)).toHaveLength(1);
      } finally {
        if (second !== queue) await second.close();
      }
      const handled: string[] = [];
      await work(q, async (job) => {
        handled.push(`${job.id}=${JSON.stringify(job.payload)}`);
        return null;
      });
      await waitFor(async () => (await queue.getJob(q, 'b'))?.state === 'completed');
      await waitFor(async () => (await queue.getJob(q, 'a'))?.state === 'completed');
      expect(await queue.enqueue(q, [{ id: 'a', payload: 3 }])).toEqual([false]);
      expect(handled.filter((h) => h.startsWith('a='))).toEqual(['a=1']);
      expect(handled.filter((h) => h.startsWith('b='))).toHaveLength(1);
    });

    it('starts jobs in enqueue order with concurrency 1', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      const ids = Array.from({ length: 8 }, (_, i) => `j${i}`);
      await queue.enqueue(
        q,
        ids.map((id) => ({ id, payload: id })),
      );
      const order: string[] = [];
      await work(q, async (job) => {
        order.push(job.id);
        return null;
      });
      await waitFor(() => order.length === ids.length);
      expect(order).toEqual(ids);
    });

    it('retries a failing handler up to its attempts, then fails with the last error', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      await queue.enqueue(q, [
        { id: 'flaky', payload: null, attempts: 3 },
        { id: 'broken', payload: null, attempts: 2 },
      ]);
      const deliveries: Record<string, number[]> = { flaky: [], broken: [] };
      await work(q, async (job) => {
        deliveries[job.id]!.push(job.delivery);
        if (job.id === 'broken') throw new Error(`broken #${job.delivery}`);
        if (job.delivery < 3) throw new Error('not yet');
        return 'done';
      });
      await waitFor(async () => (await queue.getJob(q, 'flaky'))?.state === 'completed');
      await waitFor(async () => (await queue.getJob(q, 'broken'))?.state === 'failed');
      expect(deliveries).toEqual({ flaky: [1, 2, 3], broken: [1, 2] });
      expect(await queue.getJob(q, 'flaky')).toMatchObject({
        attemptsMade: 2,
        maxAttempts: 3,
        result: 'done',
      });
      expect(await queue.getJob(q, 'broken')).toMatchObject({
        state: 'failed',
        attemptsMade: 2,
        maxAttempts: 2,
        result: null,
        error: 'broken #2',
      });
    });

    it('holds a failed job as delayed for its backoff', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      await queue.enqueue(q, [
        { id: 'fixed', payload: null, attempts: 2, backoff: { type: 'fixed', delayMs: 600_000 } },
        { id: 'expo', payload: null, attempts: 3, backoff: { type: 'exponential', delayMs: 600_000 } },
      ]);
      await work(q, async () => {
        throw new Error('nope');
      });
      for (const id of ['fixed', 'expo']) {
        await waitFor(async () => (await queue.getJob(q, id))?.attemptsMade === 1);
        expect(await queue.getJob(q, id)).toMatchObject({ state: 'delayed', error: 'nope' });
      }
      expect(await queue.removeJob(q, 'fixed')).toBe(true);
      expect(await queue.getJob(q, 'fixed')).toBeNull();
    });

    it('runs up to `concurrency` handlers at once and shares work between workers', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      const hold = gate();
      const active = new Set<string>();
      let peak = 0;
      const handler = async (job: JobDelivery) => {
        active.add(job.id);
        peak = Math.max(peak, active.size);
        await hold.promise;
        active.delete(job.id);
        return null;
      };
      await queue.enqueue(
        q,
        ['a', 'b', 'c'].map((id) => ({ id, payload: null })),
      );
      await work(q, handler, { concurrency: 2 });
      await waitFor(() => active.size === 2);
      expect(
        (await Promise.all(['a', 'b', 'c'].map((id) => queue.getJob(q, id)))).map((j) => j?.state),
      ).toEqual(['active', 'active', 'waiting']);
      hold.open();
      await waitFor(async () => (await queue.getJob(q, 'c'))?.state === 'completed');
      expect(peak).toBe(2);

      const counts = new Map<string, number>();
      const q2 = name();
      const count = async (job: JobDelivery) => {
        counts.set(job.id, (counts.get(job.id) ?? 0) + 1);
        return null;
      };
      await Promise.all([work(q2, count), work(q2, count, { concurrency: 3 })]);
      const ids = Array.from({ length: 20 }, (_, i) => `k${i}`);
      await queue.enqueue(
        q2,
        ids.map((id) => ({ id, payload: null })),
      );
      await waitFor(async () => (await queue.getJob(q2, 'k19'))?.state === 'completed' && counts.size === 20);
      await waitFor(async () =>
        (await Promise.all(ids.map((id) => queue.getJob(q2, id)))).every((j) => j?.state === 'completed'),
      );
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    });

    it('redelivers the job of a force-closed worker to another worker, and never acks the lost one', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      await queue.enqueue(q, [{ id: 'long', payload: 'p' }]);
      let abortedReason: unknown = null;
      const first = await work(q, async (job) => {
        try {
          return await untilAborted(job.signal);
        } catch (reason) {
          abortedReason = reason;
          return 'zombie result';
        }
      });
      await waitFor(async () => (await queue.getJob(q, 'long'))?.state === 'active');
      await first.close({ force: true });
      expect(abortedReason).not.toBeNull();
      const deliveries: number[] = [];
      await work(q, async (job) => {
        deliveries.push(job.delivery);
        return 'second worker';
      });
      await waitFor(async () => (await queue.getJob(q, 'long'))?.state === 'completed', 15_000);
      expect(deliveries).toEqual([2]);
      expect(await queue.getJob(q, 'long')).toMatchObject({ result: 'second worker', attemptsMade: 0 });
    });

    it('fails a job whose workers keep dying past maxStalls', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      await queue.enqueue(q, [{ id: 'doomed', payload: null }]);
      const first = await work(q, async (job) => untilAborted(job.signal), { maxStalls: 0 });
      await waitFor(async () => (await queue.getJob(q, 'doomed'))?.state === 'active');
      await first.close({ force: true });
      // A live worker of the queue runs the stalled-job check (BullMQ) or the lock expires (memory).
      await work(q, async () => 'never', { maxStalls: 0 });
      await waitFor(async () => (await queue.getJob(q, 'doomed'))?.state === 'failed', 15_000);
      expect((await queue.getJob(q, 'doomed'))?.error).toMatch(/stalled/);
    });

    it('waits for active handlers on a graceful close and acks them', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      const hold = gate();
      await queue.enqueue(q, [{ id: 'x', payload: null }]);
      const w = await work(q, async () => {
        await hold.promise;
        return 'finished';
      });
      await waitFor(async () => (await queue.getJob(q, 'x'))?.state === 'active');
      const closing = w.close();
      hold.open();
      await closing;
      expect(await queue.getJob(q, 'x')).toMatchObject({ state: 'completed', result: 'finished' });
    });

    it('removes finished jobs so their id can be used again, and clears a queue', async () => {
      const { queue, name, work } = await fresh();
      const q = name();
      await queue.enqueue(q, [{ id: 'r', payload: 1 }]);
      const handled: JsonValue[] = [];
      await work(q, async (job) => {
        handled.push(job.payload);
        return null;
      });
      await waitFor(async () => (await queue.getJob(q, 'r'))?.state === 'completed');
      expect(await queue.removeJob(q, 'r')).toBe(true);
      expect(await queue.removeJob(q, 'r')).toBe(false);
      expect(await queue.enqueue(q, [{ id: 'r', payload: 2 }])).toEqual([true]);
      await waitFor(() => handled.length === 2);
      expect(handled).toEqual([1, 2]);

      const idle = name();
      await queue.enqueue(idle, [
        { id: 'u', payload: null },
        { id: 'v', payload: null },
      ]);
      await queue.clear(idle);
      expect(await queue.getJob(idle, 'u')).toBeNull();
      expect(await queue.enqueue(idle, [{ id: 'u', payload: null }])).toEqual([true]);
    });

    it('rejects bad queue names, ids, attempts and payloads with KEEL_INVALID_ARGUMENT', async () => {
      const { queue, name } = await fresh();
      const q = name();
      const bad = async (p: Promise<unknown>) =>
        expect(p).rejects.toMatchObject({ code: 'KEEL_INVALID_ARGUMENT' });
      await bad(queue.enqueue('bad:name', [{ id: 'a', payload: null }]));
      await bad(queue.enqueue(q, [{ id: 'has:colon', payload: null }]));
      await bad(queue.enqueue(q, [{ id: '123', payload: null }]));
      await bad(queue.enqueue(q, [{ id: '', payload: null }]));
      await bad(queue.enqueue(q, [{ id: 'a', payload: null, attempts: 0 }]));
      await bad(queue.enqueue(q, [{ id: 'a', payload: null, backoff: { type: 'fixed', delayMs: -1 } }]));
      await bad(queue.enqueue(q, [{ id: 'a', payload: { big: 1n } as unknown as JsonValue }]));
      await bad(queue.getJob(q, 'a b'));
      await bad(queue.process(q, async () => null, { concurrency: 0 }));
      expect(await queue.getJob(q, 'a')).toBeNull();
    });
  });
}

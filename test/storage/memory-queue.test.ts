import { describe, expect, it } from 'vitest';
import { ManualClock, silentLogger, systemClock } from '../../src/core/index.js';
import { MemoryQueue, openStore } from '../../src/storage/index.js';
import { queueConformance } from '../conformance/queue.js';

queueConformance('memory', () =>
  openStore('queue', 'memory:', { root: '.', log: silentLogger(), clock: systemClock }),
);

describe('memory queue', () => {
  it('runs backoff and lock expiry on its clock', async () => {
    const clock = new ManualClock();
    const queue = new MemoryQueue(clock);
    const deliveries: number[] = [];
    await queue.enqueue('q', [
      { id: 'j', payload: null, attempts: 2, backoff: { type: 'exponential', delayMs: 1000 } },
    ]);
    const worker = await queue.process('q', async (job) => {
      deliveries.push(job.delivery);
      if (job.delivery === 1) throw new Error('first fails');
      return 'ok';
    });
    const settle = () => new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 20 && (await queue.getJob('q', 'j'))?.state !== 'delayed'; i++) await settle();
    expect((await queue.getJob('q', 'j'))?.state).toBe('delayed');
    await clock.advance(999);
    await settle();
    expect((await queue.getJob('q', 'j'))?.state).toBe('delayed');
    await clock.advance(1);
    for (let i = 0; i < 20 && (await queue.getJob('q', 'j'))?.state !== 'completed'; i++) await settle();
    expect(await queue.getJob('q', 'j')).toMatchObject({ state: 'completed', result: 'ok', attemptsMade: 1 });
    expect(deliveries).toEqual([1, 2]);
    await worker.close();
    await queue.close();
  });

  it('rejects URL parameters', async () => {
    await expect(
      openStore('queue', 'memory:?size=3', { root: '.', log: silentLogger(), clock: systemClock }),
    ).rejects.toMatchObject({ code: 'KEEL_STORE_BAD_URL' });
  });
});

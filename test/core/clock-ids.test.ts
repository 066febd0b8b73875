import { describe, expect, it } from 'vitest';
import { isValidName, ManualClock, newId, OffsetClock } from '../../src/core/index.js';

describe('ManualClock', () => {
  it('wakes sleepers in time order only when advanced', async () => {
    const clock = new ManualClock(0);
    const woke: string[] = [];
    void clock.sleep(200).then(() => woke.push(`b@${clock.now()}`));
    void clock.sleep(100).then(() => woke.push(`a@${clock.now()}`));
    await clock.advance(50);
    expect(woke).toEqual([]);
    await clock.advance(200);
    expect(woke).toEqual(['a@100', 'b@200']);
    expect(clock.now()).toBe(250);
  });

  it('rejects a sleep when its signal aborts', async () => {
    const clock = new ManualClock(0);
    const ac = new AbortController();
    const p = clock.sleep(1000, ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('ids', () => {
  it('makes unique ids that sort by time', () => {
    const a = newId(1_000);
    const b = newId(2_000);
    expect(a).toHaveLength(26);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });

  it('validates names', () => {
    expect(isValidName('fraud-v2.1')).toBe(true);
    expect(isValidName('../etc')).toBe(false);
    expect(isValidName('')).toBe(false);
  });
});

describe('OffsetClock', () => {
  it('runs at real speed from its start, jumps forward, wakes due sleepers in order and reschedules the rest', async () => {
    const start = Date.UTC(2024, 2, 1);
    const clock = new OffsetClock(start);
    expect(Math.abs(clock.now() - start)).toBeLessThan(50);
    const woken: string[] = [];
    void clock.sleep(60_000).then(() => woken.push('1m'));
    void clock.sleep(30_000).then(() => woken.push('30s'));
    void clock.sleep(3_600_000).then(() => woken.push('1h'));
    await clock.advance(90_000);
    expect(woken).toEqual(['30s', '1m']);
    expect(clock.now() - start).toBeGreaterThanOrEqual(90_000);
    await clock.advanceTo(start); // never backwards
    expect(clock.now() - start).toBeGreaterThanOrEqual(90_000);
    const short = clock.sleep(20);
    await short; // real time still wakes sleepers
    await clock.advance(3_600_000);
    await new Promise((r) => setImmediate(r));
    expect(woken).toEqual(['30s', '1m', '1h']);
  });

  it('release() drops the timers of sleepers still waiting', async () => {
    const clock = new OffsetClock();
    let woke = false;
    void clock.sleep(20).then(() => {
      woke = true;
    });
    clock.release();
    await new Promise((r) => setTimeout(r, 60));
    expect(woke).toBe(false);
  });

  it('rejects an aborted sleep', async () => {
    const clock = new OffsetClock();
    const abort = new AbortController();
    const p = clock.sleep(10_000, abort.signal);
    abort.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

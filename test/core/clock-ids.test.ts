import { describe, expect, it } from 'vitest';
import { isValidName, ManualClock, newId } from '../../src/core/index.js';

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

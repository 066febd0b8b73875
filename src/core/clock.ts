/**
 * A source of time that tests can control.
 *
 * Everything in Keel that reads the time or waits takes a `Clock` instead of calling
 * `Date.now()` or `setTimeout` directly, so a whole continuous-learning scenario can run
 * in milliseconds under a `ManualClock`.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (UTC). */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface Sleeper {
  readonly wakeAt: number;
  readonly resolve: () => void;
}

/**
 * A clock that only moves when told to. `advance(ms)` wakes sleepers in time order.
 * Starts at `startMs` (default 2024-01-01T00:00:00Z).
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = { wakeAt: this.current + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, waking every sleeper whose time has come, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const due = this.sleepers.filter((s) => s.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.current = Math.max(this.current, due.wakeAt);
      due.resolve();
      // Let the woken task run (and possibly sleep again) before the next one.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.current = target;
  }

  /** Sets the time directly (never backwards). */
  async set(ms: number): Promise<void> {
    if (ms > this.current) await this.advance(ms - this.current);
  }
}

interface TimedSleeper {
  readonly wakeAt: number;
  timer: NodeJS.Timeout;
  readonly resolve: () => void;
}

/**
 * The wall clock shifted by an offset that only grows: it runs at real speed, and `advanceTo`
 * jumps it forward (waking every sleeper whose time has come). A demo or a simulation can start it
 * in the past, fast-forward through a day of traffic in seconds, and leave it running in real time
 * for a server that keeps serving afterwards. `release()` drops the timers of sleepers still
 * waiting, so a finished simulation's process can exit.
 */
export class OffsetClock implements Clock {
  private offset: number;
  private sleepers = new Set<TimedSleeper>();

  constructor(startMs: number = Date.now()) {
    this.offset = startMs - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        this.sleepers.delete(sleeper);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const sleeper: TimedSleeper = {
        wakeAt: this.now() + Math.max(0, ms),
        timer: setTimeout(wake, Math.max(0, ms)),
        resolve: wake,
      };
      const onAbort = (): void => {
        clearTimeout(sleeper.timer);
        this.sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Jumps forward to `ms` (never backwards): due sleepers wake in time order, the rest are rescheduled. */
  async advanceTo(ms: number): Promise<void> {
    const now = this.now();
    if (ms <= now) return;
    this.offset += ms - now;
    const due = [...this.sleepers].filter((s) => s.wakeAt <= ms).sort((a, b) => a.wakeAt - b.wakeAt);
    for (const s of due) {
      clearTimeout(s.timer);
      s.resolve();
      await new Promise<void>((r) => setImmediate(r));
    }
    for (const s of this.sleepers) {
      clearTimeout(s.timer);
      s.timer = setTimeout(s.resolve, Math.max(0, s.wakeAt - this.now()));
    }
  }

  /** Jumps forward by `ms`. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.now() + ms);
  }

  /**
   * Forgets every sleeper still waiting: their timers are cleared and they never wake. Call it once
   * whatever used the clock is shut down, so leftover timers do not keep the process alive.
   */
  release(): void {
    for (const s of this.sleepers) clearTimeout(s.timer);
    this.sleepers.clear();
  }
}

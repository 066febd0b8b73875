import { ManualClock } from '../../src/core/index.js';

/**
 * A ManualClock that counts its pending sleepers, so a test can wait until the code under test is
 * actually sleeping (a retry backoff, a timeout) before it advances time.
 */
export class WatchedClock extends ManualClock {
  private waiting = 0;

  /** Sleeps not yet woken or aborted. */
  get pendingSleeps(): number {
    return this.waiting;
  }

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const p = super.sleep(ms, signal);
    this.waiting++;
    const settle = () => {
      this.waiting--;
    };
    p.then(settle, settle);
    return p;
  }
}

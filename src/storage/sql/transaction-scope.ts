import { AsyncLocalStorage } from 'node:async_hooks';

/** One open transaction of a driver, seen by the async context that opened it. */
interface ActiveTransaction<C> {
  readonly owner: object;
  readonly conn: C;
  active: boolean;
}

const storage = new AsyncLocalStorage<ActiveTransaction<unknown>>();
/** Transactions of every driver running now (in any context). */
let running = 0;

/**
 * Tracks which transaction (if any) the current async context is inside, per driver, so that a
 * nested `transaction()` or a plain query made while one is open joins it instead of waiting
 * for it (which would deadlock) or running outside it.
 */
export class TransactionScope<C> {
  private readonly owner = {};

  /** The connection of the open transaction of this driver in the current context, or null. */
  current(): C | null {
    const tx = storage.getStore();
    return tx && tx.owner === this.owner && tx.active ? (tx.conn as C) : null;
  }

  /** Runs `fn` with `conn` as the current transaction; the scope ends (even for stray callbacks) when it settles. */
  async run<T>(conn: C, fn: () => Promise<T>): Promise<T> {
    const tx: ActiveTransaction<unknown> = { owner: this.owner, conn, active: true };
    running++;
    try {
      return await storage.run(tx, fn);
    } finally {
      tx.active = false;
      // On Node 20 a used AsyncLocalStorage keeps async hooks running on every promise, tick and
      // socket write of the process: off between transactions, so a server's request path does
      // not pay for them (`run` turns them on again; outside a transaction there is no store anyway).
      if (--running === 0) storage.disable();
    }
  }
}

/** A FIFO async lock: one holder at a time, waiters served in arrival order. */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` while holding the lock. */
  async withLock<T>(fn: () => Promise<T> | T): Promise<T> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

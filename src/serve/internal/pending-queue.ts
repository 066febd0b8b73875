import type { TensorBatch } from '../tensor.js';

/** One request waiting for (or running in) a runtime call. */
export interface Pending {
  readonly input: TensorBatch;
  readonly resolve: (output: TensorBatch) => void;
  readonly reject: (error: unknown) => void;
  /** Monotonic ms when it was queued (performance.now()). */
  readonly queuedAt: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** True once resolved, rejected or timed out: later outcomes are ignored. */
  settled: boolean;
  queued: boolean;
  prev: Pending | null;
  next: Pending | null;
}

/**
 * A FIFO of pending requests as an intrusive doubly linked list: O(1) push, shift and removal
 * (a timed-out request leaves the middle of the queue at once), no array growth.
 */
export class PendingQueue {
  private head: Pending | null = null;
  private tail: Pending | null = null;
  /** Requests currently queued. */
  size = 0;
  /** Rows of the queued requests. */
  rows = 0;

  push(p: Pending): void {
    p.prev = this.tail;
    p.next = null;
    if (this.tail) this.tail.next = p;
    else this.head = p;
    this.tail = p;
    p.queued = true;
    this.size++;
    this.rows += p.input.rows;
  }

  /** The oldest queued request, without removing it. */
  peek(): Pending | null {
    return this.head;
  }

  /** Removes `p` wherever it is; no-op when it is not queued. */
  remove(p: Pending): void {
    if (!p.queued) return;
    if (p.prev) p.prev.next = p.next;
    else this.head = p.next;
    if (p.next) p.next.prev = p.prev;
    else this.tail = p.prev;
    p.prev = null;
    p.next = null;
    p.queued = false;
    this.size--;
    this.rows -= p.input.rows;
  }

  /** Removes and returns every queued request (for shutdown). */
  drainAll(): Pending[] {
    const out: Pending[] = [];
    while (this.head) {
      const p = this.head;
      this.remove(p);
      out.push(p);
    }
    return out;
  }
}

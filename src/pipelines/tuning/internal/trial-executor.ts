import { KeelError } from '../../../core/index.js';
import {
  type RoundHook,
  type TrialData,
  type TrialOutcome,
  type TrialRequest,
  trainTrial,
} from './trial-runner.js';

/**
 * Runs trials' training somewhere (this thread, worker threads) while the study, tracking and
 * pruning decisions stay with the caller: `onRound` is called on the caller's thread, in round order.
 */
export interface TrialExecutor {
  /** Trials it can train at the same time. */
  readonly slots: number;
  /** Trains one trial; rejects with the training error, or `KEEL_CANCELLED` after `abort()`. */
  run(request: TrialRequest, onRound: RoundHook): Promise<TrialOutcome>;
  /** Interrupts every running trial (their `run` reject with `KEEL_CANCELLED`). */
  abort(): void;
  /** Releases threads. */
  close(): Promise<void>;
}

/** Trains one trial at a time on the calling thread (`parallel` = 1). */
export class InProcessExecutor implements TrialExecutor {
  readonly slots = 1;
  private readonly controller = new AbortController();

  constructor(private readonly data: TrialData) {}

  run(request: TrialRequest, onRound: RoundHook): Promise<TrialOutcome> {
    if (this.controller.signal.aborted) return Promise.reject(cancelled(request.number));
    return trainTrial(this.data, request, onRound, this.controller.signal);
  }

  abort(): void {
    this.controller.abort();
  }

  async close(): Promise<void> {}
}

/** `KEEL_CANCELLED` for an interrupted trial. */
export function cancelled(number: number): KeelError {
  return new KeelError('KEEL_CANCELLED', `Trial ${number} was interrupted.`, { details: { trial: number } });
}

import type { Task } from '../../../learn/index.js';
import type { SharedFrame } from './shared-frame.js';
import type { TrialOutcome, TrialRequest } from './trial-runner.js';

/**
 * Messages between the study (main thread) and a trial worker. The data arrives once, in
 * `workerData`; each trial is one `trial` message; rounds come back as `round` messages, and when
 * the request asks for decisions the worker blocks on `control[DECISION]` until the main thread
 * stores CONTINUE or STOP there (so pruning is decided centrally, exactly at the reported round).
 */

/** `workerData` of a trial worker. */
export interface TrialWorkerData {
  readonly learner: string;
  readonly target: string;
  readonly features: readonly string[];
  readonly task: Task;
  readonly train: SharedFrame;
  readonly validation: SharedFrame;
  /** An Int32Array(1) over a SharedArrayBuffer: the decision slot. */
  readonly control: SharedArrayBuffer;
}

/** Index of the decision slot in the control array. */
export const DECISION = 0;
/** Decision values: none yet, go on, stop (pruned). */
export const PENDING = 0;
export const CONTINUE = 1;
export const STOP = 2;

/** Main → worker. */
export interface TrialMessage {
  readonly type: 'trial';
  readonly request: TrialRequest;
}

/** An error as it crosses the thread boundary. */
export interface WireError {
  readonly code: string | null;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Worker → main. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'round';
      readonly number: number;
      readonly round: number;
      readonly metrics: Readonly<Record<string, number>>;
    }
  | { readonly type: 'done'; readonly number: number; readonly outcome: TrialOutcome }
  | { readonly type: 'error'; readonly number: number; readonly error: WireError };

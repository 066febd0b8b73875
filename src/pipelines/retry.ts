import { createHash } from 'node:crypto';
import { isKeelError, KeelError } from '../core/index.js';

/** How a step retries when an attempt fails (Airflow/Dagster vocabulary). */
export interface RetryOptions {
  /** Retries after the first attempt (default 0: one attempt in all). */
  readonly retries?: number;
  /** Delay before the first retry, in ms (default 1000). */
  readonly initialDelayMs?: number;
  /** Growth of the delay per retry (default 2: exponential). */
  readonly factor?: number;
  /** Cap on any one delay, in ms (default 300000 = 5 min). */
  readonly maxDelayMs?: number;
  /**
   * `full` (default): a delay drawn in [0, d]; `equal`: in [d/2, d]; `none`: exactly d, where d is
   * the capped exponential delay. The draw is a hash of (run, step, retry), so a replay waits the same.
   */
  readonly jitter?: 'full' | 'equal' | 'none';
  /**
   * Decides whether an error is worth retrying. Default: everything except cancellation and Keel
   * errors that mean bad input (HTTP 4xx such as a missing file or a failed validation).
   */
  readonly retryOn?: (error: unknown) => boolean;
}

/** A retry policy with every field set. */
export interface RetryPolicy {
  readonly retries: number;
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  readonly jitter: 'full' | 'equal' | 'none';
  readonly retryOn: ((error: unknown) => boolean) | null;
}

/** The defaults: no retries; when retrying, 1 s doubling up to 5 min with full jitter. */
export const RETRY_DEFAULTS: RetryPolicy = {
  retries: 0,
  initialDelayMs: 1000,
  factor: 2,
  maxDelayMs: 300_000,
  jitter: 'full',
  retryOn: null,
};

/** Fills defaults and checks ranges; `KEEL_PIPELINE_INVALID` naming `where` (the step) otherwise. */
export function resolveRetryPolicy(options: RetryOptions | undefined, where: string): RetryPolicy {
  const p = { ...RETRY_DEFAULTS, ...stripUndefined(options ?? {}) } as RetryPolicy;
  const bad = (field: string, rule: string): never => {
    throw new KeelError('KEEL_PIPELINE_INVALID', `${where}: retry.${field} must be ${rule}.`, {
      details: { step: where, field },
    });
  };
  if (!Number.isInteger(p.retries) || p.retries < 0 || p.retries > 100)
    bad('retries', 'a whole number from 0 to 100');
  if (!(p.initialDelayMs >= 0) || !Number.isFinite(p.initialDelayMs))
    bad('initialDelayMs', 'a number of ms ≥ 0');
  if (!(p.factor >= 1) || !Number.isFinite(p.factor)) bad('factor', 'a number ≥ 1');
  if (!(p.maxDelayMs >= 0) || !Number.isFinite(p.maxDelayMs)) bad('maxDelayMs', 'a number of ms ≥ 0');
  if (!['full', 'equal', 'none'].includes(p.jitter)) bad('jitter', "'full', 'equal' or 'none'");
  if (p.retryOn !== null && typeof p.retryOn !== 'function') bad('retryOn', 'a function');
  return p;
}

/**
 * Milliseconds to wait before retry number `retry` (1 = the retry after the first failed attempt):
 * `min(maxDelayMs, initialDelayMs * factor^(retry-1))`, jittered by a deterministic draw from `seed`.
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, seed: string): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, retry - 1));
  if (policy.jitter === 'none') return Math.round(base);
  const u = unitDraw(`${seed}#${retry}`);
  return Math.round(policy.jitter === 'full' ? u * base : base / 2 + (u * base) / 2);
}

/** Whether `policy` retries `error`: never a cancellation; else `retryOn`, or by default anything but a 4xx Keel error. */
export function shouldRetry(policy: RetryPolicy, error: unknown): boolean {
  if (isKeelError(error, 'KEEL_CANCELLED')) return false;
  if (policy.retryOn) return policy.retryOn(error);
  return !(isKeelError(error) && error.status >= 400 && error.status < 500);
}

/** A number in [0, 1) from the sha256 of `text`. */
function unitDraw(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import type { Clock } from '../../core/index.js';
import { KeelError } from '../../core/index.js';

/** How one attempt ended. */
export type AttemptResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly kind: 'failed' | 'timeout' | 'cancelled' | 'abandoned';
      readonly error: unknown;
    };

/** What bounds one attempt. */
export interface AttemptLimits {
  readonly clock: Clock;
  /** Time limit on the clock, or null. */
  readonly timeoutMs: number | null;
  /** Cancels the attempt (recorded as cancelled). */
  readonly cancel: AbortSignal;
  /** Abandons it: the worker is going away, nothing is recorded (the job is redelivered). */
  readonly abandon?: AbortSignal;
  /** Names the step in the timeout error. */
  readonly label: string;
}

/**
 * Runs `fn` with a signal that aborts on cancel, abandon or timeout, and settles as soon as one of
 * those happens even if `fn` ignores its signal (its late result is dropped).
 */
export async function runAttempt(
  fn: (signal: AbortSignal) => unknown,
  limits: AttemptLimits,
): Promise<AttemptResult> {
  if (limits.abandon?.aborted) return { ok: false, kind: 'abandoned', error: limits.abandon.reason };
  if (limits.cancel.aborted) return { ok: false, kind: 'cancelled', error: limits.cancel.reason };
  const controller = new AbortController();
  let kind: 'timeout' | 'cancelled' | 'abandoned' | null = null;
  const stop = (k: 'timeout' | 'cancelled' | 'abandoned', reason: unknown) => {
    if (kind) return;
    kind = k;
    controller.abort(reason);
  };
  const onCancel = () => stop('cancelled', limits.cancel.reason);
  const onAbandon = () => stop('abandoned', limits.abandon?.reason);
  limits.cancel.addEventListener('abort', onCancel, { once: true });
  limits.abandon?.addEventListener('abort', onAbandon, { once: true });
  const timer = new AbortController();
  if (limits.timeoutMs !== null) {
    const ms = limits.timeoutMs;
    limits.clock.sleep(ms, timer.signal).then(
      () =>
        stop(
          'timeout',
          new KeelError('KEEL_TIMEOUT', `${limits.label} timed out after ${ms} ms.`, {
            details: { timeoutMs: ms },
          }),
        ),
      () => undefined,
    );
  }
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const value = await Promise.race([Promise.resolve().then(() => fn(controller.signal)), aborted]);
    return kind ? { ok: false, kind, error: controller.signal.reason } : { ok: true, value };
  } catch (error) {
    return { ok: false, kind: kind ?? 'failed', error: kind ? controller.signal.reason : error };
  } finally {
    timer.abort();
    limits.cancel.removeEventListener('abort', onCancel);
    limits.abandon?.removeEventListener('abort', onAbandon);
  }
}

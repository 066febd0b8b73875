import { KeelError } from '../core/index.js';
import type { EnqueueJob, JsonValue, ProcessOptions } from './contracts/index.js';

const NAME_RE = /^[A-Za-z0-9_.-]{1,100}$/;
const ID_RE = /^[A-Za-z0-9_.-]{1,200}$/;

/** Throws `KEEL_INVALID_ARGUMENT` unless `queue` is 1-100 letters, digits, `_`, `.` or `-`. */
export function assertQueueName(queue: string): void {
  if (typeof queue !== 'string' || !NAME_RE.test(queue)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Queue name ${JSON.stringify(String(queue).slice(0, 80))} is not allowed: use 1-100 letters, digits, _ . -.`,
      { details: { queue: String(queue).slice(0, 80) } },
    );
  }
}

/**
 * Throws `KEEL_INVALID_ARGUMENT` unless `id` is 1-200 letters, digits, `_`, `.` or `-` and not only
 * digits (BullMQ reserves numeric ids for its own counter and forbids `:`; every backend agrees).
 */
export function assertJobId(id: string): void {
  if (typeof id !== 'string' || !ID_RE.test(id) || /^\d+$/.test(id)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Job id ${JSON.stringify(String(id).slice(0, 80))} is not allowed: use 1-200 letters, digits, _ . - (not only digits).`,
      { details: { id: String(id).slice(0, 80) } },
    );
  }
}

/** Validates an enqueue batch: ids, attempts 1-100, backoff ≥ 0 ms, JSON payloads (`KEEL_INVALID_ARGUMENT`). */
export function assertEnqueueJobs(jobs: readonly EnqueueJob[]): void {
  for (const job of jobs) {
    assertJobId(job.id);
    const attempts = job.attempts ?? 1;
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Job "${job.id}": attempts must be a whole number from 1 to 100, got ${String(job.attempts)}.`,
        { details: { id: job.id, attempts: job.attempts } },
      );
    }
    const delay = job.backoff?.delayMs;
    if (job.backoff && (!['fixed', 'exponential'].includes(job.backoff.type) || !(Number(delay) >= 0))) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Job "${job.id}": backoff must be { type: 'fixed' | 'exponential', delayMs ≥ 0 }.`,
        { details: { id: job.id } },
      );
    }
    assertJson(job.payload, job.id);
  }
}

/** Resolved worker options: concurrency 1, lock 30 s, 3 stalls unless given; bad values fail with `KEEL_INVALID_ARGUMENT`. */
export function resolveProcessOptions(options: ProcessOptions = {}): Required<ProcessOptions> {
  const out = {
    concurrency: options.concurrency ?? 1,
    lockMs: options.lockMs ?? 30_000,
    maxStalls: options.maxStalls ?? 3,
    name: options.name ?? 'worker',
  };
  const check = (key: 'concurrency' | 'lockMs' | 'maxStalls', min: number): void => {
    if (!Number.isInteger(out[key]) || out[key] < min) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Worker option ${key} must be a whole number ≥ ${min}, got ${String(out[key])}.`,
        { details: { [key]: out[key] } },
      );
    }
  };
  check('concurrency', 1);
  check('lockMs', 100);
  check('maxStalls', 0);
  return out;
}

/** Milliseconds to wait before retry number `attemptsMade` (1 after the first failure). */
export function backoffDelayMs(backoff: EnqueueJob['backoff'], attemptsMade: number): number {
  if (!backoff) return 0;
  return backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** Math.max(0, attemptsMade - 1);
}

function assertJson(value: unknown, id: string): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `Job "${id}": payload is not JSON-serialisable.`, {
      cause: error,
      details: { id },
    });
  }
  if (text === undefined) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `Job "${id}": payload must be a JSON value.`, {
      details: { id },
    });
  }
}

/** A deep copy of a JSON value (payloads and results are owned by the queue, not the caller). */
export function cloneJson<T extends JsonValue | undefined>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

import { KeelError } from '../core/index.js';
import type { FetchOptions } from './contracts/index.js';

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** Most messages one `fetch` may return. */
export const MAX_FETCH = 10_000;

/** Throws `KEEL_INVALID_ARGUMENT` unless `name` is 1..64 letters, digits, `_` or `-` (`what`: topic, consumer). */
export function assertStreamName(name: string, what: 'topic' | 'consumer'): void {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Stream ${what} name ${JSON.stringify(String(name).slice(0, 80))} is not allowed: use 1-64 letters, digits, _ or -.`,
      { details: { [what]: String(name).slice(0, 80) } },
    );
  }
}

/** Throws `KEEL_INVALID_ARGUMENT` unless every payload is a Uint8Array. */
export function assertPayloads(topic: string, payloads: readonly Uint8Array[]): void {
  payloads.forEach((p, i) => {
    if (!(p instanceof Uint8Array)) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Stream message ${i} for topic "${topic}" must be a Uint8Array.`,
        { details: { topic, index: i } },
      );
    }
  });
}

/** `max` and `waitMs` of a fetch with defaults applied (100 and 0), validated. */
export function fetchBounds(options: FetchOptions = {}): { max: number; waitMs: number } {
  const max = options.max ?? 100;
  const waitMs = options.waitMs ?? 0;
  if (!Number.isSafeInteger(max) || max < 1 || max > MAX_FETCH) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `fetch max must be a whole number 1-${MAX_FETCH}, got ${max}.`,
      {
        details: { max },
      },
    );
  }
  if (!Number.isFinite(waitMs) || waitMs < 0) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `fetch waitMs must be >= 0, got ${waitMs}.`, {
      details: { waitMs },
    });
  }
  return { max, waitMs };
}

import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Options for a `KeelError`. */
export interface KeelErrorOptions {
  /** Structured facts about the failure (ids, file, line, column): safe to show a user. */
  readonly details?: Record<string, unknown>;
  /** The native error this one wraps (a pg error, an fs error...). */
  readonly cause?: unknown;
  /** Overrides the table's HTTP status for this instance (e.g. 503 instead of 429 when draining). */
  readonly status?: number;
}

/**
 * The one error class Keel throws for anything a user can cause or fix.
 *
 * Recognise errors by `code`, never by message text. `status` and `retryable` come from
 * the closed table in `error-codes.ts`.
 */
export class KeelError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: KeelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeelError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code].status;
    this.retryable = ERROR_CODES[code].retryable;
    this.details = options.details ?? {};
  }

  /** The wire form used by every HTTP route: `{ error, code, details }`. */
  toJSON(): { error: string; code: ErrorCode; details: Record<string, unknown> } {
    return { error: this.message, code: this.code, details: this.details };
  }
}

/** True when `value` is a `KeelError`, optionally with the given code. */
export function isKeelError(value: unknown, code?: ErrorCode): value is KeelError {
  return value instanceof KeelError && (code === undefined || value.code === code);
}

/** The "how to solve" line for a code, as listed in docs/errors.md. */
export function errorHint(code: ErrorCode): string {
  return ERROR_CODES[code].hint;
}

/**
 * Wraps anything thrown into a `KeelError`: KeelErrors pass through, others become
 * `KEEL_INTERNAL` with the original kept as `cause`.
 */
export function toKeelError(error: unknown): KeelError {
  if (error instanceof KeelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new KeelError('KEEL_INTERNAL', `Unexpected error: ${message}`, { cause: error });
}

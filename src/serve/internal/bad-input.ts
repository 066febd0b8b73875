import { KeelError } from '../../core/index.js';

/** A `KEEL_SERVE_BAD_INPUT` error (HTTP 400) with the facts that locate the problem. */
export function badInput(message: string, details: Record<string, unknown> = {}): KeelError {
  return new KeelError('KEEL_SERVE_BAD_INPUT', message, { details });
}

/** A short, safe rendering of a user value for error messages. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

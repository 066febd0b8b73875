import { KeelError } from '../../core/index.js';
import type { EngineState } from '../engine-options.js';
import { badInput } from './bad-input.js';

/** Throws `KEEL_SERVE_UNAVAILABLE` (503; retry after 1 s while starting, 5 s while draining) unless running. */
export function assertRunning(state: EngineState): void {
  if (state === 'running') return;
  const starting = state === 'created' || state === 'starting';
  throw new KeelError(
    'KEEL_SERVE_UNAVAILABLE',
    starting ? 'The inference engine is starting; retry shortly.' : 'The inference engine is shutting down.',
    { details: { state, retryAfterSeconds: starting ? 1 : 5 } },
  );
}

/**
 * Throws `KEEL_SERVE_BAD_INPUT` below `minRows` (records need one; OIP tensors may have zero rows)
 * and `KEEL_SERVE_PAYLOAD_TOO_LARGE` (413) past `maxRows`.
 */
export function assertRowCount(rows: number, maxRows: number, minRows = 1): void {
  if (rows < minRows) throw badInput('Send at least one record.');
  if (rows > maxRows) {
    throw new KeelError(
      'KEEL_SERVE_PAYLOAD_TOO_LARGE',
      `A request may carry at most ${maxRows} rows, got ${rows}. Split it into smaller requests.`,
      { details: { rows, limit: maxRows } },
    );
  }
}

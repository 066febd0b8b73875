import { KeelError } from '../core/index.js';
import type { OnlineWriteRow } from './contracts/index.js';

const VIEW_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const MAX_KEY_CHARS = 1024;

/** Throws `KEEL_INVALID_ARGUMENT` unless `view` is a Keel name: a letter, then up to 127 of `A-Za-z0-9_.-`. */
export function assertOnlineView(view: string): void {
  if (typeof view !== 'string' || !VIEW_RE.test(view)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Online view name ${JSON.stringify(String(view).slice(0, 80))} is not allowed: start with a letter, then use letters, digits, _ . - (at most 128).`,
      { details: { view: String(view).slice(0, 80) } },
    );
  }
}

/** Throws `KEEL_INVALID_ARGUMENT` unless every key is a string of 1..1024 characters. */
export function assertEntityKeys(keys: readonly string[]): void {
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Entity keys must be 1-${MAX_KEY_CHARS} characters, got ${typeof key === 'string' ? `${key.length} characters` : typeof key}.`,
        { details: { length: typeof key === 'string' ? key.length : null } },
      );
    }
  }
}

function badRow(index: number, what: string): KeelError {
  return new KeelError('KEEL_INVALID_ARGUMENT', `Online write row ${index}: ${what}.`, {
    details: { row: index },
  });
}

/**
 * Validates a `writeBatch` before anything is written: keys, finite timestamps, and values that are
 * finite numbers, strings, booleans or null (feature names 1..256 characters, not starting with `_`).
 */
export function assertOnlineRows(rows: readonly OnlineWriteRow[]): void {
  rows.forEach((row, i) => {
    assertEntityKeys([row.entityKey]);
    if (typeof row.eventTimestampMs !== 'number' || !Number.isFinite(row.eventTimestampMs)) {
      throw badRow(i, `eventTimestampMs must be a finite number, got ${String(row.eventTimestampMs)}`);
    }
    const created = row.createdTimestampMs;
    if (created !== undefined && created !== null && !Number.isFinite(created)) {
      throw badRow(i, `createdTimestampMs must be a finite number or null, got ${String(created)}`);
    }
    if (row.values === null || typeof row.values !== 'object') throw badRow(i, 'values must be an object');
    for (const [name, value] of Object.entries(row.values)) {
      if (name.length === 0 || name.length > 256 || name.startsWith('_')) {
        throw badRow(
          i,
          `feature name ${JSON.stringify(name.slice(0, 80))} must be 1-256 characters, not starting with _`,
        );
      }
      const t = typeof value;
      const ok =
        value === null || t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(value));
      if (!ok)
        throw badRow(
          i,
          `feature "${name}" holds ${String(value)}, not a finite number, string, boolean or null`,
        );
    }
  });
}

/** The conflict rule as a comparison: true when `(event, created)` replaces the stored `(storedEvent, storedCreated)`. */
export function replacesStored(
  event: number,
  created: number | null,
  storedEvent: number,
  storedCreated: number | null,
): boolean {
  if (event !== storedEvent) return event > storedEvent;
  return (created ?? Number.NEGATIVE_INFINITY) >= (storedCreated ?? Number.NEGATIVE_INFINITY);
}

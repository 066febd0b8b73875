import { KeelError } from '../core/index.js';
import { describe } from './value-types.js';

const ZONED_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const NAIVE_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?$/;

/**
 * An instant as epoch ms UTC, from a finite number (epoch ms), a `Date`, or an ISO 8601 string
 * that carries its time zone (`Z` or `±hh:mm`). A string without a zone fails with
 * `KEEL_FEATURE_NO_TIMEZONE` (Feast silently assumes UTC; a wrong guess shifts every join), anything
 * else with `KEEL_FEATURE_BAD_VALUE`; `where` names the place in both messages.
 */
export function parseInstant(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  if (typeof value === 'string') {
    const text = value.trim();
    if (ZONED_RE.test(text)) {
      const ms = Date.parse(text.replace(' ', 'T'));
      if (!Number.isNaN(ms)) return ms;
    }
    if (NAIVE_RE.test(text)) {
      throw new KeelError(
        'KEEL_FEATURE_NO_TIMEZONE',
        `${where}: ${JSON.stringify(text)} has no time zone. Write it as ${JSON.stringify(`${text.length === 10 ? `${text}T00:00:00` : text}Z`)} (UTC) or with an offset such as +02:00, or as epoch milliseconds.`,
        { details: { where, value: text } },
      );
    }
  }
  throw new KeelError(
    'KEEL_FEATURE_BAD_VALUE',
    `${where}: ${describe(value)} is not a timestamp. Use epoch milliseconds or an ISO 8601 string with a time zone, e.g. 2024-01-01T00:00:00Z.`,
    { details: { where } },
  );
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A TTL in ms from a number of ms or a string such as `90m`, `12h`, `3d`, `2w` (units ms, s, m, h,
 * d, w); `0`, null or undefined mean unbounded (Feast's convention) and give null.
 * Fails with `KEEL_FEATURE_DEFINITION_INVALID` naming `where`.
 */
export function parseTtl(value: unknown, where: string): number | null {
  if (value === undefined || value === null || value === 0 || value === '0') return null;
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const m = DURATION_RE.exec(value.trim());
    if (m) ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || !Number.isInteger(ms)) {
    throw new KeelError(
      'KEEL_FEATURE_DEFINITION_INVALID',
      `${where}: TTL ${describe(value)} is not a duration. Use whole milliseconds or a string such as "12h", "3d" ("0" = unbounded).`,
      { details: { where } },
    );
  }
  return ms === 0 ? null : ms;
}

/** A TTL for people: `3d`, `12h`, `90m`, `1500ms`, or `unbounded`. */
export function formatTtl(ms: number | null): string {
  if (ms === null) return 'unbounded';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

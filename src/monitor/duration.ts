import { KeelError } from '../core/index.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/**
 * Parses a duration such as `30s`, `5m`, `1h`, `1d`, `2w` or `250ms` (Prometheus style, one unit)
 * into milliseconds; anything else (or zero) fails with `KEEL_INVALID_ARGUMENT` naming `what`.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const m = DURATION_RE.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]!]! : Number.NaN;
  if (!(ms > 0) || !Number.isFinite(ms)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `${what} "${text}" is not a duration: use a number and one unit of ms, s, m, h, d, w (e.g. 30s, 5m, 1h, 1d).`,
      { details: { value: text } },
    );
  }
  return Math.round(ms);
}

/** Formats milliseconds with the largest unit that divides them (`3600000` → `1h`). */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms >= UNITS[unit]! && ms % UNITS[unit]! === 0) return `${ms / UNITS[unit]!}${unit}`;
  }
  return `${ms}ms`;
}

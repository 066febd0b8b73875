import { formatNumber } from '../output.js';

const MAX_LINES = 24;
const MAX_TEXT = 160;

const TIME_KEY = /(At|UpTo|fromMs|toMs|sinceMs)$/;
/** Facts that explain a decision come first; bulky metric sets after. */
const FIRST = ['reasons', 'checks', 'verdict', 'triggers'];

function scalar(value: unknown, key = ''): string {
  if (typeof value === 'number' && TIME_KEY.test(key) && value > 1e11) return new Date(value).toISOString();
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rank(key: string): number {
  const i = FIRST.indexOf(key);
  return i < 0 ? FIRST.length : i;
}

function walk(value: unknown, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (value.every((v) => !isRecord(v) && !Array.isArray(v))) {
      const shown = value
        .slice(0, 12)
        .map((v) => scalar(v))
        .join(', ');
      out.push(`${path} = ${shown}${value.length > 12 ? `, … (${value.length} in all)` : ''}`);
      return;
    }
    value.forEach((item, i) => {
      // Checks and triggers carry their own one-line explanation: show it instead of every field.
      const line = isRecord(item) ? (item.detail ?? item.reason) : undefined;
      if (typeof line === 'string') {
        const mark =
          item.passed === true
            ? 'pass'
            : item.passed === false
              ? 'FAIL'
              : isRecord(item) && 'type' in item
                ? String(item.type)
                : '…';
        out.push(`${path}[${i}] ${mark}: ${scalar(line)}`);
      } else walk(item, `${path}[${i}]`, out);
    });
    return;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b));
    for (const k of keys) walk(value[k], path ? `${path}.${k}` : k, out);
    return;
  }
  out.push(`${path} = ${scalar(value, path.slice(path.lastIndexOf('.') + 1))}`);
}

/**
 * The evidence of a recorded decision as readable lines (`verdict.checks[2] FAIL: p99 12 ms vs
 * champion 3 ms...`, `challenger.metrics.auc = 0.8907`): nested facts flattened to dotted paths,
 * checks, reasons and triggers first (by their one-line detail), epoch-ms times as ISO text, at most
 * 24 lines (the JSON output has everything).
 */
export function formatEvidence(evidence: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  walk(evidence, '', out);
  return out.length > MAX_LINES
    ? [...out.slice(0, MAX_LINES), `… ${out.length - MAX_LINES} more (--json shows all)`]
    : out;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Clock, KeelError, newId } from '../../core/index.js';
import type { AlertEvent } from './alert-events.js';

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const SIGNATURE_HEADER = 'x-keel-signature';

/** `sha256=<hex>`: HMAC-SHA256 of `body` (the exact bytes sent) with `secret`. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Checks a received signature header against the raw body, in constant time (for receivers and tests). */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  secret: string,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhookBody(body, secret));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** True when `host` (lower case, with `:port` when the URL has one) is allowed by an entry (`example.com`, `*.example.com`, `127.0.0.1:8080`). */
function hostAllowed(hostname: string, port: string, allowList: readonly string[]): boolean {
  return allowList.some((raw) => {
    const entry = raw.trim().toLowerCase();
    const [host, entryPort] = entry.startsWith('[')
      ? [entry.slice(0, entry.indexOf(']') + 1), entry.split(']:')[1]]
      : entry.split(':');
    if (entryPort !== undefined && entryPort !== port) return false;
    if (host!.startsWith('*.')) return hostname.endsWith(host!.slice(1));
    return hostname === host;
  });
}

/**
 * Checks a webhook URL before it is stored or used: http(s) only, and its host on
 * `monitoring.webhookAllowList` (entries `hooks.example.com`, `*.example.com`, or `host:port` to pin a
 * port); otherwise `KEEL_MONITOR_WEBHOOK_NOT_ALLOWED` naming the host. Returns the parsed URL.
 */
export function assertWebhookAllowed(url: string, allowList: readonly string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KeelError(
      'KEEL_MONITOR_WEBHOOK_NOT_ALLOWED',
      `Webhook "${url}" is not a URL; use https://host/path.`,
      {
        details: { url },
      },
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new KeelError('KEEL_MONITOR_WEBHOOK_NOT_ALLOWED', `Webhook "${url}" must use http or https.`, {
      details: { url },
    });
  }
  if (!hostAllowed(parsed.hostname.toLowerCase(), parsed.port, allowList)) {
    throw new KeelError(
      'KEEL_MONITOR_WEBHOOK_NOT_ALLOWED',
      `Webhook host "${parsed.host}" is not on monitoring.webhookAllowList (${allowList.length ? allowList.join(', ') : 'empty'}). Add it to the list in keel.config.ts / keel.yaml.`,
      { details: { url: `${parsed.origin}${parsed.pathname}`, host: parsed.host, allowList } },
    );
  }
  return parsed;
}

/** Options of `sendWebhook`. */
export interface WebhookOptions {
  /** Signs the body when set (`monitoring.webhookSecret`). */
  readonly secret?: string;
  readonly allowList: readonly string[];
  readonly clock: Clock;
  /** Attempts in all (default 5): retried on network errors, 429 and 5xx, with backoff. */
  readonly maxAttempts?: number;
  /** First retry delay in ms, doubled each time (default 500). */
  readonly baseDelayMs?: number;
  /** Timeout of each attempt in ms (default 5,000). */
  readonly timeoutMs?: number;
}

/** What happened to one webhook delivery. */
export interface WebhookResult {
  readonly url: string;
  readonly delivered: boolean;
  readonly attempts: number;
  /** Last HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly error: string | null;
}

/**
 * POSTs an alert event as JSON (`{ "delivery": id, "event": ... }`) to `url`, with headers
 * `x-keel-event: alert.firing|alert.resolved`, `x-keel-delivery: <id>` and, with a secret,
 * `x-keel-signature: sha256=<HMAC-SHA256 of the body>`. The host must be allowed (checked first).
 * Network errors, 429 and 5xx are retried with exponential backoff on `clock`; other answers are final.
 */
export async function sendWebhook(
  url: string,
  event: AlertEvent,
  options: WebhookOptions,
): Promise<WebhookResult> {
  assertWebhookAllowed(url, options.allowList);
  const delivery = newId();
  const body = JSON.stringify({ delivery, event });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'keel-alerts',
    'x-keel-event': `alert.${event.type}`,
    'x-keel-delivery': delivery,
  };
  if (options.secret) headers[SIGNATURE_HEADER] = signWebhookBody(body, options.secret);
  const maxAttempts = options.maxAttempts ?? 5;
  let status: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { url, delivered: true, attempts: attempt, status, error: null };
      error = `HTTP ${res.status}`;
      if (res.status !== 429 && res.status < 500)
        return { url, delivered: false, attempts: attempt, status, error };
    } catch (e) {
      status = null;
      error = (e as Error).message;
    }
    if (attempt < maxAttempts) await options.clock.sleep((options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
  }
  return { url, delivered: false, attempts: maxAttempts, status, error };
}

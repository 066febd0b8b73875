import { isAbsolute, resolve } from 'node:path';
import { KeelError } from '../core/index.js';

/** A parsed store URL. */
export interface StoreUrl {
  /** The URL as configured (credentials included: never log it, use `redacted`). */
  readonly raw: string;
  /** The URL with any password replaced by `***`, safe for logs and errors. */
  readonly redacted: string;
  /** Scheme without the colon, lower case: `sqlite`, `postgres`, `redis`... */
  readonly scheme: string;
  /** For path-style URLs (`sqlite:`, `file:`, `duckdb:`): the absolute path, or `:memory:`. */
  readonly path: string;
  /** Query parameters (`?schema=x&prefix=y`). */
  readonly params: Readonly<Record<string, string>>;
}

const SCHEME_RE = /^([a-z][a-z0-9+.-]*):(.*)$/i;

/**
 * Parses a store URL. Path-style URLs (`sqlite:.keel/metadata.db`, `file:/abs/dir`) resolve
 * relative paths against `root`; network URLs (`postgres://`, `redis://`) keep host and credentials
 * in `raw`. Fails with `KEEL_STORE_BAD_URL`.
 */
export function parseStoreUrl(raw: string, root: string): StoreUrl {
  const m = SCHEME_RE.exec(raw.trim());
  if (!m) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `"${raw}" is not a store URL: it needs a scheme such as sqlite: or postgres://.`,
      {
        details: { url: raw },
      },
    );
  }
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  const [beforeQuery, query = ''] = splitOnce(rest, '?');
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  const redacted = redact(raw);
  let path = '';
  if (!beforeQuery.startsWith('//')) {
    const p = decodeURIComponent(beforeQuery);
    path = p === '' || p === ':memory:' ? ':memory:' : isAbsolute(p) ? p : resolve(root, p);
  } else if (scheme === 'file') {
    path = decodeURIComponent(beforeQuery.slice(2));
    if (!isAbsolute(path)) path = resolve(root, path);
  }
  return { raw, redacted, scheme, path, params };
}

/** The URL with any password replaced by `***`. */
export function redact(raw: string): string {
  return raw.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

/** Refuses query parameters a store does not know (`KEEL_STORE_BAD_URL` naming the one and the known ones). */
export function checkKnownParams(url: StoreUrl, known: readonly string[], store: string): void {
  for (const key of Object.keys(url.params)) {
    if (!known.includes(key)) {
      throw new KeelError(
        'KEEL_STORE_BAD_URL',
        `Unknown parameter "${key}" in the ${store} URL ${url.redacted}. Known: ${known.join(', ')}.`,
        { details: { url: url.redacted, param: key, known } },
      );
    }
  }
}

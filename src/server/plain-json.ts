/**
 * `JSON.stringify` for the plain values a prediction holds (numbers, strings, booleans, null,
 * arrays and plain objects of them), written by hand because V8's generic path is slow on objects
 * with index-like keys such as a classifier's `probabilities` (`{ "0": …, "1": … }`). The text is
 * identical to `JSON.stringify(value)`: same key order, `undefined` members left out (null in
 * arrays), non-finite numbers as null; anything else (toJSON, class instances, bigint) is handed
 * to `JSON.stringify` itself.
 */
export function plainJson(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? `${value}` : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return arrayJson(value);
      if (isPlainObject(value)) return objectJson(value as Record<string, unknown>);
      return JSON.stringify(value);
    default:
      return JSON.stringify(value);
  }
}

function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return (proto === Object.prototype || proto === null) && !('toJSON' in o);
}

function arrayJson(a: readonly unknown[]): string {
  if ('toJSON' in a) return JSON.stringify(a);
  let s = '[';
  for (let i = 0; i < a.length; i++) {
    if (i > 0) s += ',';
    const v = a[i];
    s += v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : plainJson(v);
  }
  return `${s}]`;
}

function objectJson(o: Record<string, unknown>): string {
  let s = '{';
  let first = true;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    s += `${first ? '' : ','}${quotedKey(k)}:${plainJson(v)}`;
    first = false;
  }
  return `${s}}`;
}

/** Quoted keys seen before: outputs repeat the same few keys on every request. */
const QUOTED = new Map<string, string>();

function quotedKey(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (QUOTED.size < 4096) QUOTED.set(k, q);
  }
  return q;
}

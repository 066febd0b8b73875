import { KeelError } from '../../core/index.js';
import type { StoreUrl } from '../store-url.js';

/** A PostgreSQL metadata URL split into what `pg` connects with and the schema Keel uses. */
export interface PostgresTarget {
  /** The URL without Keel's own parameters, passed to `pg` (credentials included: never log it). */
  readonly connectionString: string;
  /** Schema holding Keel's tables (created when absent); `public` when not given. */
  readonly schema: string;
  /** Pool size (`?pool_max=`), default 10. */
  readonly poolMax: number;
}

const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const KEEL_PARAMS = ['schema', 'pool_max'];

/** Parses `postgres://user:pw@host:5432/db?schema=keel&pool_max=10`; `KEEL_STORE_BAD_URL` on a bad schema or pool size. */
export function parsePostgresUrl(url: StoreUrl): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url.raw.trim());
  } catch (error) {
    throw new KeelError('KEEL_STORE_BAD_URL', `${url.redacted} is not a valid PostgreSQL URL.`, {
      cause: error,
      details: { url: url.redacted },
    });
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_RE.test(schema)) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `schema "${schema}" in ${url.redacted} is not a plain identifier: use letters, digits and _ (at most 63, not starting with a digit).`,
      { details: { url: url.redacted, param: 'schema' } },
    );
  }
  const poolRaw = parsed.searchParams.get('pool_max') ?? '10';
  const poolMax = Number(poolRaw);
  if (!/^\d+$/.test(poolRaw) || poolMax < 1 || poolMax > 1000) {
    throw new KeelError(
      'KEEL_STORE_BAD_URL',
      `pool_max in ${url.redacted} must be a whole number from 1 to 1000.`,
      {
        details: { url: url.redacted, param: 'pool_max' },
      },
    );
  }
  for (const p of KEEL_PARAMS) parsed.searchParams.delete(p);
  return { connectionString: parsed.toString(), schema, poolMax };
}

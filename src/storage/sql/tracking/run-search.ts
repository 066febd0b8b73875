import { createHash } from 'node:crypto';
import { KeelError } from '../../../core/index.js';
import type { RunPage, SearchRunsOptions } from '../../contracts/index.js';
import type { SqlDriver } from '../sql-driver.js';
import { compileRunSearch } from './run-search-sql.js';
import { loadRuns } from './runs.js';

/** Default and largest page sizes of `searchRuns`. */
export const SEARCH_PAGE = { default: 100, max: 1000 } as const;

/** Runs one page of a run search (see `compileRunSearch`); the page token is opaque and tied to the query. */
export async function searchRuns(db: SqlDriver, options: SearchRunsOptions): Promise<RunPage> {
  const max = options.maxResults ?? SEARCH_PAGE.default;
  if (!Number.isInteger(max) || max < 1 || max > SEARCH_PAGE.max) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `maxResults must be an integer from 1 to ${SEARCH_PAGE.max}, got ${String(max)}.`,
      { details: { maxResults: max } },
    );
  }
  const query = {
    experimentIds: options.experimentIds ?? [],
    filter: options.filter ?? [],
    orderBy: options.orderBy ?? [],
  };
  const fingerprint = createHash('sha256').update(JSON.stringify(query)).digest('hex').slice(0, 16);
  const offset = options.pageToken ? decodeToken(options.pageToken, fingerprint) : 0;
  const { sql, params } = compileRunSearch(db.dialect, { ...query, limit: max + 1, offset });
  const ids = (await db.query<{ id: string }>(sql, params)).map((r) => String(r.id));
  const more = ids.length > max;
  const runs = await loadRuns(db, ids.slice(0, max));
  return { runs, nextPageToken: more ? encodeToken(offset + max, fingerprint) : null };
}

function encodeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: fingerprint })).toString('base64url');
}

function decodeToken(token: string, fingerprint: string): number {
  let parsed: { o?: unknown; q?: unknown } | null = null;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!parsed || typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      'The page token is not one Keel issued; start the search again without it.',
      {
        details: { pageToken: token.slice(0, 100) },
      },
    );
  }
  if (parsed.q !== fingerprint) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      'The page token belongs to another search (different experiments, filter or order); start again without it.',
      { details: { pageToken: token.slice(0, 100) } },
    );
  }
  return parsed.o;
}

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KeelError } from '../../core/index.js';
import { parseStoreUrl } from '../../storage/index.js';

/** The datasets Keel keeps under the offline store folder. */
export type MonitorDataset = 'prediction_log' | 'labels';

const DAY_MS = 86_400_000;

/**
 * The folder of the offline store for a `stores.offline` URL (`duckdb:.keel/offline` or
 * `file:/data/offline`), relative paths resolved against `root`. Other backends cannot hold the
 * Parquet prediction log: `KEEL_STORE_BAD_URL` says so.
 */
export function offlineFolder(offlineUrl: string, root: string): string {
  const url = parseStoreUrl(offlineUrl, root);
  if ((url.scheme === 'duckdb' || url.scheme === 'file') && url.path !== ':memory:') return url.path;
  throw new KeelError(
    'KEEL_STORE_BAD_URL',
    `The prediction log and labels are Parquet files under the offline store folder, but stores.offline is "${url.redacted}". Use a folder URL such as duckdb:.keel/offline.`,
    { details: { url: url.redacted } },
  );
}

/** `YYYY-MM-DD` (UTC) of an epoch-ms instant: the day partition a row belongs to. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The partition folder of a dataset for a day: `<offline>/<dataset>/date=YYYY-MM-DD`. */
export function partitionFolder(offline: string, dataset: MonitorDataset, day: string): string {
  return join(offline, dataset, `date=${day}`);
}

/**
 * The Parquet files of a dataset whose day partition overlaps [fromMs, toMs) (every file when the
 * bounds are omitted), sorted by path. Missing folders mean no files; temporary files are skipped.
 */
export async function datasetFiles(
  offline: string,
  dataset: MonitorDataset,
  fromMs = Number.NEGATIVE_INFINITY,
  toMs = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  const base = join(offline, dataset);
  let days: string[];
  try {
    days = (await readdir(base)).filter((d) => /^date=\d{4}-\d{2}-\d{2}$/.test(d));
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const d of days.sort()) {
    const start = Date.parse(`${d.slice(5)}T00:00:00Z`);
    if (start + DAY_MS <= fromMs || start >= toMs) continue;
    const files = await readdir(join(base, d)).catch(() => [] as string[]);
    for (const f of files.sort())
      if (f.endsWith('.parquet') && !f.startsWith('.')) out.push(join(base, d, f));
  }
  return out;
}

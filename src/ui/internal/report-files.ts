import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KeelError } from '../../core/index.js';

/**
 * Report file names the UI lists and serves: a letter or digit, then letters, digits, `.`, `_`
 * or `-`, ending in `.html`; nothing else (no folders, no hidden files, no other types).
 */
export const REPORT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,122}\.html$/;

/** Largest report served, in bytes. */
export const MAX_REPORT_BYTES = 32 * 1024 * 1024;

/** A stored report file. */
export interface ReportFile {
  readonly name: string;
  readonly size: number;
  /** Last modification, epoch ms. */
  readonly modifiedAt: number;
}

/**
 * The regular files in `dir` whose names match `REPORT_NAME`, newest first; symbolic links and
 * anything else are skipped. An absent folder lists nothing.
 */
export async function listReports(dir: string): Promise<ReportFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: ReportFile[] = [];
  for (const name of names) {
    if (!REPORT_NAME.test(name)) continue;
    const stat = await lstat(join(dir, name)).catch(() => null);
    if (!stat?.isFile() || stat.size > MAX_REPORT_BYTES) continue;
    files.push({ name, size: stat.size, modifiedAt: Math.round(stat.mtimeMs) });
  }
  return files.sort((a, b) => b.modifiedAt - a.modifiedAt || (a.name < b.name ? -1 : 1));
}

/**
 * The content of the report `name`: the name must match `REPORT_NAME` and be one of the listed
 * files, so no request can name a path outside `dir`. `KEEL_NOT_FOUND` otherwise.
 */
export async function readReport(dir: string, name: string): Promise<Buffer> {
  const listed = REPORT_NAME.test(name) && (await listReports(dir)).some((f) => f.name === name);
  if (!listed) {
    throw new KeelError('KEEL_NOT_FOUND', `No report named "${name.slice(0, 200)}" in the reports folder.`, {
      details: { report: name.slice(0, 200) },
    });
  }
  // Opened without following a link swapped in since the listing (O_NOFOLLOW).
  const handle = await open(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_REPORT_BYTES) {
      throw new KeelError('KEEL_NOT_FOUND', `"${name}" is not a report file.`, { details: { report: name } });
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

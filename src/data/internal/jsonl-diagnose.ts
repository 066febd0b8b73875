import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DataType } from '../../core/index.js';
import type { BadRow, BadRowReport } from '../read-options.js';
import { MAX_BAD_ROWS } from './bad-rows.js';

/** Bad lines of a JSON Lines file, with the 0-based index of each among the file's records. */
export interface JsonlDiagnosis {
  readonly report: BadRowReport;
  /** Record index (non-blank lines, 0-based) of every bad line, ascending. */
  readonly records: readonly number[];
  /** Line number of every bad line, ascending. */
  readonly lines: readonly number[];
  /** With `cleanCopy`: the line number of each record written to the copy, in order. */
  readonly keptLines?: Int32Array;
}

const BOOLEAN_TEXT = /^(true|false|t|f|1|0|yes|no|y|n)$/i;

function fits(value: unknown, type: DataType): boolean {
  if (value === null || value === undefined) return true;
  switch (type) {
    case 'numeric':
      return (
        typeof value === 'number' ||
        (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      );
    case 'integer':
      return (
        (typeof value === 'number' || typeof value === 'string') &&
        Number.isInteger(Number(value)) &&
        String(value).trim() !== ''
      );
    case 'boolean':
      return (
        typeof value === 'boolean' ||
        value === 0 ||
        value === 1 ||
        (typeof value === 'string' && BOOLEAN_TEXT.test(value))
      );
    case 'timestamp':
      return typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));
    default:
      return true;
  }
}

/**
 * Finds the bad lines of a JSON Lines file the way a reader would meet them: lines that are not a
 * JSON object, and values that do not fit a declared type. Blank lines are skipped (DuckDB skips
 * them too). Only used on the error path and with `badRows: 'skip'`, as it parses every line.
 * With `cleanCopy`, the good records are also written to that file (for DuckDB to read).
 */
export async function diagnoseJsonl(
  path: string,
  declared: Readonly<Record<string, DataType>>,
  cleanCopy?: string,
): Promise<JsonlDiagnosis> {
  const out = cleanCopy === undefined ? null : createWriteStream(cleanCopy);
  let kept = new Int32Array(1024);
  let keptCount = 0;
  const keep = async (text: string, line: number): Promise<void> => {
    if (!out) return;
    if (keptCount === kept.length) {
      const next = new Int32Array(kept.length * 2);
      next.set(kept);
      kept = next;
    }
    kept[keptCount++] = line;
    if (!out.write(`${text}\n`)) await once(out, 'drain');
  };
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const rows: BadRow[] = [];
  const records: number[] = [];
  const badLines: number[] = [];
  const typed = Object.entries(declared);
  let line = 0;
  let record = 0;
  const bad = (row: BadRow): void => {
    records.push(record);
    badLines.push(line);
    if (rows.length < MAX_BAD_ROWS) rows.push(row);
  };
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      bad({
        line,
        column: null,
        kind: 'INVALID JSON',
        message: `not valid JSON (${(error as Error).message})`,
        text: text.slice(0, 200),
      });
      record++;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad({
        line,
        column: null,
        kind: 'INVALID JSON',
        message: 'the line is not a JSON object',
        text: text.slice(0, 200),
      });
    } else {
      const wrong = typed.find(([name, type]) => !fits((value as Record<string, unknown>)[name], type));
      if (wrong) {
        const v = (value as Record<string, unknown>)[wrong[0]];
        bad({
          line,
          column: wrong[0],
          kind: 'CAST',
          message: `${JSON.stringify(v)} is not a valid ${wrong[1]}`,
          text: text.slice(0, 200),
        });
      } else await keep(text, line);
    }
    record++;
  }
  if (out) {
    out.end();
    await finished(out);
  }
  const result = { report: { count: records.length, rows }, records, lines: badLines };
  return out ? { ...result, keptLines: kept.subarray(0, keptCount) } : result;
}

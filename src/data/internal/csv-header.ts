import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { KeelError } from '../../core/index.js';

const MAX_HEADER_BYTES = 1 << 20;

async function firstBytes(path: string): Promise<string> {
  const raw = createReadStream(path, {
    start: 0,
    end: path.endsWith('.gz') ? undefined : MAX_HEADER_BYTES - 1,
  });
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  let text = '';
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).toString('utf8');
      if (text.length >= MAX_HEADER_BYTES) break;
    }
  } finally {
    raw.destroy();
  }
  return text.replace(/^\uFEFF/, '');
}

/** Splits the first CSV record of `text` (RFC 4180 quoting with `"`), or null when there is none. */
export function firstRecord(text: string, delimiter: string): string[] | null {
  if (text.length === 0) return null;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.length === 0) quoted = true;
    else if (text.startsWith(delimiter, i)) {
      fields.push(field);
      field = '';
      i += delimiter.length - 1;
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  fields.push(field);
  return fields;
}

/**
 * The column names of a CSV file, read by Keel itself: used when DuckDB's sniffer gives up on a
 * malformed file, so the rows can still be read as text and each bad line reported.
 * Without a header the names are DuckDB's: `column0`, `column1`...
 */
export async function csvColumnNames(path: string, delimiter: string, header: boolean): Promise<string[]> {
  const record = firstRecord(await firstBytes(path), delimiter);
  if (!record) {
    throw new KeelError('KEEL_DATA_EMPTY', `${path} is empty: there is no header line and no data.`, {
      details: { file: path },
    });
  }
  if (!header) return record.map((_, j) => `column${j}`);
  const seen = new Map<string, number>();
  return record.map((raw, j) => {
    const name = raw.trim() === '' ? `column${j}` : raw;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    return n === 0 ? name : `${name}_${n}`;
  });
}

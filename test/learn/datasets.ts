import { readFileSync } from 'node:fs';
import { type Column, categoricalColumn, Frame, numberColumn } from '../../src/core/index.js';

const DATASETS = new URL('../fixtures/datasets/', import.meta.url).pathname;

/**
 * Reads a fixture dataset CSV (test/fixtures/datasets/<name>/<name>.csv: header, comma separated,
 * no quoting, empty field = missing). Columns whose present values all parse as numbers are numeric,
 * others categorical; `missing` lists extra strings read as missing.
 */
export function readDataset(name: string, options: { missing?: readonly string[] } = {}): Frame {
  const text = readFileSync(`${DATASETS}${name}/${name}.csv`, 'utf8').trimEnd();
  const [head, ...lines] = text.split('\n');
  const names = head!.split(',');
  const cells = lines.map((l) => l.split(','));
  const missing = new Set(['', ...(options.missing ?? [])]);
  const columns: Column[] = names.map((col, j) => {
    const raw = cells.map((r) => (missing.has(r[j] ?? '') ? null : r[j]!));
    const numeric = raw.every((v) => v === null || Number.isFinite(Number(v)));
    return numeric
      ? numberColumn(
          col,
          raw.map((v) => (v === null ? null : Number(v))),
        )
      : categoricalColumn(col, raw);
  });
  return Frame.fromColumns(columns);
}

/** Rows of `frame` split by held-out indices: `test` as given, `train` every other row in order. */
export function holdout(frame: Frame, testIndices: readonly number[]): { train: Frame; test: Frame } {
  const held = new Set(testIndices);
  const trainIdx = Array.from({ length: frame.rowCount }, (_, i) => i).filter((i) => !held.has(i));
  return { train: frame.take(trainIdx), test: frame.take(testIndices) };
}

import { isAbsolute, resolve } from 'node:path';
import { readTable } from '../../data/index.js';
import { saveDataset } from './datasets.js';
import type { BuiltinDefinition } from './definition.js';

/**
 * `ingest`: reads a source (CSV/TSV, Parquet, JSON Lines file relative to the project root, or a
 * `postgres://` table) with the data module and stores it as a Parquet dataset. Never cached (the
 * source can change under the same path); steps downstream are cached on the data's content.
 */
export const ingestStep: BuiltinDefinition = {
  kind: 'ingest',
  description: 'Read a file or table into a dataset',
  inputs: [],
  optionalInputs: [],
  params: { source: null, badRows: 'fail' },
  required: ['source'],
  cache: false,
  version: '1',
  check: (p) =>
    typeof p.source !== 'string' || p.source === ''
      ? 'source must be a path or a postgres:// URL'
      : p.badRows !== 'fail' && p.badRows !== 'skip'
        ? "badRows must be 'fail' or 'skip'"
        : null,
  async run(_inputs, params, ctx) {
    const source = String(params.source);
    const location = source.includes('://') || isAbsolute(source) ? source : resolve(ctx.root, source);
    const table = await readTable(location, { badRows: params.badRows === 'skip' ? 'skip' : 'fail' });
    const dataset = await saveDataset(ctx, table.frame, 'data.parquet', source);
    await ctx.run.logInput({
      fingerprint: dataset.fingerprint,
      name: source,
      source,
      rowCount: dataset.rows,
      context: 'ingest',
    });
    await ctx.run.logMetrics({ rows: dataset.rows, columns: dataset.columns.length });
    return { ...dataset };
  },
};

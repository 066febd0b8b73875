import { type Field, Frame } from '../../core/index.js';
import { type DuckDBEngine, openDuckDBEngine, quoteIdent, quoteLiteral } from '../../storage/index.js';
import { INPUT_PREFIX } from './log-frame.js';
import { datasetFiles } from './log-layout.js';

/** A column to read from logged inputs, with the kind the drift reference gives it. */
export interface LoggedColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
}

/** Options of `loadLoggedInputs`. */
export interface LoggedInputsQuery {
  readonly offline: string;
  readonly model: string;
  /** Only this version (default: every version of the model). */
  readonly version?: number;
  /** Prediction-time window [fromMs, toMs), epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
  /** Input fields to read (`input.<name>` columns). */
  readonly columns: readonly LoggedColumn[];
  /** Also return the logged score (P(positive) or regression value) as this column. */
  readonly scoreColumn?: string;
  readonly engine?: DuckDBEngine;
}

/** The columns (name → DuckDB type) of the union of some Parquet files. */
export async function parquetColumns(
  engine: DuckDBEngine,
  files: readonly string[],
): Promise<Map<string, string>> {
  const rows = await engine.queryRows(
    `DESCRIBE SELECT * FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)`,
  );
  return new Map(rows.map((r) => [String(r.column_name), String(r.column_type)]));
}

/**
 * The inputs logged for a model over a prediction-time window, as a frame with one column per
 * requested field (numeric fields as numbers — anything else missing —, categorical ones as text
 * categories, booleans as "true"/"false"), read with DuckDB from the day partitions the window
 * touches. Rows logged without inputs (tensor requests) are left out; duplicates from
 * at-least-once delivery are removed. An empty frame (with those columns) when nothing was logged.
 */
export async function loadLoggedInputs(q: LoggedInputsQuery): Promise<Frame> {
  const files = await datasetFiles(q.offline, 'prediction_log', q.fromMs, q.toMs);
  if (files.length === 0 || (q.columns.length === 0 && !q.scoreColumn)) return emptyFrame(q);
  const own = q.engine ? null : await openDuckDBEngine({ threads: 2 });
  const engine = (q.engine ?? own)!;
  try {
    const present = await parquetColumns(engine, files);
    const selects = q.columns.map((c) => {
      const source = `${INPUT_PREFIX}${c.name}`;
      const sqlType = c.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR';
      if (!present.has(source)) return `NULL::${sqlType} AS ${quoteIdent(c.name)}`;
      return c.kind === 'numeric'
        ? `TRY_CAST(${quoteIdent(source)} AS DOUBLE) AS ${quoteIdent(c.name)}`
        : `CAST(${quoteIdent(source)} AS VARCHAR) AS ${quoteIdent(c.name)}`;
    });
    if (q.scoreColumn) selects.push(`score AS ${quoteIdent(q.scoreColumn)}`);
    const types = Object.fromEntries(
      q.columns.filter((c) => c.kind === 'categorical').map((c) => [c.name, 'categorical' as const]),
    );
    const version = q.version === undefined ? '' : ` AND version = ${q.version}`;
    return await engine.queryFrame(
      `SELECT ${selects.join(', ')} FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)
       WHERE model = ${quoteLiteral(q.model)}${version} AND logged_inputs
         AND ts >= to_timestamp(${q.fromMs / 1000}) AND ts < to_timestamp(${q.toMs / 1000})
       QUALIFY row_number() OVER (PARTITION BY request_id, "row" ORDER BY ts) = 1`,
      { types },
    );
  } finally {
    await own?.close();
  }
}

function emptyFrame(q: LoggedInputsQuery): Frame {
  const fields: Field[] = q.columns.map((c) => ({
    name: c.name,
    type: c.kind === 'numeric' ? 'numeric' : 'categorical',
    nullable: true,
  }));
  if (q.scoreColumn) fields.push({ name: q.scoreColumn, type: 'numeric', nullable: true });
  return Frame.fromRecords([], { fields });
}

import type { Frame } from '../../core/index.js';
import { type DuckDBEngine, openDuckDBEngine, quoteIdent, quoteLiteral } from '../../storage/index.js';
import { OUTPUT_PREFIX } from '../log/log-frame.js';
import { datasetFiles } from '../log/log-layout.js';
import { parquetColumns } from '../log/logged-inputs.js';

/** Options of `loadLabelledPredictions`. */
export interface LabelledPredictionsQuery {
  /** The offline store folder. */
  readonly offline: string;
  readonly model: string;
  /** Prediction-time window [fromMs, toMs), epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
  /**
   * Classes whose logged probabilities (`output.probabilities.<class>`) to return as `proba.<class>`
   * columns; default: every class the log has probabilities for.
   */
  readonly classes?: readonly string[];
  readonly engine?: DuckDBEngine;
}

/** Logged predictions of a window with their labels, and the labels that matched nothing. */
export interface LabelledPredictions {
  /**
   * One row per logged prediction row (duplicates from at-least-once delivery removed): `version`,
   * `prediction`, `score`, (`outputs`), `label` (text, missing when unlabelled), `label_number`.
   */
  readonly frame: Frame;
  /** Labels received in the window whose (request id, row) matches no logged prediction at all. */
  readonly unmatchedLabels: number;
  /** Classes with a `proba.<class>` column in `frame`, in log column order. */
  readonly probabilityClasses: readonly string[];
}

const PROBA = `${OUTPUT_PREFIX}probabilities.`;

const list = (files: readonly string[]): string => `[${files.map(quoteLiteral).join(', ')}]`;
const ts = (ms: number): string => `to_timestamp(${ms / 1000})`;

/**
 * Joins the prediction log of `model` over a prediction-time window with the latest label of each
 * (request id, row) — labels may arrive any time later — with DuckDB over the Parquet partitions.
 * Realised quality is therefore computed per prediction-time window, never per label-arrival window.
 */
export async function loadLabelledPredictions(q: LabelledPredictionsQuery): Promise<LabelledPredictions> {
  const logFiles = await datasetFiles(q.offline, 'prediction_log', q.fromMs, q.toMs);
  const labelFiles = await datasetFiles(q.offline, 'labels', q.fromMs);
  const own = q.engine ? null : await openDuckDBEngine({ threads: 2 });
  const engine = (q.engine ?? own)!;
  try {
    const labels = labelFiles.length
      ? `SELECT request_id, "row", arg_max(label, received_at) AS label, arg_max(label_number, received_at) AS label_number,
           min(received_at) AS first_received_at
         FROM read_parquet(${list(labelFiles)}, union_by_name = true) GROUP BY request_id, "row"`
      : `SELECT NULL::VARCHAR AS request_id, NULL::INTEGER AS "row", NULL::VARCHAR AS label, NULL::DOUBLE AS label_number,
           NULL::TIMESTAMPTZ AS first_received_at WHERE false`;
    const present = logFiles.length ? await parquetColumns(engine, logFiles) : new Map<string, string>();
    const logged = [...present.keys()].filter((c) => c.startsWith(PROBA)).map((c) => c.slice(PROBA.length));
    const probabilityClasses = q.classes ? [...q.classes] : logged;
    const proba = probabilityClasses
      .map(
        (c) =>
          `${present.has(PROBA + c) ? `TRY_CAST(${quoteIdent(PROBA + c)} AS DOUBLE)` : 'NULL::DOUBLE'} AS ${quoteIdent(`proba.${c}`)}`,
      )
      .join(', ');
    const outputs = probabilityClasses.map((c) => `, p.${quoteIdent(`proba.${c}`)}`).join('');
    const preds = logFiles.length
      ? `SELECT request_id, "row", ts, version, prediction, score${proba ? `, ${proba}` : ''}
         FROM read_parquet(${list(logFiles)}, union_by_name = true)
         WHERE model = ${quoteLiteral(q.model)} AND ts >= ${ts(q.fromMs)} AND ts < ${ts(q.toMs)}
         QUALIFY row_number() OVER (PARTITION BY request_id, "row" ORDER BY ts) = 1`
      : `SELECT NULL::VARCHAR AS request_id, NULL::INTEGER AS "row", NULL::TIMESTAMPTZ AS ts, NULL::INTEGER AS version, NULL::VARCHAR AS prediction,
           NULL::DOUBLE AS score WHERE false`;
    const frame = await engine.queryFrame(
      `WITH l AS (${labels}), p AS (${preds})
       SELECT p.version, p.prediction, p.score${outputs}, l.label, l.label_number
       FROM p LEFT JOIN l USING (request_id, "row") ORDER BY p.version, p.ts, p.request_id, p."row"`,
      { types: { prediction: 'categorical', label: 'categorical' } },
    );
    let unmatchedLabels = 0;
    if (labelFiles.length > 0) {
      const allLogs = await datasetFiles(q.offline, 'prediction_log');
      const known = allLogs.length
        ? `SELECT DISTINCT request_id, "row" FROM read_parquet(${list(allLogs)}, union_by_name = true)`
        : 'SELECT NULL::VARCHAR AS request_id, NULL::INTEGER AS "row" WHERE false';
      const rows = await engine.queryRows(
        `WITH l AS (${labels}) SELECT count(*)::DOUBLE AS n FROM l
         WHERE first_received_at >= ${ts(q.fromMs)} AND first_received_at < ${ts(q.toMs)}
           AND NOT EXISTS (SELECT 1 FROM (${known}) k WHERE k.request_id = l.request_id AND k."row" = l."row")`,
      );
      unmatchedLabels = Number(rows[0]?.n ?? 0);
    }
    return { frame, unmatchedLabels, probabilityClasses };
  } finally {
    await own?.close();
  }
}

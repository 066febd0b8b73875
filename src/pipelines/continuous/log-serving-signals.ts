import { datasetFiles } from '../../monitor/index.js';
import { openDuckDBEngine, quoteLiteral } from '../../storage/index.js';
import type { ServingSignals } from './serving-signals.js';

/**
 * `ServingSignals` read from the prediction log, for a process without the engine (the CLI's
 * `keel policy run-once`): requests and p99 engine time per variant come from the logged rows
 * (one request = one request id); failures and shadow calls are not logged, so they are reported
 * as not observed (`errors: null`, `shadow: null`) and the analysis says so in its evidence.
 */
export function logServingSignals(options: { readonly offline: string }): ServingSignals {
  return {
    sample() {},
    async variant(deployment, variant, model, version, fromMs, toMs) {
      const files = await datasetFiles(options.offline, 'prediction_log', fromMs, toMs);
      if (files.length === 0) return { requests: 0, errors: null, p99Ms: null };
      const engine = await openDuckDBEngine({ threads: 1 });
      try {
        const rows = await engine.queryRows(
          `WITH r AS (
             SELECT request_id, max(latency_us) AS latency_us
             FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)
             WHERE deployment = ${quoteLiteral(deployment)} AND variant = ${quoteLiteral(variant)}
               AND model = ${quoteLiteral(model)} AND version = ${Number(version)}
               AND ts >= to_timestamp(${fromMs / 1000}) AND ts <= to_timestamp(${toMs / 1000})
             GROUP BY request_id)
           SELECT count(*) AS n, quantile_disc(latency_us, 0.99) AS p99 FROM r`,
        );
        const n = Number(rows[0]?.n ?? 0);
        const p99 = rows[0]?.p99;
        return {
          requests: n,
          errors: null,
          p99Ms: n > 0 && p99 !== null && p99 !== undefined ? Number(p99) / 1000 : null,
        };
      } finally {
        await engine.close();
      }
    },
    async shadow() {
      return null;
    },
  };
}

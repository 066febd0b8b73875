import type { FastifyInstance } from 'fastify';
import { KeelError } from '../../core/index.js';
import type { Run } from '../../storage/index.js';
import { readFeatureImportance } from '../internal/feature-importance.js';
import { jsonNumber } from '../internal/json-number.js';
import { parseQuery, queryBool, queryInt, queryList, queryText } from '../internal/query.js';
import { type MetricSeriesView, metricSeries, runSummary } from '../internal/run-views.js';
import type { UiServices } from '../ui-services.js';
import { experimentNames } from './experiment-names.js';

/** Most metric histories sent with one run (by key order); the rest are fetched one by one. */
const MAX_HISTORIES = 100;
/** Most runs compared at once. */
const MAX_COMPARED = 10;
/** Most child runs listed under a parent. */
const MAX_CHILDREN = 100;

async function histories(services: UiServices, run: Run): Promise<Record<string, MetricSeriesView>> {
  const keys = Object.keys(run.metrics).sort().slice(0, MAX_HISTORIES);
  const series = await Promise.all(keys.map((k) => services.tracking.metricHistory(run.id, k)));
  return Object.fromEntries(keys.map((k, i) => [k, metricSeries(series[i]!)]));
}

/** Experiments, run search, run detail with metric histories, artifacts and run comparison. */
export function trackingRoutes(app: FastifyInstance, services: UiServices): void {
  app.get('/experiments', async (request) => {
    const q = parseQuery(request.query, { includeDeleted: queryBool() });
    const experiments = await services.tracking.listExperiments({
      includeDeleted: q.includeDeleted ?? false,
    });
    const rows = await Promise.all(
      experiments.map(async (e) => {
        const { runs } = await services.tracking.searchRuns({ experiments: [e.name], maxResults: 1 });
        const last = runs[0];
        return { ...e, lastRun: last ? { id: last.id, name: last.name, startTime: last.startTime } : null };
      }),
    );
    return { experiments: rows };
  });

  app.get('/runs', async (request) => {
    const q = parseQuery(request.query, {
      experiment: queryList(50, 128),
      filter: queryText(),
      orderBy: queryText(),
      maxResults: queryInt(1, 1000),
      pageToken: queryText(500),
    });
    const page = await services.tracking.searchRuns({
      ...(q.experiment?.length ? { experiments: q.experiment } : {}),
      ...(q.filter ? { filter: q.filter } : {}),
      ...(q.orderBy ? { orderBy: q.orderBy } : {}),
      maxResults: q.maxResults ?? 100,
      ...(q.pageToken ? { pageToken: q.pageToken } : {}),
    });
    const names = await experimentNames(services);
    return { runs: page.runs.map((r) => runSummary(r, names)), nextPageToken: page.nextPageToken };
  });

  app.get<{ Params: { id: string } }>('/runs/:id', async (request) => {
    parseQuery(request.query, {});
    const run = await services.tracking.getRun(request.params.id);
    const names = await experimentNames(services);
    const experiment = names.get(run.experimentId);
    const [metricHistory, featureImportance, children, parent] = await Promise.all([
      histories(services, run),
      readFeatureImportance(run, services.artifacts),
      services.tracking.searchRuns({
        ...(experiment ? { experiments: [experiment] } : {}),
        filter: [{ kind: 'attribute', key: 'parent_run_id', op: '=', value: run.id }],
        maxResults: MAX_CHILDREN,
      }),
      run.parentRunId ? services.tracking.getRun(run.parentRunId).catch(() => null) : null,
    ]);
    return {
      run: { ...runSummary(run, names), inputs: run.inputs, artifacts: run.artifacts },
      parent: parent ? { id: parent.id, name: parent.name } : null,
      children: children.runs.map((r) => runSummary(r, names)),
      metricHistory,
      featureImportance,
    };
  });

  app.get<{ Params: { id: string } }>('/runs/:id/metric-history', async (request) => {
    const q = parseQuery(request.query, { key: queryText(250) });
    if (!q.key) throw new KeelError('KEEL_INVALID_ARGUMENT', 'Name the metric: ?key=<metric key>.');
    const run = await services.tracking.getRun(request.params.id);
    if (!(q.key in run.metrics)) {
      throw new KeelError('KEEL_NOT_FOUND', `Run ${run.id} has no metric "${q.key}".`, {
        details: { runId: run.id, key: q.key, metrics: Object.keys(run.metrics) },
      });
    }
    return { key: q.key, series: metricSeries(await services.tracking.metricHistory(run.id, q.key)) };
  });

  app.get<{ Params: { id: string } }>('/runs/:id/artifact', async (request, reply) => {
    const q = parseQuery(request.query, { path: queryText(1000) });
    const run = await services.tracking.getRun(request.params.id);
    const artifact = run.artifacts.find((a) => a.path === q.path);
    if (!artifact) {
      throw new KeelError('KEEL_NOT_FOUND', `Run ${run.id} has no artifact "${q.path ?? ''}".`, {
        details: { runId: run.id, path: q.path ?? null },
      });
    }
    const bytes = await services.artifacts.get(artifact.digest);
    const file = artifact.path
      .split('/')
      .pop()!
      .replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="${file}"`)
      .header('x-content-type-options', 'nosniff')
      .header('x-keel-artifact-digest', artifact.digest)
      .send(bytes);
  });

  app.get('/compare', async (request) => {
    const q = parseQuery(request.query, { runs: queryList(MAX_COMPARED + 1, 250) });
    const refs = q.runs ?? [];
    if (refs.length < 2 || refs.length > MAX_COMPARED) {
      throw new KeelError(
        'KEEL_INVALID_ARGUMENT',
        `Compare 2 to ${MAX_COMPARED} runs: ?runs=<id>,<id>; got ${refs.length}.`,
        { details: { runs: refs } },
      );
    }
    const comparison = await services.tracking.compare(refs);
    const names = await experimentNames(services);
    const runs = await Promise.all(comparison.runs.map((r) => services.tracking.getRun(r.id)));
    const metricHistory = Object.fromEntries(
      await Promise.all(runs.map(async (r) => [r.id, await histories(services, r)] as const)),
    );
    return {
      runs: runs.map((r) => runSummary(r, names)),
      params: comparison.params,
      metrics: comparison.metrics.map((m) => ({
        ...m,
        values: m.values.map((v) => (v === null ? null : jsonNumber(v))),
      })),
      metricHistory,
    };
  });
}

import type { FastifyInstance } from 'fastify';
import { isKeelError } from '../../core/index.js';
import type { ModelVersion, RegisteredModel } from '../../storage/index.js';
import { jsonNumbers } from '../internal/json-number.js';
import { parseQuery, parseVersionParam, queryText } from '../internal/query.js';
import type { UiServices } from '../ui-services.js';
import { experimentNames } from './experiment-names.js';

/** A version as the UI shows it: metrics made JSON-safe, the rest as stored. */
function versionView(v: ModelVersion) {
  return { ...v, metrics: jsonNumbers(v.metrics) };
}

/** The run a version came from, when it still exists. */
async function lineageRun(services: UiServices, v: ModelVersion) {
  if (!v.lineage.runId) return null;
  try {
    const run = await services.tracking.getRun(v.lineage.runId);
    const names = await experimentNames(services);
    return {
      id: run.id,
      name: run.name,
      status: run.status,
      experiment: names.get(run.experimentId) ?? null,
    };
  } catch (error) {
    if (isKeelError(error, 'KEEL_TRACK_RUN_NOT_FOUND')) return null;
    throw error;
  }
}

/** Most source runs looked up for a model's versions table. */
const MAX_RUN_LOOKUPS = 200;

/** Name and status of the runs the versions came from (deleted runs left out), by run id. */
async function runNames(services: UiServices, versions: readonly ModelVersion[]) {
  const ids = [...new Set(versions.map((v) => v.lineage.runId).filter((id): id is string => id !== null))];
  const found = await Promise.all(
    ids.slice(0, MAX_RUN_LOOKUPS).map((id) =>
      services.tracking.getRun(id).catch((error: unknown) => {
        if (isKeelError(error, 'KEEL_TRACK_RUN_NOT_FOUND')) return null;
        throw error;
      }),
    ),
  );
  return Object.fromEntries(
    found.filter((r) => r !== null).map((r) => [r.id, { name: r.name, status: r.status }]),
  );
}

async function modelRow(services: UiServices, m: RegisteredModel) {
  const versions = await services.registry.listVersions(m.name);
  const latest = versions[0];
  return {
    ...m,
    versionCount: versions.length,
    latest: latest
      ? {
          version: latest.version,
          flavor: latest.flavor,
          metrics: jsonNumbers(latest.metrics),
          createdAt: latest.createdAt,
        }
      : null,
  };
}

/** Models, their versions (lineage, signature, metrics) and alias history. */
export function registryRoutes(app: FastifyInstance, services: UiServices): void {
  app.get('/models', async (request) => {
    parseQuery(request.query, {});
    const models = await services.registry.listModels();
    return { models: await Promise.all(models.map((m) => modelRow(services, m))) };
  });

  app.get<{ Params: { name: string } }>('/models/:name', async (request) => {
    parseQuery(request.query, {});
    const model = await services.registry.getModel(request.params.name);
    const [versions, aliasHistory] = await Promise.all([
      services.registry.listVersions(model.name),
      services.registry.aliasHistory(model.name),
    ]);
    return {
      model,
      versions: versions.map(versionView),
      aliasHistory,
      runs: await runNames(services, versions),
    };
  });

  app.get<{ Params: { name: string; version: string } }>(
    '/models/:name/versions/:version',
    async (request) => {
      parseQuery(request.query, {});
      const version = await services.registry.resolve({
        kind: 'version',
        model: request.params.name,
        version: parseVersionParam(request.params.version),
      });
      const [run, aliasHistory] = await Promise.all([
        lineageRun(services, version),
        services.registry.aliasHistory(version.model),
      ]);
      const touching = aliasHistory.filter(
        (e) => e.fromVersion === version.version || e.toVersion === version.version,
      );
      return { version: versionView(version), run, aliasHistory: touching };
    },
  );

  app.get<{ Params: { name: string } }>('/models/:name/alias-history', async (request) => {
    const q = parseQuery(request.query, { alias: queryText(64) });
    const model = await services.registry.getModel(request.params.name);
    return {
      model: model.name,
      events: await services.registry.aliasHistory(model.name, q.alias || undefined),
    };
  });
}

import type { FastifyInstance } from 'fastify';
import { parseQuery } from '../internal/query.js';
import { listReports } from '../internal/report-files.js';
import { runSummary } from '../internal/run-views.js';
import type { UiServices } from '../ui-services.js';
import { experimentNames } from './experiment-names.js';

/** Runs counted for the overview; past it the count says "at least". */
const RUN_COUNT_LIMIT = 1000;
/** Recent runs on the overview. */
const RECENT_RUNS = 10;

/** The overview: counts, recent runs, models with their aliases, deployments. */
export function overviewRoute(app: FastifyInstance, services: UiServices): void {
  app.get('/overview', async (request) => {
    parseQuery(request.query, {});
    const [names, experiments, counted, models, deployments, reports] = await Promise.all([
      experimentNames(services),
      services.tracking.listExperiments(),
      services.tracking.searchRuns({ maxResults: RUN_COUNT_LIMIT }),
      services.registry.listModels(),
      services.deployments.list(),
      services.reportsDir ? listReports(services.reportsDir) : [],
    ]);
    const versions = await Promise.all(models.map((m) => services.registry.listVersions(m.name)));
    return {
      project: services.project,
      counts: {
        experiments: experiments.length,
        runs: counted.runs.length,
        runsAtLeast: counted.nextPageToken !== null,
        models: models.length,
        versions: versions.reduce((s, v) => s + v.length, 0),
        deployments: deployments.length,
        reports: reports.length,
      },
      recentRuns: counted.runs.slice(0, RECENT_RUNS).map((r) => runSummary(r, names)),
      models: models.map((m, i) => ({
        name: m.name,
        description: m.description,
        aliases: m.aliases,
        latestVersion: versions[i]![0]?.version ?? null,
        versionCount: versions[i]!.length,
        updatedAt: m.updatedAt,
      })),
      deployments: deployments.map((d) => ({
        name: d.name,
        mode: d.spec.mode,
        revision: d.revision,
        variants: d.spec.variants,
        shadow: d.spec.shadow,
        updatedAt: d.updatedAt,
      })),
    };
  });
}

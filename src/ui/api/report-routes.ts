import type { FastifyInstance } from 'fastify';
import { KeelError } from '../../core/index.js';
import { parseQuery } from '../internal/query.js';
import { listReports, readReport } from '../internal/report-files.js';
import type { UiServices } from '../ui-services.js';

/** Policy for a served report: no scripts, no requests, inline styles and images only. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

/** Drift reports (`keel monitor drift --html`) stored in the project's reports folder. */
export function reportRoutes(app: FastifyInstance, services: UiServices): void {
  app.get('/reports', async (request) => {
    parseQuery(request.query, {});
    const dir = services.reportsDir;
    return { folder: dir, reports: dir ? await listReports(dir) : [] };
  });

  app.get<{ Params: { file: string } }>('/reports/:file', async (request, reply) => {
    parseQuery(request.query, {});
    if (!services.reportsDir) {
      throw new KeelError('KEEL_NOT_FOUND', 'This server has no reports folder.', {
        details: { report: request.params.file.slice(0, 200) },
      });
    }
    const body = await readReport(services.reportsDir, request.params.file);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', REPORT_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(body);
  });
}

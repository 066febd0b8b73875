import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../core/index.js';
import type { Keel } from '../sdk/index.js';
import { deploymentRoutes } from './api/deployment-routes.js';
import { overviewRoute } from './api/overview-route.js';
import { registryRoutes } from './api/registry-routes.js';
import { reportRoutes } from './api/report-routes.js';
import { trackingRoutes } from './api/tracking-routes.js';
import { apiErrorHandler } from './internal/api-errors.js';
import { bearerAuth } from './internal/bearer-auth.js';
import { renderShell, UI_CSP } from './internal/page-shell.js';
import { loadAssets, loadVendorFiles, sendStatic } from './internal/static-files.js';
import { type UiServices, uiServicesFromKeel } from './ui-services.js';

/** Path the UI's pages live under. */
export const UI_BASE = '/ui';

/** Default path of the UI's read-only JSON API. */
export const DEFAULT_UI_API_PREFIX = '/api/v1';

/** Options of `uiPlugin`; give `keel` or `services`. */
export interface UiPluginOptions {
  /** An opened project: its services, project name, reports folder and `server.token`. */
  readonly keel?: Keel;
  /** Explicit services (tests, custom wiring); wins over `keel`. */
  readonly services?: UiServices;
  /**
   * Bearer token the JSON API requires; absent = the project's `server.token` (when `keel` is
   * given), null = no token. Pages and static files never need it: they hold no data.
   */
  readonly token?: string | null;
  /** Also answer `GET /` with a redirect to `/ui/` (default true; turn off when `/` is taken). */
  readonly redirectRoot?: boolean;
  /** Where the JSON API is mounted (default `/api/v1`). */
  readonly apiPrefix?: string;
}

function resolveToken(options: UiPluginOptions): string | null {
  if (options.token !== undefined) return options.token;
  return options.keel?.config.server.token ?? null;
}

async function resolveServices(options: UiPluginOptions): Promise<UiServices> {
  if (options.services) return options.services;
  if (options.keel) return uiServicesFromKeel(options.keel);
  throw new KeelError('KEEL_INVALID_ARGUMENT', 'uiPlugin needs { keel } or { services }.');
}

/**
 * The Keel web UI as a fastify plugin: the read-only JSON API under `apiPrefix` (bearer token
 * when configured; errors as `{ error, code, details }`), the pages under `/ui/` and, unless
 * `redirectRoot` is false, `GET /` → `/ui/`. Register it without a prefix:
 * `await app.register(uiPlugin, { keel })`.
 */
export async function uiPlugin(app: FastifyInstance, options: UiPluginOptions): Promise<void> {
  const apiPrefix = options.apiPrefix ?? DEFAULT_UI_API_PREFIX;
  if (!/^(\/[a-z0-9_-]+)+$/.test(apiPrefix)) {
    throw new KeelError('KEEL_INVALID_ARGUMENT', `apiPrefix "${apiPrefix}" must look like /api/v1.`);
  }
  const services = await resolveServices(options);
  const token = resolveToken(options);

  await app.register(
    async (api) => {
      api.setErrorHandler(apiErrorHandler);
      if (token) api.addHook('onRequest', bearerAuth(token));
      api.addHook('onSend', async (_request, reply, payload) => {
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
        return payload;
      });
      overviewRoute(api, services);
      trackingRoutes(api, services);
      registryRoutes(api, services);
      deploymentRoutes(api, services);
      reportRoutes(api, services);
    },
    { prefix: apiPrefix },
  );

  pageRoutes(app, services.project, apiPrefix);
  if (options.redirectRoot ?? true) app.get('/', (_request, reply) => reply.redirect(`${UI_BASE}/`));
}

function pageRoutes(app: FastifyInstance, project: string, apiBase: string): void {
  const assets = loadAssets();
  const vendor = loadVendorFiles();
  const shell = renderShell({ project, uiBase: UI_BASE, apiBase });
  const sendShell = (_request: FastifyRequest, reply: FastifyReply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', UI_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .header('cache-control', 'no-cache')
      .send(shell);
  const notFound = (reply: FastifyReply) =>
    reply.status(404).type('text/plain; charset=utf-8').send('Not found');

  app.get(UI_BASE, (_request, reply) => reply.redirect(`${UI_BASE}/`));
  app.get(`${UI_BASE}/`, sendShell);
  app.get(`${UI_BASE}/*`, sendShell);
  app.get<{ Params: { '*': string } }>(`${UI_BASE}/assets/*`, (request, reply) => {
    const file = assets.get(request.params['*']);
    return file ? sendStatic(request, reply, file) : notFound(reply);
  });
  app.get<{ Params: { file: string } }>(`${UI_BASE}/vendor/:file`, (request, reply) => {
    const file = vendor.get(request.params.file);
    return file ? sendStatic(request, reply, file) : notFound(reply);
  });
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomHex } from '../core/index.js';
import type { KeelMetrics } from '../monitor/index.js';
import type { ServerPlugin } from './app.js';
import { toHttpError } from './http-errors.js';

/** Options of `requestMetricsPlugin`. */
export interface RequestMetricsOptions {
  /**
   * Give requests without an `x-request-id` header one (`<process prefix>-<counter>`), set before the
   * route runs (so it reaches engine events and the prediction log) and echoed in the response
   * header, so clients can send feedback for it. Default true.
   */
  readonly assignRequestIds?: boolean;
  /** Route templates not measured (default: `/metrics`). */
  readonly skipRoutes?: readonly string[];
}

/** `GET /metrics`: the process's metrics in Prometheus text format (scrape-time sources read first). */
export function metricsPlugin(metrics: KeelMetrics): ServerPlugin {
  return (app) => {
    app.get('/metrics', async (_request, reply) => {
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });
  };
}

const notFoundLike = /NOT_FOUND|NOT_LOADED/;

/**
 * Per-request metrics on every route: `keel_requests_total` by status class and
 * `keel_request_duration_seconds`, labelled with the route template (never the raw URL) and, for
 * answered predictions, the deployment, model, version and variant the engine reported in the
 * `keel-model*` headers; `keel_request_errors_total` by Keel error code. Label values come from
 * the server, never from unchecked client input (a name that was not found is not a label).
 * Recording is a map read and a few additions per request (pre-bound series).
 */
export function requestMetricsPlugin(
  metrics: KeelMetrics,
  options: RequestMetricsOptions = {},
): ServerPlugin {
  const skip = new Set(options.skipRoutes ?? ['/metrics']);
  const prefix = randomHex(4);
  let next = 0;
  return (app) => {
    if (options.assignRequestIds !== false) {
      app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
        let id = request.headers['x-request-id'];
        if (typeof id !== 'string' || id === '') {
          id = `${prefix}-${(next++).toString(36)}`;
          request.headers['x-request-id'] = id;
        }
        reply.header('x-request-id', id);
        done();
      });
    }
    app.addHook(
      'onError',
      (request: FastifyRequest, _reply: FastifyReply, error: FastifyError, done: () => void) => {
        const route = request.routeOptions.url ?? 'unmatched';
        if (!skip.has(route)) {
          const code = toHttpError(error, 0).code;
          const name = (request.params as { name?: unknown } | undefined)?.name;
          const deployment = typeof name === 'string' && !notFoundLike.test(code) ? name : null;
          metrics.recordError(deployment, route, code);
        }
        done();
      },
    );
    app.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (!skip.has(route)) {
        const model = reply.getHeader('keel-model');
        const answered = typeof model === 'string';
        const name = (request.params as { name?: unknown } | undefined)?.name;
        const variant = reply.getHeader('keel-variant');
        metrics
          .request({
            deployment: answered && typeof name === 'string' ? name : null,
            model: answered ? model : '',
            version: answered ? String(reply.getHeader('keel-model-version') ?? '') : '',
            variant: typeof variant === 'string' ? variant : null,
            route,
          })
          .record(reply.elapsedTime / 1000, reply.statusCode);
      }
      done();
    });
  };
}

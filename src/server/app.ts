import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import { KeelError, type Logger, silentLogger } from '../core/index.js';
import type { DeploymentService, InferenceEngine } from '../serve/index.js';
import { bearerAuth } from './auth.js';
import { fastPredict } from './fast-predict.js';
import type { FeatureEnricher } from './feature-enricher.js';
import { errorHandler, notFoundHandler } from './http-errors.js';
import { LoadGuard, type LoadGuardOptions } from './load-guard.js';
import { registerDeploymentRoutes } from './routes/deployments.js';
import { registerOipRoutes } from './routes/oip.js';
import { registerPredictRoute } from './routes/predict.js';
import { registerRepositoryRoutes } from './routes/repository.js';
import type { RequestObserver, ServerContext } from './server-context.js';

/** What a server process does: everything (`all`) or stateless inference only (`inference`). */
export type ServerRole = 'all' | 'inference';

/** Extra routes mounted on the server (metrics, feedback, feature server...), with the shared context. */
export type ServerPlugin = (app: FastifyInstance, ctx: ServerContext) => void | Promise<void>;

/** Options of `buildServer`. */
export interface ServerOptions {
  readonly engine: InferenceEngine;
  /** Deployment management; required for role `all`, ignored for `inference`. */
  readonly deployments?: DeploymentService;
  /** Default `all`. `inference` mounts health, OIP, predict and repository routes only. */
  readonly role?: ServerRole;
  /** Bearer token required on management and repository load/unload routes; none = open. */
  readonly token?: string;
  /** Largest request body, in bytes. Default 4 MiB. */
  readonly bodyLimitBytes?: number;
  /** Longest time to receive a whole request, in ms (slow clients are cut off). Default 30,000. */
  readonly receiveTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this many ms. Default 72,000. */
  readonly keepAliveTimeoutMs?: number;
  readonly loadGuard?: LoadGuardOptions;
  readonly log?: Logger;
  /** Name and version answered by `GET /v2`. Default `keel`, `0.0.0`. */
  readonly name?: string;
  readonly version?: string;
  /** Extra routes (monitoring, feature server...). */
  readonly plugins?: readonly ServerPlugin[];
  /**
   * Told about every request the predict fast path answers (Fastify routes are measured by
   * Fastify hooks, e.g. the monitoring plugin; the fast path does not run them).
   */
  readonly observer?: RequestObserver;
  /**
   * Gives fast-path requests without `x-request-id` one and echoes it (as the monitoring plugin's
   * hook does for Fastify routes). Default: none.
   */
  readonly requestIds?: () => string;
  /** Online features for deployments that declare a feature service (the feature store). */
  readonly features?: FeatureEnricher;
  /**
   * Answer plain predict and infer requests on the raw `node:http` request, without the framework
   * (same checks, same answers; see `fastPredict`). Default true.
   */
  readonly fastPath?: boolean;
}

/** A built server: the Fastify app plus the hooks the lifecycle needs. */
export interface KeelServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  readonly guard: LoadGuard;
  /** Turns readiness false and refuses repository loads: the first step of a graceful shutdown. */
  stopAccepting(): void;
}

/**
 * Parses JSON with the platform parser, failing with `KEEL_SERVER_BAD_REQUEST` that quotes the
 * parser's message (position included). Keys like `__proto__` stay plain own properties: request
 * bodies are read field by field and never merged into other objects.
 */
function parseJson(
  _request: FastifyRequest,
  body: string,
  done: (err: Error | null, body?: unknown) => void,
): void {
  if (body.length === 0) {
    done(new KeelError('KEEL_SERVER_BAD_REQUEST', 'The request body is empty; send a JSON object.'));
    return;
  }
  try {
    done(null, JSON.parse(body));
  } catch (error) {
    done(
      new KeelError(
        'KEEL_SERVER_BAD_REQUEST',
        `The request body is not valid JSON: ${(error as Error).message}.`,
      ),
    );
  }
}

/**
 * Builds the HTTP server (Fastify 5) over an inference engine: Open Inference Protocol REST, the
 * plain JSON predict route, the model-repository extension and, for role `all`, deployment
 * management behind a bearer token. Bodies are size-limited and schema-checked (compiled ajv),
 * every error answers `{ error, code, details }` with its status (`Retry-After` on 429/503),
 * request logging is off the hot path. Call `app.listen()` to serve.
 */
export async function buildServer(options: ServerOptions): Promise<KeelServer> {
  const bodyLimitBytes = options.bodyLimitBytes ?? 4 * 1024 * 1024;
  const log = options.log ?? silentLogger();
  let accepting = true;
  const guard = new LoadGuard(options.loadGuard);
  const role = options.role ?? 'all';
  const observer = options.observer ?? null;
  const context: ServerContext = {
    engine: options.engine,
    guard,
    deployments: role === 'all' ? (options.deployments ?? null) : null,
    log,
    name: options.name ?? 'keel',
    version: options.version ?? '0.0.0',
    accepting: () => accepting,
    observer,
    requestIds: options.requestIds ?? null,
    features: options.features ?? null,
  };
  const receiveTimeoutMs = options.receiveTimeoutMs ?? 30_000;
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 72_000;
  const app = Fastify({
    logger: false,
    bodyLimit: bodyLimitBytes,
    requestTimeout: receiveTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 300 },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    serverFactory: (router) => {
      const handler = options.fastPath === false ? router : fastPredict(context, bodyLimitBytes, router);
      const server = createServer(handler);
      server.keepAliveTimeout = keepAliveTimeoutMs;
      server.requestTimeout = receiveTimeoutMs;
      return server;
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.setErrorHandler(errorHandler(log, bodyLimitBytes));
  app.setNotFoundHandler(notFoundHandler);
  const auth = bearerAuth(options.token);
  registerOipRoutes(app, context);
  registerPredictRoute(app, context);
  registerRepositoryRoutes(app, context, auth);
  if (context.deployments) {
    const service = context.deployments;
    await app.register((async (scope) => {
      scope.addHook('onRequest', auth);
      registerDeploymentRoutes(scope, context, service);
    }) as FastifyPluginAsync);
  }
  for (const plugin of options.plugins ?? []) await plugin(app, context);
  app.addHook('onReady', async () => guard.start());
  app.addHook('preClose', async () => {
    accepting = false;
  });
  app.addHook('onClose', async () => guard.stop());
  return {
    app,
    context,
    guard,
    stopAccepting: () => {
      accepting = false;
    },
  };
}

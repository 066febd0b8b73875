import type { AddressInfo } from 'node:net';
import { KeelError, type Logger } from '../core/index.js';
import type { Keel } from '../sdk/index.js';
import type { InferenceEngine, InferenceEngineOptions } from '../serve/index.js';
import { uiPlugin } from '../ui/index.js';
import { buildServer, type KeelServer, type ServerOptions, type ServerPlugin } from './app.js';
import { bearerAuth } from './auth.js';
import { FeatureEnricher } from './feature-enricher.js';
import { featuresPlugin } from './features-routes.js';
import { type GrpcServerHandle, startGrpcServer } from './grpc/grpc-server.js';
import { type ServerMonitoring, startMonitoring } from './monitoring.js';

/** Options of `startServer`; host, port and limits default to the project's `server` config. */
export interface StartServerOptions
  extends Omit<ServerOptions, 'engine' | 'deployments' | 'features' | 'observer' | 'requestIds'> {
  /** Interface to bind. Default `server.host` (127.0.0.1). */
  readonly host?: string;
  /** HTTP port; 0 picks a free one. Default `server.port` (8080). */
  readonly port?: number;
  /** gRPC port; 0 picks a free one, `null` turns gRPC off. Default 8081. */
  readonly grpcPort?: number | null;
  /** Longest drain on shutdown before connections are cut, in ms. Default 30,000. */
  readonly shutdownTimeoutMs?: number;
  /** Wait between readiness going false and closing the listeners (load balancers notice), in ms. Default 0. */
  readonly drainDelayMs?: number;
  /** Engine options over the project's (e.g. `pollIntervalMs`). */
  readonly engineOptions?: Partial<InferenceEngineOptions>;
  /** `/metrics`, request metrics, the prediction log and `/v1/feedback`. Default true. */
  readonly monitoring?: boolean;
  /** The feature server routes and online features for deployments with a feature service. Default true. */
  readonly featureServer?: boolean;
  /** The web UI under `/ui/` (role `all` only). Default true. */
  readonly ui?: boolean;
  /**
   * Listen only once the engine has loaded the deployments (default false: listen at once and answer
   * 503 until ready). For `node:cluster` workers sharing one port: the primary hands connections to
   * every listening worker, so a starting worker would refuse requests a ready sibling could answer.
   */
  readonly listenWhenReady?: boolean;
}

/** The web UI as a server plugin. */
function uiRoutes(keel: Keel): ServerPlugin {
  return async (app) => {
    await app.register(uiPlugin, { keel });
  };
}

/** Attaches the feature store: its routes (push behind the token) and the enricher; null when it cannot open. */
async function attachFeatures(
  keel: Keel,
  token: string | undefined,
): Promise<{ enricher: FeatureEnricher; plugin: ServerPlugin } | null> {
  try {
    const store = await keel.features({ actor: 'api' });
    return {
      enricher: new FeatureEnricher(store, keel.ctx.clock),
      plugin: featuresPlugin(store, { pushAuth: bearerAuth(token) }),
    };
  } catch (error) {
    keel.ctx.log.warn({ err: error }, 'the feature store did not open: serving without online features');
    return null;
  }
}

/** A listening server. */
export interface RunningServer {
  readonly engine: InferenceEngine;
  readonly server: KeelServer;
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** The gRPC port, or null when gRPC is off. */
  readonly grpcPort: number | null;
  /** Resolves once the engine loaded every deployment (readiness true). */
  readonly started: Promise<void>;
  /** Writes the buffered prediction log and labels to the offline store now (no-op without monitoring). */
  flushLogs(): Promise<void>;
  /**
   * Graceful shutdown: readiness turns false, after `drainDelayMs` the listeners close (in-flight
   * HTTP requests and gRPC calls finish, new ones get 503), then the engine drains and releases its
   * models; whatever is still running after `shutdownTimeoutMs` is cut. Idempotent.
   */
  close(): Promise<void>;
}

/** Why an address could not be bound, by errno (gRPC reports it inside its message). */
const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: "the address is not one of this machine's",
};

/**
 * A `KEEL_SERVER_LISTEN_FAILED` error naming what could not listen and why (`details.inUse`), or
 * null when `error` is not a failure to bind (it is then rethrown as it is).
 */
function listenFailed(error: unknown, what: string): KeelError | null {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const errno =
    typeof code === 'string' && code in LISTEN_REASONS
      ? code
      : /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(message)?.[1];
  const reason = errno === undefined ? undefined : LISTEN_REASONS[errno];
  if (reason === undefined) return null;
  return new KeelError('KEEL_SERVER_LISTEN_FAILED', `Cannot listen for ${what}: ${reason}.`, {
    cause: error,
    details: { listen: what, inUse: errno === 'EADDRINUSE' },
  });
}

/** Starts the engine; a failure is logged (readiness stays false), never thrown. */
function startEngine(engine: InferenceEngine, log: Logger): Promise<void> {
  return engine
    .start()
    .then(() => undefined)
    .catch((error: unknown) => log.error({ err: error }, 'the inference engine did not start'));
}

/**
 * Starts a Keel server for a project: an engine over its registry and deployments, the HTTP server
 * on `host:port` and the gRPC server on `grpcPort`. It listens at once (liveness answers) and loads
 * the deployments in the background: readiness and inference answer 503 until they are loaded and
 * warm (with `listenWhenReady`, it loads them first).
 */
export async function startServer(keel: Keel, options: StartServerOptions = {}): Promise<RunningServer> {
  const config = keel.config.server;
  const log = options.log ?? keel.ctx.log;
  const role = options.role ?? 'all';
  const engine = await keel.engine({ ...options.engineOptions });
  const deployments = role === 'all' ? await keel.deployments({ actor: 'api' }) : undefined;
  const token = options.token ?? config.token;
  const bodyLimitBytes = options.bodyLimitBytes ?? config.bodyLimitBytes;
  const version = options.version ?? '0.0.0';
  const monitoring: ServerMonitoring | null =
    options.monitoring === false
      ? null
      : await startMonitoring(keel, engine, { version, sinks: role === 'all' });
  const features = options.featureServer === false ? null : await attachFeatures(keel, token);
  const plugins: ServerPlugin[] = [
    ...(monitoring?.plugins ?? []),
    ...(features ? [features.plugin] : []),
    ...(role === 'all' && options.ui !== false ? [uiRoutes(keel)] : []),
    ...(options.plugins ?? []),
  ];
  const server = await buildServer({
    ...options,
    engine,
    ...(deployments ? { deployments } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(monitoring ? { observer: monitoring.observer, requestIds: monitoring.requestIds } : {}),
    ...(features ? { features: features.enricher } : {}),
    bodyLimitBytes,
    log,
    plugins,
  });
  const host = options.host ?? config.host;
  const httpPort = options.port ?? config.port;
  const grpcPort = options.grpcPort === undefined ? 8081 : options.grpcPort;
  const startedEarly = options.listenWhenReady ? startEngine(engine, log) : null;
  await startedEarly;
  let grpc: GrpcServerHandle | null = null;
  let listening = '';
  try {
    listening = `HTTP on ${host}:${httpPort}`;
    await server.app.listen({ host, port: httpPort });
    if (grpcPort !== null) {
      listening = `gRPC on ${host}:${grpcPort}`;
      grpc = await startGrpcServer(server.context, { host, port: grpcPort, maxMessageBytes: bodyLimitBytes });
    }
  } catch (error) {
    // Nothing may keep running (the sinks' threads would keep the process alive, retrying).
    await server.app.close().catch(() => undefined);
    await engine.shutdown({ timeoutMs: 0 }).catch(() => undefined);
    await monitoring?.close().catch(() => undefined);
    throw listenFailed(error, listening) ?? error;
  }
  const port = (server.app.server.address() as AddressInfo).port;
  const engineStarted = startedEarly ?? startEngine(engine, log);
  let closing: Promise<void> | null = null;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      server.stopAccepting();
      if ((options.drainDelayMs ?? 0) > 0) await new Promise((r) => setTimeout(r, options.drainDelayMs));
      const http = server.app.server;
      const cut = setTimeout(() => http.closeAllConnections(), shutdownTimeoutMs);
      cut.unref();
      // Keep-alive connections go idle as their last request finishes: close them as they do.
      const sweep = setInterval(() => http.closeIdleConnections(), 50);
      sweep.unref();
      try {
        await Promise.all([server.app.close(), grpc?.close(shutdownTimeoutMs)]);
        await engineStarted;
        await engine.shutdown({ timeoutMs: shutdownTimeoutMs });
        await monitoring?.close();
      } finally {
        clearTimeout(cut);
        clearInterval(sweep);
      }
    })();
    return closing;
  };
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    engine,
    server,
    url: `http://${shownHost}:${port}`,
    port,
    grpcPort: grpc?.port ?? null,
    started: engineStarted,
    flushLogs: async () => {
      await monitoring?.flush();
    },
    close,
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../../core/index.js';
import type { InferResponse } from '../../serve/index.js';
import { predictOptions, type ServerContext } from '../server-context.js';

type ModelParams = { name: string; version?: string };

const params = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 300 },
    version: { type: 'string', minLength: 1, maxLength: 20 },
  },
  required: ['name'],
} as const;

const inferSchema = { params, body: { type: 'object' } } as const;

/** The OIP extensions this server implements, advertised by `GET /v2`. */
export const OIP_EXTENSIONS = ['model_repository'] as const;

/** Health bodies as KServe sends them; the status code alone is the answer for status-only clients. */
function health(reply: FastifyReply, key: 'live' | 'ready', ok: boolean): FastifyReply {
  if (!ok) reply.header('retry-after', '1');
  return reply.code(ok ? 200 : 503).send({ [key]: ok });
}

function sendInfer(reply: FastifyReply, response: InferResponse): string {
  const p = response.parameters;
  if (p && typeof p.model === 'string') reply.header('keel-model', p.model);
  if (response.model_version !== undefined) reply.header('keel-model-version', response.model_version);
  if (p && typeof p.variant === 'string') reply.header('keel-variant', p.variant);
  reply.type('application/json');
  return JSON.stringify(response);
}

/** True when `name` is a deployment or loaded reference this server knows (ready or not). */
function isKnown(ctx: ServerContext, name: string): boolean {
  return ctx.engine.repositoryIndex().some((e) => e.name === name);
}

/**
 * Open Inference Protocol REST: health (`/v2/health/live`, `/v2/health/ready`), server metadata
 * (`/v2`), model metadata and readiness (`/v2/models/{m}[/versions/{v}][/ready]`) and inference
 * (`POST .../infer`). Model names are deployment names or loaded references.
 */
export function registerOipRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { engine, guard } = ctx;
  app.get('/v2/health/live', (_req, reply) => health(reply, 'live', engine.isLive()));
  app.get('/v2/health/ready', (_req, reply) => health(reply, 'ready', ctx.accepting() && engine.isReady()));
  app.get('/v2', () => ({ name: ctx.name, version: ctx.version, extensions: OIP_EXTENSIONS }));

  const metadata = (request: FastifyRequest<{ Params: ModelParams }>) =>
    engine.modelMetadata(request.params.name, request.params.version);
  app.get('/v2/models/:name', { schema: { params } }, metadata);
  app.get('/v2/models/:name/versions/:version', { schema: { params } }, metadata);

  const ready = (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const { name, version } = request.params;
    if (engine.isModelReady(name, version)) return reply.send({ name, ready: true });
    // A version that is not served is 404 (modelMetadata throws); a known name still loading is 503.
    if (version !== undefined) engine.modelMetadata(name, version);
    else if (!isKnown(ctx, name)) {
      throw new KeelError('KEEL_SERVE_MODEL_NOT_LOADED', `Model "${name}" is not served here.`, {
        details: { model: name },
      });
    }
    reply.header('retry-after', '1');
    return reply.code(503).send({ name, ready: false });
  };
  app.get('/v2/models/:name/ready', { schema: { params } }, ready);
  app.get('/v2/models/:name/versions/:version/ready', { schema: { params } }, ready);

  const infer = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const { name, version } = request.params;
    guard.enter();
    try {
      const response = await engine.infer(
        name,
        version,
        request.body,
        predictOptions(request.headers, undefined),
      );
      return sendInfer(reply, response);
    } finally {
      guard.leave();
    }
  };
  app.post('/v2/models/:name/infer', { schema: inferSchema }, infer);
  app.post('/v2/models/:name/versions/:version/infer', { schema: inferSchema }, infer);
}

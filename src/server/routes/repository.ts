import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { KeelError } from '../../core/index.js';
import type { ServerContext } from '../server-context.js';

type NameParams = { name: string };

const params = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 300 } },
  required: ['name'],
} as const;

const indexSchema = {
  body: {
    anyOf: [
      { type: 'object', properties: { ready: { type: 'boolean' } }, additionalProperties: false },
      { type: 'null' },
    ],
  },
} as const;

const changeSchema = {
  params,
  body: {
    anyOf: [{ type: 'object', properties: { parameters: { type: 'object' } } }, { type: 'null' }],
  },
} as const;

/**
 * The OIP model-repository extension: `POST /v2/repository/index` (`{ "ready": true }` lists only
 * ready entries) and, behind `auth`, `POST /v2/repository/models/{m}/load` and `/unload`. `{m}` is
 * a deployment (re-applied) or a model reference (`fraud@champion`, `fraud%2F3`) served until unload.
 */
export function registerRepositoryRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  auth: onRequestHookHandler,
): void {
  const { engine } = ctx;
  app.post<{ Body: { ready?: boolean } | null }>('/v2/repository/index', { schema: indexSchema }, (request) =>
    engine.repositoryIndex({ ready: request.body?.ready === true }),
  );
  app.post<{ Params: NameParams }>(
    '/v2/repository/models/:name/load',
    { schema: changeSchema, onRequest: auth },
    async (request) => {
      if (!ctx.accepting()) {
        throw new KeelError('KEEL_SERVE_UNAVAILABLE', 'The server is shutting down.', {
          details: { retryAfterSeconds: 5 },
        });
      }
      const metadata = await engine.load(request.params.name);
      return { name: request.params.name, load: true, versions: metadata.versions ?? [] };
    },
  );
  app.post<{ Params: NameParams }>(
    '/v2/repository/models/:name/unload',
    { schema: changeSchema, onRequest: auth },
    async (request) => {
      await engine.unload(request.params.name);
      return { name: request.params.name, unload: true };
    },
  );
}

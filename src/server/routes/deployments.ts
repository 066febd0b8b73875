import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  type DeploymentService,
  type DeploymentStatus,
  type InferenceEngine,
  parseDeploymentInput,
} from '../../serve/index.js';
import type { Deployment } from '../../storage/index.js';
import type { ServerContext } from '../server-context.js';

type Req = FastifyRequest<{ Params: { name: string }; Body: unknown }>;

const params = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['name'],
} as const;
const nullableObject = { anyOf: [{ type: 'object' }, { type: 'null' }] } as const;
const weightsSchema = {
  params,
  body: {
    type: 'object',
    required: ['weights'],
    additionalProperties: false,
    properties: { weights: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } },
  },
} as const;
const canarySchema = {
  params,
  body: {
    type: 'object',
    required: ['ref'],
    additionalProperties: false,
    properties: {
      ref: { type: 'string', minLength: 1 },
      percent: { type: 'number', minimum: 0, maximum: 100 },
    },
  },
} as const;
const stepSchema = {
  params,
  body: {
    anyOf: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          percent: { type: 'number', minimum: 0, maximum: 100 },
          stepPercent: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
        },
      },
      { type: 'null' },
    ],
  },
} as const;
const shadowSchema = {
  params,
  body: {
    type: 'object',
    required: ['ref'],
    additionalProperties: false,
    properties: {
      ref: { type: 'string', minLength: 1 },
      percent: { type: 'number', minimum: 0, maximum: 100 },
    },
  },
} as const;

/** What a management call answers: the stored deployment and how this server serves it now. */
interface Applied {
  readonly deployment: Deployment;
  readonly serving: DeploymentStatus | null;
  /** Why this server could not serve the new revision (the previous one keeps serving), or null. */
  readonly error: string | null;
}

function servingOf(engine: InferenceEngine, name: string): DeploymentStatus | null {
  try {
    return engine.deploymentStatus(name);
  } catch {
    return null;
  }
}

/** Serves a stored revision on this server at once (other servers pick it up on their next poll). */
async function apply(engine: InferenceEngine, d: Deployment): Promise<Applied> {
  try {
    return { deployment: d, serving: await engine.applyDeployment(d), error: null };
  } catch (error) {
    return { deployment: d, serving: servingOf(engine, d.name), error: (error as Error).message };
  }
}

/** Identity of the caller for history events: the `x-keel-actor` header, else `api`. */
function change(request: FastifyRequest): { actor: string; reason?: string } {
  const actor = request.headers['x-keel-actor'];
  const reason = request.headers['x-keel-reason'];
  return {
    actor: typeof actor === 'string' && actor !== '' ? actor.slice(0, 100) : 'api',
    ...(typeof reason === 'string' && reason !== '' ? { reason: reason.slice(0, 500) } : {}),
  };
}

/**
 * Deployment management under `/v1/deployments` (role `all`, behind `auth`): list, show, history,
 * create or update (PUT), delete, A/B weights, canary start/step/promote/rollback, shadow add and
 * remove. Every change is written to the metadata store (with its history event) and applied on
 * this server before the answer; other servers apply it on their next poll.
 */
export function registerDeploymentRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  service: DeploymentService,
): void {
  const { engine } = ctx;
  const one = { schema: { params } };

  app.get('/v1/deployments', async () => {
    const list = await service.list();
    return list.map((d) => ({ deployment: d, serving: servingOf(engine, d.name) }));
  });
  app.get('/v1/deployments/:name', one, async (request: Req) => {
    const d = await service.get(request.params.name);
    return { deployment: d, serving: servingOf(engine, d.name) };
  });
  app.get('/v1/deployments/:name/history', one, (request: Req) => service.history(request.params.name));

  app.put(
    '/v1/deployments/:name',
    { schema: { params, body: { type: 'object' } } },
    async (request: Req, reply: FastifyReply) => {
      const input = parseDeploymentInput(request.body);
      const d = await service.put(request.params.name, input, change(request));
      const out = await apply(engine, d);
      return reply.code(d.revision === 1 ? 201 : 200).send(out);
    },
  );
  app.delete('/v1/deployments/:name', one, async (request: Req) => {
    await service.delete(request.params.name, change(request));
    // Two polls: one may already be running with the list read before the delete.
    await engine.poll();
    if (servingOf(engine, request.params.name)) await engine.poll();
    return { name: request.params.name, deleted: true };
  });
  app.put('/v1/deployments/:name/weights', { schema: weightsSchema }, async (request: Req) => {
    const { weights } = request.body as { weights: Record<string, number> };
    return apply(engine, await service.setWeights(request.params.name, weights, change(request)));
  });
  app.post('/v1/deployments/:name/canary', { schema: canarySchema }, async (request: Req) => {
    const { ref, percent } = request.body as { ref: string; percent?: number };
    const action = { type: 'start' as const, ref, ...(percent !== undefined ? { percent } : {}) };
    return apply(engine, await service.canary(request.params.name, action, change(request)));
  });
  app.post('/v1/deployments/:name/canary/step', { schema: stepSchema }, async (request: Req) => {
    const body = (request.body ?? {}) as { percent?: number; stepPercent?: number };
    const action = {
      type: 'step' as const,
      ...(body.percent !== undefined ? { percent: body.percent } : {}),
      ...(body.stepPercent !== undefined ? { stepPercent: body.stepPercent } : {}),
    };
    return apply(engine, await service.canary(request.params.name, action, change(request)));
  });
  for (const type of ['promote', 'rollback'] as const) {
    app.post(
      `/v1/deployments/:name/${type}`,
      { schema: { params, body: nullableObject } },
      async (request: Req) =>
        apply(engine, await service.canary(request.params.name, { type }, change(request))),
    );
  }
  app.put('/v1/deployments/:name/shadow', { schema: shadowSchema }, async (request: Req) => {
    const { ref, percent } = request.body as { ref: string; percent?: number };
    const shadow = { ref, ...(percent !== undefined ? { percent } : {}) };
    return apply(engine, await service.setShadow(request.params.name, shadow, change(request)));
  });
  app.delete('/v1/deployments/:name/shadow', one, async (request: Req) =>
    apply(engine, await service.setShadow(request.params.name, null, change(request))),
  );
}

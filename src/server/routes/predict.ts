import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PredictResult } from '../../serve/index.js';
import { plainJson } from '../plain-json.js';
import { predictRecords, type ServerContext } from '../server-context.js';

/** Body of `POST /v1/deployments/{name}/predict`. */
interface PredictBody {
  readonly instances: readonly Record<string, unknown>[];
  /** Unit key for sticky A/B assignment (wins over the deployment's sticky field or header). */
  readonly key?: string;
}

/** The route template of the predict route (metrics label). */
export const PREDICT_ROUTE = '/v1/deployments/:name/predict';

const schema = {
  params: {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1, maxLength: 128 } },
    required: ['name'],
  },
  body: {
    type: 'object',
    required: ['instances'],
    additionalProperties: false,
    properties: {
      instances: { type: 'array', minItems: 1, items: { type: 'object' } },
      key: { type: 'string', maxLength: 1024 },
    },
  },
} as const;

/**
 * The predict response, written by hand: the fixed fields then the rows as the engine formatted
 * them (`{ label, probability, probabilities }` or `{ value }` per row).
 */
export function serializePredict(r: PredictResult): string {
  return `{"deployment":${JSON.stringify(r.deployment)},"model":${JSON.stringify(r.model)},"version":${r.version},"variant":${JSON.stringify(r.variant)},"cached":${r.cached},"predictions":${plainJson(r.outputs)}}`;
}

/**
 * `POST /v1/deployments/{name}/predict` with `{ "instances": [{...}, ...] }`: the records API for
 * humans and web apps. Answers the predictions in order and says who answered, in the body and in
 * `keel-model`, `keel-model-version` and `keel-variant` headers.
 */
export function registerPredictRoute(app: FastifyInstance, ctx: ServerContext): void {
  const { guard } = ctx;
  app.post<{ Params: { name: string }; Body: PredictBody }>(
    PREDICT_ROUTE,
    { schema },
    async function predict(
      request: FastifyRequest<{ Params: { name: string }; Body: PredictBody }>,
      reply: FastifyReply,
    ) {
      const body = request.body;
      guard.enter();
      let result: PredictResult;
      try {
        result = await predictRecords(ctx, request.params.name, body.instances, request.headers, body.key);
      } finally {
        guard.leave();
      }
      reply.header('keel-model', result.model);
      reply.header('keel-model-version', String(result.version));
      if (result.variant !== null) reply.header('keel-variant', result.variant);
      reply.type('application/json');
      return serializePredict(result);
    },
  );
}

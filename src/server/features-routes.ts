import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FeatureStore, handleOnlineFeatures, handlePush } from '../features/index.js';
import type { ServerPlugin } from './app.js';

/** Options of `featuresPlugin`. */
export interface FeaturesRoutesOptions {
  /** An `onRequest` hook guarding the push route (writes); open when absent. */
  readonly pushAuth?: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
  /** An `onRequest` hook guarding the read route; open when absent. */
  readonly readAuth?: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
}

/**
 * The feature server routes: `POST /v1/features/online` (latest values with statuses, Feast's
 * column-major layout or `?layout=rows`) and `POST /v1/features/push` (events for a push source).
 * Errors are `KeelError`s, answered by the server's error handler as `{ error, code, details }`.
 */
export function featuresPlugin(store: FeatureStore, options: FeaturesRoutesOptions = {}): ServerPlugin {
  return (app) => {
    app.post(
      '/v1/features/online',
      options.readAuth ? { onRequest: options.readAuth } : {},
      async (request: FastifyRequest, reply: FastifyReply) => {
        const query = (request.query ?? {}) as { layout?: string };
        const answer = await handleOnlineFeatures(
          store,
          request.body,
          query.layout === undefined ? {} : { layout: query.layout },
        );
        return reply.code(answer.status).send(answer.body);
      },
    );
    app.post(
      '/v1/features/push',
      options.pushAuth ? { onRequest: options.pushAuth } : {},
      async (request: FastifyRequest, reply: FastifyReply) => {
        const answer = await handlePush(store, request.body);
        return reply.code(answer.status).send(answer.body);
      },
    );
  };
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FeedbackRecorder } from '../monitor/index.js';
import type { ServerPlugin } from './app.js';

/** Options of `feedbackPlugin`. */
export interface FeedbackRoutesOptions {
  /** An `onRequest` hook guarding the route (e.g. `bearerAuth(token)`); open when absent. */
  readonly auth?: (request: FastifyRequest, reply: FastifyReply, done: () => void) => void;
}

/**
 * `POST /v1/feedback`: ground truth for logged predictions, arriving any time later. The body is
 * `{ "request_id": "...", "label": ..., "row"?: 0 }`, an array of those, or
 * `{ "model"?: "fraud", "labels": [...] }` (with `model`, labels are checked against its classes or
 * numeric output). Answers `202 { "accepted": n }` once the labels are on the stream, or
 * `400 KEEL_MONITOR_BAD_FEEDBACK` with every problem (nothing recorded). Unknown request ids are
 * accepted and counted when quality is computed.
 */
export function feedbackPlugin(
  recorder: FeedbackRecorder,
  options: FeedbackRoutesOptions = {},
): ServerPlugin {
  return (app) => {
    app.post(
      '/v1/feedback',
      options.auth ? { onRequest: options.auth } : {},
      async (request: FastifyRequest, reply: FastifyReply) => {
        const receipt = await recorder.record(request.body);
        return reply.code(202).send(receipt);
      },
    );
  };
}

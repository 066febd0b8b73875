import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isKeelError, KeelError, type Logger } from '../core/index.js';

/** Seconds a client should wait before retrying a retryable failure (`Retry-After`), or null. */
export function retryAfterSeconds(error: KeelError): number | null {
  const hint = error.details.retryAfterSeconds;
  if (typeof hint === 'number' && Number.isFinite(hint) && hint > 0) return Math.ceil(hint);
  return error.status === 429 || error.status === 503 ? 1 : null;
}

/** Writes a KeelError as `{ error, code, details }` with its status and, when retryable, `Retry-After`. */
export function sendKeelError(reply: FastifyReply, error: KeelError): FastifyReply {
  const retry = retryAfterSeconds(error);
  if (retry !== null) reply.header('retry-after', String(retry));
  return reply.code(error.status).type('application/json').send(JSON.stringify(error.toJSON()));
}

/** The message of a body-schema failure, naming the field: `body/instances must be array`. */
export function schemaMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = `body${first.instancePath || ''}`;
  const params = first.params as Record<string, unknown>;
  if (typeof params.additionalProperty === 'string') {
    return `${where} has an unknown field "${params.additionalProperty}".`;
  }
  if (typeof params.missingProperty === 'string') {
    return `${where} is missing the required field "${params.missingProperty}".`;
  }
  return `${where} ${first.message ?? 'is invalid'}.`;
}

/** Maps what Fastify throws (body parsing, limits, schemas) to the KeelError a client should see. */
export function toHttpError(error: unknown, bodyLimitBytes: number): KeelError {
  if (isKeelError(error)) return error;
  const e = error as FastifyError;
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new KeelError(
        'KEEL_SERVE_PAYLOAD_TOO_LARGE',
        `The request body is larger than ${bodyLimitBytes} bytes (server.bodyLimitBytes); send fewer rows per request.`,
        { details: { limitBytes: bodyLimitBytes } },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new KeelError(
        'KEEL_SERVER_UNSUPPORTED_MEDIA_TYPE',
        'The body must be JSON: send it with Content-Type: application/json.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new KeelError('KEEL_SERVER_BAD_REQUEST', 'The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new KeelError('KEEL_SERVER_BAD_REQUEST', 'The request body does not match its Content-Length.');
    default:
      break;
  }
  if (e.validation)
    return new KeelError('KEEL_SERVER_BAD_REQUEST', schemaMessage(e), {
      details: { validation: e.validationContext ?? 'body' },
    });
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new KeelError('KEEL_SERVER_BAD_REQUEST', e.message || 'Bad request.', {
      status,
      details: { reason: e.code ?? null },
    });
  }
  return new KeelError('KEEL_INTERNAL', `Unexpected error: ${e.message ?? String(error)}`, { cause: error });
}

/** Fastify's error handler: every failure leaves as `{ error, code, details }`; 5xx are logged. */
export function errorHandler(log: Logger, bodyLimitBytes: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const keel = toHttpError(error, bodyLimitBytes);
    if (
      keel.status >= 500 &&
      keel.code !== 'KEEL_SERVE_UNAVAILABLE' &&
      keel.code !== 'KEEL_SERVE_MODEL_NOT_READY'
    ) {
      log.error({ err: error, method: request.method, url: request.url }, 'request failed');
    }
    return sendKeelError(reply, keel);
  };
}

/** Fastify's not-found handler: `KEEL_SERVER_ROUTE_NOT_FOUND` naming the method and path. */
export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0]!.slice(0, 200);
  return sendKeelError(
    reply,
    new KeelError(
      'KEEL_SERVER_ROUTE_NOT_FOUND',
      `No route ${request.method} ${path}. See docs/serving.md for the routes.`,
      {
        details: { method: request.method, path },
      },
    ),
  );
}

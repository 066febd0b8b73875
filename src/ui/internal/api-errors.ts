import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../../core/index.js';

/**
 * The UI API's error handler: every failure leaves as `{ error, code, details }` with the code's
 * HTTP status. Fastify's own client errors (a malformed URL, a bad header) become
 * `KEEL_INVALID_ARGUMENT`; anything else unexpected is logged and answered as `KEEL_INTERNAL`.
 */
export function apiErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  let keel: KeelError;
  const status = (error as FastifyError).statusCode;
  if (error instanceof KeelError) keel = error;
  else if (typeof status === 'number' && status >= 400 && status < 500) {
    keel = new KeelError('KEEL_INVALID_ARGUMENT', error.message, { status, cause: error });
  } else {
    request.log.error({ err: error }, 'ui api request failed');
    // The message of an unexpected error may hold internals (SQL, paths): it stays in the log.
    keel = new KeelError('KEEL_INTERNAL', 'Unexpected error; the server log has the details.', {
      cause: error,
    });
  }
  if (keel.status >= 500 && error instanceof KeelError) request.log.error({ err: error }, 'ui api error');
  return reply.status(keel.status).header('cache-control', 'no-store').send(keel.toJSON());
}

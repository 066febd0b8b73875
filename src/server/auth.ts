import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../core/index.js';
import { sendKeelError } from './http-errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * An `onRequest` hook requiring `Authorization: Bearer <token>`; without a token configured it
 * lets everything through. Tokens are compared in constant time (over their sha256, so the
 * length does not leak either). Failures answer 401 with `WWW-Authenticate: Bearer`.
 */
export function bearerAuth(token: string | undefined) {
  const expected = token === undefined ? null : digest(token);
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (expected === null) {
      done();
      return;
    }
    const header = request.headers.authorization;
    const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : null;
    if (given !== null && timingSafeEqual(digest(given), expected)) {
      done();
      return;
    }
    reply.header('www-authenticate', 'Bearer realm="keel"');
    sendKeelError(
      reply,
      new KeelError(
        'KEEL_UNAUTHORIZED',
        given === null
          ? 'This route needs Authorization: Bearer <token> (the server.token of the server).'
          : 'The bearer token is not the one this server is configured with (server.token).',
      ),
    );
  };
}

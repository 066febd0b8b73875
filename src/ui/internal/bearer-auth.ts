import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../../core/index.js';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * An `onRequest` hook that requires `Authorization: Bearer <token>`; the comparison takes the
 * same time whatever the sent value. Fails with `KEEL_UNAUTHORIZED` (401).
 */
export function bearerAuth(token: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = digest(token);
  return async (request, reply) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    reply.header('www-authenticate', 'Bearer realm="keel"');
    throw new KeelError(
      'KEEL_UNAUTHORIZED',
      match
        ? 'The bearer token is not the one configured in server.token.'
        : 'This API needs a token: send Authorization: Bearer <token> (server.token in the config).',
    );
  };
}

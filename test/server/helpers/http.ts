// A raw HTTP client over keep-alive sockets (full control of method, path, headers and body), and
// a listening helper, for tests of the server's socket paths (the predict fast path is not reached
// by fastify inject).
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import type { KeelServer } from '../../../src/server/index.js';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
afterAll(() => agent.destroy());

/** A response as the tests read it. */
export interface RawResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies field by field, as with fastify inject.
  json(): any;
}

/** Sends one request to `127.0.0.1:port`. */
export function send(
  port: number,
  options: { method: string; url: string; headers?: Record<string, string>; payload?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    if (options.payload !== undefined) headers['content-length'] = String(Buffer.byteLength(options.payload));
    const req = request(
      { host: '127.0.0.1', port, method: options.method, path: options.url, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: () => JSON.parse(body),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.payload !== undefined) req.write(options.payload);
    req.end();
  });
}

/** Starts listening on a free loopback port; returns the port. */
export async function listen(server: KeelServer): Promise<number> {
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  return (server.app.server.address() as AddressInfo).port;
}

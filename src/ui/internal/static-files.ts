import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KeelError } from '../../core/index.js';

/** One file served as it is, read once at start-up. */
export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
};

function staticFile(path: string): StaticFile {
  const body = readFileSync(path);
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** The UI's own files (`src/ui/assets`, copied to `dist/ui/assets` by the build), by relative path. */
export function loadAssets(): Map<string, StaticFile> {
  const root = fileURLToPath(new URL('../assets/', import.meta.url));
  const files = new Map<string, StaticFile>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && extname(entry.name) in TYPES) {
        files.set(relative(root, path).split(sep).join('/'), staticFile(path));
      }
    }
  };
  walk(root);
  if (!files.has('app.js')) {
    throw new KeelError(
      'KEEL_INTERNAL',
      `The UI's files are missing from ${root}; rebuild Keel (npm run build copies src/ui/assets).`,
    );
  }
  return files;
}

/** Third-party browser files served under `/ui/vendor/`: uPlot's ES module and stylesheet. */
export function loadVendorFiles(): Map<string, StaticFile> {
  const require = createRequire(import.meta.url);
  const dist = join(require.resolve('uplot/package.json'), '..', 'dist');
  return new Map([
    ['uplot.esm.js', staticFile(join(dist, 'uPlot.esm.js'))],
    ['uplot.min.css', staticFile(join(dist, 'uPlot.min.css'))],
  ]);
}

/** Answers with `file` (304 when the browser's copy is current); the browser revalidates every time. */
export function sendStatic(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  reply
    .header('etag', file.etag)
    .header('cache-control', 'no-cache')
    .header('x-content-type-options', 'nosniff');
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  return reply.type(file.type).send(file.body);
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { KeelError, toKeelError } from '../core/index.js';
import type { InferResponse, PredictResult } from '../serve/index.js';
import { retryAfterSeconds } from './http-errors.js';
import { plainJson } from './plain-json.js';
import { PREDICT_ROUTE, serializePredict } from './routes/predict.js';
import { type AnsweredBy, predictOptions, predictRecords, type ServerContext } from './server-context.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** The request id echoed in `x-request-id`, carried on the response until its headers are written. */
const REQUEST_ID = Symbol('keel.requestId');
type FastResponse = ServerResponse & { [REQUEST_ID]?: string };

function requestIdOf(res: ServerResponse): string | undefined {
  return (res as FastResponse)[REQUEST_ID];
}

/** Route template of OIP inference without a version (a metrics label). */
export const INFER_ROUTE = '/v2/models/:name/infer';
/** Route template of OIP inference on a version (a metrics label). */
export const INFER_VERSION_ROUTE = '/v2/models/:name/versions/:version/infer';

const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const VERSION_RE = /^[1-9][0-9]{0,8}$/;

/** A plain inference URL: which route, the deployment or model name, the version path if any. */
interface FastRoute {
  readonly route: string;
  readonly name: string;
  readonly version: string | undefined;
}

function bad(message: string): KeelError {
  return new KeelError('KEEL_SERVER_BAD_REQUEST', message, { details: { validation: 'body' } });
}

/** The inference route of a plain URL (no query, no encoded characters), or null for the full router. */
export function fastRouteOf(url: string | undefined): FastRoute | null {
  if (url === undefined) return null;
  if (url.startsWith('/v1/deployments/') && url.endsWith('/predict')) {
    const name = url.slice(16, -8);
    return NAME_RE.test(name) ? { route: PREDICT_ROUTE, name, version: undefined } : null;
  }
  if (url.startsWith('/v2/models/') && url.endsWith('/infer')) {
    const path = url.slice(11, -6);
    const slash = path.indexOf('/');
    if (slash < 0) return NAME_RE.test(path) ? { route: INFER_ROUTE, name: path, version: undefined } : null;
    const name = path.slice(0, slash);
    const version = path.startsWith('/versions/', slash) ? path.slice(slash + 10) : '';
    return NAME_RE.test(name) && VERSION_RE.test(version)
      ? { route: INFER_VERSION_ROUTE, name, version }
      : null;
  }
  return null;
}

function isJson(type: string | undefined): boolean {
  return type !== undefined && (type === 'application/json' || type.startsWith('application/json;'));
}

/**
 * Checks a parsed predict body exactly as the route's JSON schema does: an object with a non-empty
 * `instances` array of objects and an optional string `key`, nothing else. Messages name the field.
 */
export function checkPredictBody(body: unknown): {
  instances: Record<string, unknown>[];
  key: string | undefined;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body must be object.');
  const b = body as Record<string, unknown>;
  const instances = b.instances;
  if (instances === undefined) throw bad('body is missing the required field "instances".');
  for (const k in b) {
    if (k !== 'instances' && k !== 'key') throw bad(`body has an unknown field "${k}".`);
  }
  if (!Array.isArray(instances)) throw bad('body/instances must be array.');
  if (instances.length === 0) throw bad('body/instances must NOT have fewer than 1 items.');
  for (let i = 0; i < instances.length; i++) {
    const r = instances[i];
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw bad(`body/instances/${i} must be object.`);
  }
  const key = b.key;
  if (key !== undefined && (typeof key !== 'string' || key.length > 1024)) {
    throw bad(
      typeof key !== 'string'
        ? 'body/key must be string.'
        : 'body/key must NOT have more than 1024 characters.',
    );
  }
  return { instances: instances as Record<string, unknown>[], key };
}

/** Who answered an OIP response (its parameters name the model and variant). */
function inferAnswer(name: string, r: InferResponse): AnsweredBy {
  const p = r.parameters;
  return {
    model: typeof p?.model === 'string' ? p.model : name,
    version: r.model_version ?? '',
    variant: typeof p?.variant === 'string' ? p.variant : null,
  };
}

/**
 * The hot path of the inference routes — `POST /v1/deployments/{name}/predict` and
 * `POST /v2/models/{m}[/versions/{v}]/infer` — answered on the raw `node:http` request without the
 * framework: a plain URL, a JSON content type and a Content-Length within the body limit are handled
 * here (body read, JSON parsed, checked like the routes' schemas, predicted, answered with one
 * `writeHead`/`end`); anything else (other routes, chunked or oversized bodies, other content types,
 * a server that is closing) goes to `fallback`, the Fastify router, which answers identically.
 * Predictions that can be computed synchronously (native models) are answered without a promise.
 */
export function fastPredict(ctx: ServerContext, bodyLimitBytes: number, fallback: Handler): Handler {
  const { engine, guard, observer, requestIds } = ctx;

  const fail = (res: ServerResponse, error: unknown, r: FastRoute, started: number): void => {
    const e = toKeelError(error);
    const retry = retryAfterSeconds(e);
    const text = JSON.stringify(e.toJSON());
    const headers: Record<string, string | number> = {};
    const id = requestIdOf(res);
    if (id !== undefined) headers['x-request-id'] = id;
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['content-length'] = Buffer.byteLength(text);
    if (retry !== null) headers['retry-after'] = String(retry);
    if (e.code === 'KEEL_INTERNAL')
      ctx.log.error({ err: error, route: r.route, name: r.name }, 'inference failed');
    try {
      res.writeHead(e.status, headers).end(text);
    } catch {
      res.destroy();
    }
    observer?.request(r.route, r.name, null, e.status, (performance.now() - started) / 1000, e.code);
  };

  // Every header goes to `writeHead` in one object (no `setHeader` before it): Node then stores
  // them as given instead of validating and copying each one through its progressive-header table.
  const send = (res: ServerResponse, r: FastRoute, text: string, by: AnsweredBy, started: number): void => {
    try {
      const id = requestIdOf(res);
      const length = Buffer.byteLength(text);
      const headers: Record<string, string | number> =
        id === undefined
          ? {
              'content-type': 'application/json; charset=utf-8',
              'content-length': length,
              'keel-model': by.model,
              'keel-model-version': by.version,
            }
          : {
              'x-request-id': id,
              'content-type': 'application/json; charset=utf-8',
              'content-length': length,
              'keel-model': by.model,
              'keel-model-version': by.version,
            };
      if (by.variant !== null) headers['keel-variant'] = by.variant;
      res.writeHead(200, headers).end(text);
    } catch (error) {
      // Never let a failed write escape (an unhandled rejection would end the process).
      if (res.headersSent) res.destroy();
      else fail(res, error, r, started);
      return;
    }
    observer?.request(r.route, r.name, by, 200, (performance.now() - started) / 1000, null);
  };

  const answer = (
    res: ServerResponse,
    r: FastRoute,
    result: PredictResult | InferResponse,
    started: number,
  ) => {
    if (r.route === PREDICT_ROUTE) {
      const p = result as PredictResult;
      send(res, r, serializePredict(p), p, started);
    } else send(res, r, plainJson(result), inferAnswer(r.name, result as InferResponse), started);
  };

  /** Starts the engine call; may answer synchronously (native models) or throw a request error. */
  const call = (
    req: IncomingMessage,
    r: FastRoute,
    body: unknown,
  ): PredictResult | InferResponse | Promise<unknown> => {
    if (r.route !== PREDICT_ROUTE) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('body must be object.');
      return engine.inferNow(r.name, r.version, body, predictOptions(req.headers, undefined));
    }
    const checked = checkPredictBody(body);
    return predictRecords(ctx, r.name, checked.instances, req.headers, checked.key);
  };

  const run = (
    req: IncomingMessage,
    res: ServerResponse,
    r: FastRoute,
    text: string,
    started: number,
  ): void => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      fail(res, bad(`The request body is not valid JSON: ${(error as Error).message}.`), r, started);
      return;
    }
    let result: PredictResult | InferResponse | Promise<unknown>;
    try {
      guard.enter();
      try {
        result = call(req, r, body);
      } catch (error) {
        guard.leave();
        throw error;
      }
    } catch (error) {
      fail(res, error, r, started);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => {
          guard.leave();
          answer(res, r, value as PredictResult | InferResponse, started);
        },
        (error: unknown) => {
          guard.leave();
          fail(res, error, r, started);
        },
      );
      return;
    }
    guard.leave();
    answer(res, r, result, started);
  };

  return (req, res) => {
    const r = req.method === 'POST' ? fastRouteOf(req.url) : null;
    const length = Number(req.headers['content-length']);
    if (
      r === null ||
      !isJson(req.headers['content-type']) ||
      !(length > 0 && length <= bodyLimitBytes) ||
      req.headers['transfer-encoding'] !== undefined ||
      !ctx.accepting()
    ) {
      fallback(req, res);
      return;
    }
    const started = observer ? performance.now() : 0;
    if (requestIds) {
      let id = req.headers['x-request-id'];
      if (typeof id !== 'string' || id === '') {
        id = requestIds();
        req.headers['x-request-id'] = id;
      }
      (res as FastResponse)[REQUEST_ID] = id;
    }
    let first: Buffer | null = null;
    let rest: Buffer[] | null = null;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (first === null) first = chunk;
      else (rest ??= [first]).push(chunk);
    });
    req.on('end', () => {
      if (size !== length) {
        fail(res, bad('The request body does not match its Content-Length.'), r, started);
        return;
      }
      const text = rest
        ? Buffer.concat(rest).toString('utf8')
        : ((first as Buffer | null)?.toString('utf8') ?? '');
      run(req, res, r, text, started);
    });
    req.on('error', () => res.destroy());
  };
}

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { KeelError, toKeelError } from '../../core/index.js';
import type { InferResponse } from '../../serve/index.js';
import { OIP_EXTENSIONS } from '../routes/oip.js';
import type { ServerContext } from '../server-context.js';
import { decodeGrpcInfer, type GrpcInferRequest } from './grpc-infer-request.js';
import { dataToRaw } from './raw-contents.js';
import { dataToContents, parametersToGrpc } from './tensor-contents.js';

/** Where the protocol's .proto file lives (copied next to the compiled code by the build). */
export const INFERENCE_PROTO = fileURLToPath(new URL('../proto/inference.proto', import.meta.url));

/** proto-loader options: snake_case names as on the wire, int64 as strings (lossless), oneof names. */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

/** Loads the `inference.GRPCInferenceService` definition (servers and clients share it). */
export function loadInferenceService(): grpc.ServiceClientConstructor {
  const def = protoLoader.loadSync(INFERENCE_PROTO, PROTO_OPTIONS);
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    inference: { GRPCInferenceService: grpc.ServiceClientConstructor };
  };
  return pkg.inference.GRPCInferenceService;
}

const STATUS_BY_HTTP: Readonly<Record<number, grpc.status>> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  404: grpc.status.NOT_FOUND,
  409: grpc.status.ALREADY_EXISTS,
  413: grpc.status.RESOURCE_EXHAUSTED,
  429: grpc.status.RESOURCE_EXHAUSTED,
  499: grpc.status.CANCELLED,
  501: grpc.status.UNIMPLEMENTED,
  503: grpc.status.UNAVAILABLE,
  504: grpc.status.DEADLINE_EXCEEDED,
};

/** A KeelError as a gRPC status (the protocol's mapping), with `keel-code` and `retry-after` metadata. */
export function toGrpcError(error: unknown): Partial<grpc.StatusObject> {
  const keel = toKeelError(error);
  const metadata = new grpc.Metadata();
  metadata.set('keel-code', keel.code);
  const retry = keel.details.retryAfterSeconds;
  if (typeof retry === 'number') metadata.set('retry-after', String(Math.ceil(retry)));
  return {
    code:
      STATUS_BY_HTTP[keel.status] ??
      (keel.status < 500 ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL),
    details: keel.message,
    metadata,
  };
}

function toGrpcResponse(response: InferResponse, raw: boolean): Record<string, unknown> {
  const outputs = response.outputs.map((o) => ({
    name: o.name,
    datatype: o.datatype,
    shape: o.shape,
    ...(raw ? {} : { contents: dataToContents(o) }),
  }));
  return {
    model_name: response.model_name,
    model_version: response.model_version ?? '',
    id: response.id ?? '',
    parameters: parametersToGrpc(response.parameters),
    outputs,
    ...(raw ? { raw_output_contents: response.outputs.map(dataToRaw) } : {}),
  };
}

type Unary<Req> = grpc.handleUnaryCall<Req, unknown>;

/** The service implementation over the shared server context (engine, load guard, readiness). */
function implementation(ctx: ServerContext): grpc.UntypedServiceImplementation {
  const { engine, guard } = ctx;
  const version = (v: string | undefined): string | undefined =>
    v === undefined || v === '' ? undefined : v;
  const modelInfer: Unary<GrpcInferRequest> = (call, callback) => {
    let admitted = false;
    try {
      guard.enter();
      admitted = true;
      const request = call.request;
      const deadline = call.getDeadline();
      const remaining =
        deadline instanceof Date ? deadline.getTime() - Date.now() : Number(deadline) - Date.now();
      const timeoutMs = Number.isFinite(remaining) && remaining > 0 ? remaining : undefined;
      const decoded = decodeGrpcInfer(request);
      engine
        .infer(request.model_name, version(request.model_version), decoded.body, {
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(decoded.body.id !== undefined ? { requestId: decoded.body.id } : {}),
        })
        .then(
          (response) => {
            const md = new grpc.Metadata();
            const p = response.parameters;
            if (p && typeof p.model === 'string') md.set('keel-model', p.model);
            if (response.model_version) md.set('keel-model-version', response.model_version);
            if (p && typeof p.variant === 'string') md.set('keel-variant', p.variant);
            call.sendMetadata(md);
            callback(null, toGrpcResponse(response, decoded.raw));
          },
          (error) => callback(toGrpcError(error)),
        )
        .finally(() => guard.leave());
    } catch (error) {
      if (admitted) guard.leave();
      callback(toGrpcError(error));
    }
  };
  const sync =
    <Req>(fn: (request: Req) => unknown): Unary<Req> =>
    (call, callback) => {
      try {
        callback(null, fn(call.request));
      } catch (error) {
        callback(toGrpcError(error));
      }
    };
  return {
    ServerLive: sync(() => ({ live: engine.isLive() })),
    ServerReady: sync(() => ({ ready: ctx.accepting() && engine.isReady() })),
    ModelReady: sync((r: { name: string; version?: string }) => ({
      ready: engine.isModelReady(r.name, version(r.version)),
    })),
    ServerMetadata: sync(() => ({ name: ctx.name, version: ctx.version, extensions: [...OIP_EXTENSIONS] })),
    ModelMetadata: sync((r: { name: string; version?: string }) => {
      if (!r.name) throw new KeelError('KEEL_SERVE_BAD_INPUT', 'ModelMetadata needs a model name.');
      const m = engine.modelMetadata(r.name, version(r.version));
      return {
        name: m.name,
        versions: m.versions ?? [],
        platform: m.platform,
        inputs: m.inputs,
        outputs: m.outputs,
      };
    }),
    ModelInfer: modelInfer,
  };
}

/** A running gRPC server. */
export interface GrpcServerHandle {
  /** The port bound (useful with port 0). */
  readonly port: number;
  /** Stops taking calls and waits for running ones, forcing the rest after `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * Serves `inference.GRPCInferenceService` (Open Inference Protocol gRPC: ServerLive, ServerReady,
 * ModelReady, ServerMetadata, ModelMetadata, ModelInfer with typed contents or raw contents) on
 * `host:port` over the same engine as the HTTP server. Messages above `maxMessageBytes` are refused.
 */
export async function startGrpcServer(
  ctx: ServerContext,
  options: { readonly host: string; readonly port: number; readonly maxMessageBytes: number },
): Promise<GrpcServerHandle> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': options.maxMessageBytes * 4,
  });
  server.addService(loadInferenceService().service, implementation(ctx));
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    port,
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

import { KeelError } from '../../core/index.js';
import type { InferParameters } from '../../serve/index.js';
import { rawToData } from './raw-contents.js';
import {
  contentsToData,
  type GrpcParameter,
  parametersFromGrpc,
  type TensorContents,
} from './tensor-contents.js';

/** `ModelInferRequest` as @grpc/proto-loader gives it. */
export interface GrpcInferRequest {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: Record<string, GrpcParameter>;
  readonly inputs?: readonly {
    readonly name: string;
    readonly datatype: string;
    readonly shape?: readonly (string | number)[];
    readonly parameters?: Record<string, GrpcParameter>;
    readonly contents?: TensorContents;
  }[];
  readonly outputs?: readonly {
    readonly name: string;
    readonly parameters?: Record<string, GrpcParameter>;
  }[];
  readonly raw_input_contents?: readonly Buffer[];
}

/** An OIP request body for the engine, decoded from gRPC, and whether the client used raw contents. */
export interface DecodedGrpcInfer {
  readonly body: {
    readonly id?: string;
    readonly parameters: InferParameters;
    readonly inputs: readonly {
      name: string;
      datatype: string;
      shape: number[];
      parameters: InferParameters;
      data: unknown;
    }[];
    readonly outputs?: readonly { name: string; parameters: InferParameters }[];
  };
  /** True when the inputs came in `raw_input_contents`: the answer then uses `raw_output_contents`. */
  readonly raw: boolean;
}

function bad(message: string): KeelError {
  return new KeelError('KEEL_SERVE_BAD_INPUT', message);
}

/**
 * Turns a gRPC `ModelInferRequest` into the engine's OIP request: shapes to numbers, typed contents
 * or raw contents (one entry per input, in order; then no input may set `contents`) to typed data,
 * parameters to plain values. Element counts and types are then checked by the engine.
 */
export function decodeGrpcInfer(request: GrpcInferRequest): DecodedGrpcInfer {
  if (!request.model_name) throw bad('ModelInfer needs model_name.');
  const inputs = request.inputs ?? [];
  const raw = request.raw_input_contents ?? [];
  const useRaw = raw.length > 0;
  if (useRaw && raw.length !== inputs.length) {
    throw bad(
      `raw_input_contents has ${raw.length} entries for ${inputs.length} inputs; send one per input, in order.`,
    );
  }
  const decoded = inputs.map((input, i) => {
    const shape = (input.shape ?? []).map(Number);
    const hasContents =
      input.contents !== undefined &&
      Object.values(input.contents).some((v) => Array.isArray(v) && v.length > 0);
    if (useRaw && hasContents) {
      throw bad(
        `Input "${input.name}" sets contents while the request uses raw_input_contents; use one or the other.`,
      );
    }
    const data = useRaw
      ? rawToData(input.name, input.datatype, raw[i]!)
      : contentsToData(input.name, input.datatype, input.contents);
    return {
      name: input.name,
      datatype: input.datatype,
      shape,
      parameters: parametersFromGrpc(input.parameters),
      data,
    };
  });
  const outputs = request.outputs?.map((o) => ({
    name: o.name,
    parameters: parametersFromGrpc(o.parameters),
  }));
  return {
    body: {
      ...(request.id ? { id: request.id } : {}),
      parameters: parametersFromGrpc(request.parameters),
      inputs: decoded,
      ...(outputs && outputs.length > 0 ? { outputs } : {}),
    },
    raw: useRaw,
  };
}

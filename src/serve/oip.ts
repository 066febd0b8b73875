import type { OipDatatype, TensorMetadata } from './tensor.js';

/**
 * Open Inference Protocol (KServe V2) shapes, as the engine takes and returns them. Field names are
 * the protocol's own (snake_case), so the HTTP and gRPC layers pass them through unchanged.
 */

/** A parameter value: string, number or boolean. */
export type InferParameterValue = string | number | boolean;

/** Parameters at request, input or output level (`content_type`, `binary_data`...). */
export type InferParameters = Readonly<Record<string, InferParameterValue>>;

/** One input tensor of a request: `data` is a flat or nested JSON array in row-major order, or a typed array. */
export interface InferInputTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: InferParameters;
  readonly data: unknown;
}

/** An output the client asks for (all outputs when a request names none). */
export interface InferRequestedOutput {
  readonly name: string;
  readonly parameters?: InferParameters;
}

/** An inference request (`POST /v2/models/{m}[/versions/{v}]/infer`). */
export interface InferRequest {
  readonly id?: string;
  readonly parameters?: InferParameters;
  readonly inputs: readonly InferInputTensor[];
  readonly outputs?: readonly InferRequestedOutput[];
}

/** One output tensor: flat row-major data (INT64 as numbers: exact up to 2^53). */
export interface InferOutputTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: OipDatatype;
  readonly parameters?: InferParameters;
  readonly data: readonly (number | string | boolean)[];
}

/**
 * An inference response. For deployments, `parameters` says who answered: `model`, `variant`,
 * `cached` (Keel extension keys, also sent by the server as headers).
 */
export interface InferResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: InferParameters;
  readonly outputs: readonly InferOutputTensor[];
}

/** Model metadata (`GET /v2/models/{m}[/versions/{v}]`); shapes use -1 for variable dimensions. */
export interface ModelMetadataResponse {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
  readonly parameters?: InferParameters;
}

/** One entry of the repository index (`POST /v2/repository/index`). */
export interface RepositoryIndexEntry {
  readonly name: string;
  readonly version?: string;
  /** `READY`, `LOADING` or `UNAVAILABLE`. */
  readonly state: 'READY' | 'LOADING' | 'UNAVAILABLE';
  /** Why it is not ready (the last load error), or empty. */
  readonly reason: string;
}

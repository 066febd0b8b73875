import { KeelError } from '../../core/index.js';
import type { InferOutputTensor, InferParameters } from '../oip.js';
import { allocTensorData, isOipDatatype, OIP_DATATYPES, type Tensor, type TensorData } from '../tensor.js';
import { badInput, showValue } from './bad-input.js';
import { flattenInto } from './elements.js';

/** A decoded, element-checked inference request. */
export interface DecodedRequest {
  readonly id: string | undefined;
  readonly parameters: InferParameters;
  /** The request-level `content_type` (`pd`, `np`...). */
  readonly contentType: string | undefined;
  readonly inputs: readonly Tensor[];
  /** Names of the requested outputs, or null for all. */
  readonly outputs: readonly string[] | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const TYPED = [
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  BigInt64Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
  BigUint64Array,
];

function checkParameters(value: unknown, where: string): InferParameters {
  if (value === undefined) return {};
  if (!isObject(value)) throw badInput(`${where} parameters must be an object.`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw badInput(`${where} parameter "${k}" must be a string, number or boolean.`, { parameter: k });
    }
  }
  return value as InferParameters;
}

function checkShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length > 16 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw badInput(`Input "${name}" needs a shape: an array of at most 16 whole numbers >= 0.`, {
      input: name,
    });
  }
  return shape as number[];
}

function typedData(
  name: string,
  datatype: Tensor['datatype'],
  data: ArrayBufferView,
  count: number,
): TensorData {
  const expected = allocTensorData(datatype, 0);
  if (Array.isArray(expected) || data.constructor !== expected.constructor) {
    throw badInput(`Input "${name}" data is a ${data.constructor.name}, which does not match ${datatype}.`, {
      input: name,
    });
  }
  const typed = data as Float64Array;
  if (typed.length !== count) {
    throw badInput(`Input "${name}" has ${typed.length} elements but its shape needs ${count}.`, {
      input: name,
    });
  }
  if (datatype === 'FP32' || datatype === 'FP64') {
    for (let i = 0; i < typed.length; i++) {
      const v = typed[i]!;
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        throw badInput(`Input "${name}" element ${i} is ${v}; send finite numbers (NaN = missing).`, {
          input: name,
          element: i,
        });
      }
    }
  }
  return typed;
}

function decodeInput(raw: unknown, index: number, maxElements: number): Tensor {
  if (!isObject(raw))
    throw badInput(`inputs[${index}] must be an object with name, shape, datatype and data.`);
  const name = raw.name;
  if (typeof name !== 'string' || name === '') throw badInput(`inputs[${index}] needs a non-empty "name".`);
  const datatype = raw.datatype;
  if (!isOipDatatype(datatype)) {
    throw badInput(
      `Input "${name}" has datatype ${showValue(datatype)}; use one of ${OIP_DATATYPES.join(', ')}.`,
      {
        input: name,
      },
    );
  }
  const shape = checkShape(name, raw.shape);
  checkParameters(raw.parameters, `Input "${name}"`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > maxElements) {
    throw new KeelError(
      'KEEL_SERVE_PAYLOAD_TOO_LARGE',
      `Input "${name}" has ${count} elements; at most ${maxElements} are accepted in one request.`,
      { details: { input: name, elements: count, limit: maxElements } },
    );
  }
  if (ArrayBuffer.isView(raw.data) && TYPED.some((T) => raw.data instanceof T)) {
    return { name, datatype, shape, data: typedData(name, datatype, raw.data, count) };
  }
  if (datatype === 'FP16' || datatype === 'BF16') {
    throw badInput(`Input "${name}" is ${datatype}, which cannot travel as JSON: send it as binary data.`, {
      input: name,
    });
  }
  if (!Array.isArray(raw.data))
    throw badInput(`Input "${name}" needs "data": an array of ${count} elements.`, { input: name });
  const data = allocTensorData(datatype, count);
  const got = flattenInto(raw.data, datatype, data, 0, count);
  if (typeof got !== 'number') {
    throw badInput(
      `Input "${name}" element ${got.index} must be ${got.expected}, got ${showValue(got.value)}.`,
      {
        input: name,
        element: got.index,
        ...(shape.length > 1 && count > 0 ? { row: Math.floor(got.index / (count / shape[0]!)) } : {}),
      },
    );
  }
  if (got !== count) {
    throw badInput(
      `Input "${name}" has ${got > count ? 'more than ' + count : got} elements but shape [${shape.join(', ')}] needs ${count}.`,
      { input: name, shape },
    );
  }
  return { name, datatype, shape, data };
}

/**
 * Decodes and checks an OIP inference request body: object layout, datatypes, shapes, element
 * counts (shape × data), element types (FP: finite numbers, null = missing), duplicate inputs and
 * requested outputs. Fails with `KEEL_SERVE_BAD_INPUT` naming the input and element, or
 * `KEEL_SERVE_PAYLOAD_TOO_LARGE` past `maxElements` per input.
 */
export function decodeInferRequest(body: unknown, maxElements: number): DecodedRequest {
  if (!isObject(body)) throw badInput('The request body must be an object with "inputs".');
  if (body.id !== undefined && typeof body.id !== 'string') throw badInput('"id" must be a string.');
  const parameters = checkParameters(body.parameters, 'Request');
  if (!Array.isArray(body.inputs) || body.inputs.length === 0)
    throw badInput('"inputs" must be a non-empty array.');
  if (body.inputs.length > 4096) throw badInput('A request takes at most 4096 inputs.');
  const inputs = body.inputs.map((raw, i) => decodeInput(raw, i, maxElements));
  const names = new Set<string>();
  for (const t of inputs) {
    if (names.has(t.name)) throw badInput(`Input "${t.name}" appears twice.`, { input: t.name });
    names.add(t.name);
  }
  let outputs: string[] | null = null;
  if (body.outputs !== undefined) {
    if (!Array.isArray(body.outputs)) throw badInput('"outputs" must be an array of { name }.');
    outputs = body.outputs.map((o, i) => {
      if (!isObject(o) || typeof o.name !== 'string') throw badInput(`outputs[${i}] needs a "name".`);
      checkParameters(o.parameters, `Output "${o.name}"`);
      return o.name;
    });
  }
  const ct = parameters.content_type;
  return {
    id: body.id as string | undefined,
    parameters,
    contentType: typeof ct === 'string' ? ct : undefined,
    inputs,
    outputs,
  };
}

/** Output tensors as OIP JSON: flat data arrays (bigint → number, BOOL → boolean), filtered to `requested`. */
export function encodeOutputs(
  tensors: readonly Tensor[],
  requested: readonly string[] | null,
): InferOutputTensor[] {
  if (requested) {
    for (const name of requested) {
      if (!tensors.some((t) => t.name === name)) {
        throw badInput(
          `Output "${name}" does not exist. Outputs: ${tensors.map((t) => t.name).join(', ')}.`,
          {
            output: name,
          },
        );
      }
    }
  }
  const chosen = requested ? tensors.filter((t) => requested.includes(t.name)) : tensors;
  return chosen.map((t) => {
    let data: (number | string | boolean)[];
    if (Array.isArray(t.data)) data = t.data;
    else if (t.datatype === 'BOOL') data = Array.from(t.data as Uint8Array, (v) => v === 1);
    else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array)
      data = Array.from(t.data, Number);
    else data = Array.from(t.data as Float64Array);
    return { name: t.name, shape: [...t.shape], datatype: t.datatype, data };
  });
}

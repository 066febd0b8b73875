import type { InputRecord, RecordCheckOptions } from '../predictor.js';
import {
  allocTensorData,
  elementCount,
  type Tensor,
  type TensorBatch,
  type TensorMetadata,
} from '../tensor.js';
import { badInput, showValue } from './bad-input.js';
import { flattenInto } from './elements.js';

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function checkExtra(
  record: InputRecord,
  row: number,
  names: ReadonlySet<string>,
  allowed?: ReadonlySet<string>,
): void {
  for (const key in record) {
    if (!names.has(key) && !allowed?.has(key)) {
      throw badInput(
        `Record ${row}: field "${key}" is not an input of this model. Expected: ${[...names].join(', ')}.`,
        { row, field: key },
      );
    }
  }
}

/**
 * Encodes records for a tensor model: each record holds one value per model input, the input's
 * row (a scalar when the row has one element, else a flat or nested array of the row shape).
 */
export function encodeTensorRecords(
  inputs: readonly TensorMetadata[],
  records: readonly InputRecord[],
  options: RecordCheckOptions,
): TensorBatch {
  const n = records.length;
  const names = new Set(inputs.map((m) => m.name));
  const tensors = inputs.map((m): Tensor => {
    const rowShape = m.shape.slice(1);
    if (rowShape.some((d) => d < 0)) {
      throw badInput(
        `Input "${m.name}" has a variable inner dimension ${shapeText(m.shape)}; send it with the infer API and an explicit shape.`,
        { input: m.name },
      );
    }
    if (m.shape[0] !== undefined && m.shape[0] >= 0 && m.shape[0] !== n) {
      throw badInput(`Input "${m.name}" takes exactly ${m.shape[0]} rows, got ${n} records.`, {
        input: m.name,
      });
    }
    const w = elementCount(rowShape);
    const data = allocTensorData(m.datatype, n * w);
    for (let i = 0; i < n; i++) {
      const record = records[i];
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw badInput(`Record ${i} must be an object with one field per input.`, { row: i });
      }
      const value = record[m.name];
      if (value === undefined)
        throw badInput(`Record ${i}: missing field "${m.name}".`, { row: i, field: m.name });
      const got = flattenInto(value, m.datatype, data, i * w, w);
      if (typeof got !== 'number') {
        throw badInput(
          `Record ${i}: field "${m.name}" element ${got.index} must be ${got.expected}, got ${showValue(got.value)}.`,
          { row: i, field: m.name, element: got.index },
        );
      }
      if (got !== w) {
        throw badInput(
          `Record ${i}: field "${m.name}" must hold ${w} element(s) (row shape ${shapeText(rowShape)}), got ${got > w ? 'more' : got}.`,
          { row: i, field: m.name },
        );
      }
    }
    return { name: m.name, datatype: m.datatype, shape: [n, ...rowShape], data };
  });
  if (options.extraFields === 'reject') {
    for (let i = 0; i < n; i++) checkExtra(records[i]!, i, names, options.allowedFields);
  }
  return { rows: n, tensors };
}

/**
 * Checks decoded OIP tensors against a tensor model's inputs (names, datatypes, ranks, fixed
 * dimensions, one shared row count when `batchable`) and returns them in the model's input order.
 */
export function checkModelTensors(
  inputs: readonly TensorMetadata[],
  tensors: readonly Tensor[],
  batchable: boolean,
): TensorBatch {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  for (const t of tensors) {
    if (!inputs.some((m) => m.name === t.name)) {
      throw badInput(
        `Input "${t.name}" is not an input of this model. Expected: ${inputs.map((m) => m.name).join(', ')}.`,
        { input: t.name },
      );
    }
  }
  let rows = -1;
  const ordered = inputs.map((m) => {
    const t = byName.get(m.name);
    if (!t) throw badInput(`Input "${m.name}" is missing.`, { input: m.name });
    if (t.datatype !== m.datatype) {
      throw badInput(`Input "${m.name}" must be ${m.datatype}, got ${t.datatype}.`, {
        input: m.name,
        expected: m.datatype,
        datatype: t.datatype,
      });
    }
    const bad = t.shape.length !== m.shape.length || m.shape.some((d, k) => d >= 0 && t.shape[k] !== d);
    if (bad) {
      throw badInput(
        `Input "${m.name}" has shape ${shapeText(t.shape)} but the model takes ${shapeText(m.shape)} (-1 = any size).`,
        { input: m.name, shape: t.shape, expected: m.shape },
      );
    }
    const r = t.shape.length > 0 ? t.shape[0]! : 1;
    if (batchable && rows >= 0 && r !== rows) {
      throw badInput(`Input "${m.name}" has ${r} rows but the other inputs have ${rows}.`, { input: m.name });
    }
    rows = Math.max(rows, r);
    return t;
  });
  return { rows: Math.max(rows, 0), tensors: ordered };
}

import { KeelError } from '../../core/index.js';
import { allocTensorData, rowWidth, type Tensor, type TensorBatch, type TensorData } from '../tensor.js';

/** Copies `src[from .. from+count)` into `dst` at `at`, for typed arrays and string arrays alike. */
function copyInto(dst: TensorData, at: number, src: TensorData, from: number, count: number): void {
  if (Array.isArray(dst)) {
    const s = src as string[];
    for (let i = 0; i < count; i++) dst[at + i] = s[from + i]!;
  } else {
    (dst as Float64Array).set((src as Float64Array).subarray(from, from + count), at);
  }
}

/** Rows `[start, start + rows)` of a tensor; typed arrays are views (no copy). */
export function sliceTensor(tensor: Tensor, start: number, rows: number): Tensor {
  const w = rowWidth(tensor.shape);
  const data = Array.isArray(tensor.data)
    ? tensor.data.slice(start * w, (start + rows) * w)
    : (tensor.data as Float64Array).subarray(start * w, (start + rows) * w);
  return { name: tensor.name, datatype: tensor.datatype, shape: [rows, ...tensor.shape.slice(1)], data };
}

/** Rows `[start, start + rows)` of every tensor of a batch. */
export function sliceBatch(batch: TensorBatch, start: number, rows: number): TensorBatch {
  if (start === 0 && rows === batch.rows) return batch;
  return { rows, tensors: batch.tensors.map((t) => sliceTensor(t, start, rows)) };
}

/**
 * Concatenates batches along the rows. Every batch must have the same tensors (names, datatypes,
 * row shapes) in the same order; a mismatch is an internal error (callers group compatible batches).
 */
export function concatBatches(batches: readonly TensorBatch[]): TensorBatch {
  if (batches.length === 1) return batches[0]!;
  const first = batches[0]!;
  let rows = 0;
  for (const b of batches) rows += b.rows;
  const tensors = first.tensors.map((t, k) => {
    const w = rowWidth(t.shape);
    const data = allocTensorData(t.datatype, rows * w);
    let at = 0;
    for (const b of batches) {
      const part = b.tensors[k];
      if (!part || part.name !== t.name || part.datatype !== t.datatype || rowWidth(part.shape) !== w) {
        throw new KeelError('KEEL_INTERNAL', `Cannot batch tensor "${t.name}": batches differ in layout.`);
      }
      copyInto(data, at * w, part.data, 0, b.rows * w);
      at += b.rows;
    }
    return { name: t.name, datatype: t.datatype, shape: [rows, ...t.shape.slice(1)], data };
  });
  return { rows, tensors };
}

/** A new batch holding the given rows of `batch`, in the order of `rows`. */
export function gatherRows(batch: TensorBatch, rows: readonly number[]): TensorBatch {
  if (rows.length === batch.rows && rows.every((r, i) => r === i)) return batch;
  const tensors = batch.tensors.map((t) => {
    const w = rowWidth(t.shape);
    const data = allocTensorData(t.datatype, rows.length * w);
    for (let i = 0; i < rows.length; i++) copyInto(data, i * w, t.data, rows[i]! * w, w);
    return { name: t.name, datatype: t.datatype, shape: [rows.length, ...t.shape.slice(1)], data };
  });
  return { rows: rows.length, tensors };
}

/** True when two batches can be concatenated: same tensor names, datatypes and row shapes. */
export function sameLayout(a: TensorBatch, b: TensorBatch): boolean {
  if (a.tensors.length !== b.tensors.length) return false;
  for (let k = 0; k < a.tensors.length; k++) {
    const x = a.tensors[k]!;
    const y = b.tensors[k]!;
    if (x.name !== y.name || x.datatype !== y.datatype || x.shape.length !== y.shape.length) return false;
    for (let d = 1; d < x.shape.length; d++) if (x.shape[d] !== y.shape[d]) return false;
  }
  return true;
}

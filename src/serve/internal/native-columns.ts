import type { FeatureSpec } from '../../learn/index.js';
import { isFloatDatatype, type Tensor } from '../tensor.js';
import { badInput } from './bad-input.js';

const numericDatatype = (d: string): boolean => d !== 'BYTES' && d !== 'FP16' && d !== 'BF16';

function rowsOf(t: Tensor): number {
  const s = t.shape;
  if (s.length === 1 || (s.length === 2 && s[1] === 1)) return s[0]!;
  throw badInput(`Input "${t.name}" has shape [${s.join(', ')}]; a column takes shape [rows] or [rows, 1].`, {
    input: t.name,
    shape: s,
  });
}

function numberAt(t: Tensor, i: number): number {
  const v = t.data[i]!;
  const x = typeof v === 'bigint' ? Number(v) : (v as number);
  if (!Number.isFinite(x) && !(Number.isNaN(x) && isFloatDatatype(t.datatype))) {
    throw badInput(`Input "${t.name}" row ${i}: ${x} is not a finite number.`, { input: t.name, row: i });
  }
  return x;
}

/** Level → code maps, built once per feature spec (specs live as long as their model). */
const LEVEL_INDEX = new WeakMap<FeatureSpec, ReadonlyMap<string, number>>();

function levelIndex(spec: FeatureSpec): ReadonlyMap<string, number> {
  let index = LEVEL_INDEX.get(spec);
  if (!index) {
    index = new Map((spec.levels ?? []).map((l, k) => [l, k]));
    LEVEL_INDEX.set(spec, index);
  }
  return index;
}

function encodeColumn(
  spec: FeatureSpec,
  t: Tensor,
  out: Float64Array,
  j: number,
  p: number,
  n: number,
): void {
  if (spec.kind === 'categorical') {
    const index = levelIndex(spec);
    for (let i = 0; i < n; i++) {
      const v = t.data[i]!;
      const text = typeof v === 'string' ? v : Number.isNaN(Number(v)) ? null : String(v);
      out[i * p + j] = text === null ? Number.NaN : (index.get(text) ?? Number.NaN);
    }
    return;
  }
  if (!numericDatatype(t.datatype)) {
    throw badInput(
      `Input "${t.name}" is ${t.datatype} but feature "${spec.name}" is numeric; send FP64, FP32, INT or BOOL.`,
      { input: t.name, datatype: t.datatype },
    );
  }
  for (let i = 0; i < n; i++) out[i * p + j] = numberAt(t, i);
}

function encodeMatrix(features: readonly FeatureSpec[], t: Tensor): Float64Array {
  const p = features.length;
  const cat = features.find((f) => f.kind === 'categorical');
  if (cat) {
    throw badInput(
      `Input "${t.name}" is not a feature. This model has a categorical feature "${cat.name}": send one input per column (content_type "pd").`,
      { input: t.name },
    );
  }
  if (t.shape.length !== 2 || t.shape[1] !== p || !numericDatatype(t.datatype)) {
    throw badInput(
      `Input "${t.name}" must be a numeric matrix of shape [rows, ${p}] (features in order: ${features
        .slice(0, 10)
        .map((f) => f.name)
        .join(', ')}${p > 10 ? ', …' : ''}), got ${t.datatype} [${t.shape.join(', ')}].`,
      { input: t.name, shape: t.shape },
    );
  }
  const out = new Float64Array(t.shape[0]! * p);
  for (let i = 0; i < out.length; i++) out[i] = numberAt(t, i);
  return out;
}

/**
 * Encodes OIP input tensors for a native model: one input per feature (`pd` columns, shape [rows] or
 * [rows, 1]) or, when the single input is not a feature name and every feature is numeric, one
 * matrix [rows, features] in feature order (`np`). Returns the row-major encoded matrix.
 */
export function encodeColumnsInto(
  features: readonly FeatureSpec[],
  inputs: readonly Tensor[],
  contentType: string | undefined,
): Float64Array {
  const byName = new Map(inputs.map((t) => [t.name, t]));
  const only = inputs.length === 1 ? inputs[0]! : undefined;
  if (only && contentType !== 'pd' && !features.some((f) => f.name === only.name)) {
    return encodeMatrix(features, only);
  }
  for (const t of inputs) {
    if (!features.some((f) => f.name === t.name)) {
      throw badInput(`Input "${t.name}" is not a feature of this model.`, { input: t.name });
    }
  }
  const p = features.length;
  let n = -1;
  for (const f of features) {
    const t = byName.get(f.name);
    if (!t) {
      throw badInput(
        `Input "${f.name}" is missing: this model takes one input per feature (${features
          .slice(0, 10)
          .map((x) => x.name)
          .join(', ')}${p > 10 ? ', …' : ''}).`,
        { input: f.name },
      );
    }
    const rows = rowsOf(t);
    if (n >= 0 && rows !== n) {
      throw badInput(`Input "${t.name}" has ${rows} rows but the other inputs have ${n}.`, { input: t.name });
    }
    n = rows;
  }
  const out = new Float64Array(Math.max(0, n) * p);
  features.forEach((f, j) => {
    encodeColumn(f, byName.get(f.name)!, out, j, p, n);
  });
  return out;
}

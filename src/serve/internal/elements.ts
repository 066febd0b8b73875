import type { OipDatatype, TensorData } from '../tensor.js';

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
};

const INT_TEXT = /^-?\d{1,20}$/;

function toBigInt(value: unknown, unsigned: boolean): bigint | null {
  let b: bigint;
  if (typeof value === 'number' && Number.isSafeInteger(value)) b = BigInt(value);
  else if (typeof value === 'string' && INT_TEXT.test(value)) b = BigInt(value);
  else if (typeof value === 'bigint') b = value;
  else return null;
  const ok = unsigned ? b >= 0n && b < 1n << 64n : b >= -(1n << 63n) && b < 1n << 63n;
  return ok ? b : null;
}

/**
 * Writes one JSON element into `data[i]` for `datatype`; returns what was expected when the value
 * does not fit, else null. FP: finite numbers, `null` = missing (NaN). INT/UINT: whole numbers in
 * range (INT64/UINT64 also decimal strings, for values beyond 2^53). BOOL: true/false. BYTES: strings.
 */
export function writeElement(
  datatype: OipDatatype,
  data: TensorData,
  i: number,
  value: unknown,
): string | null {
  switch (datatype) {
    case 'FP32':
    case 'FP64':
      if (typeof value === 'number' && Number.isFinite(value)) (data as Float64Array)[i] = value;
      else if (value === null) (data as Float64Array)[i] = Number.NaN;
      else return 'a finite number or null (missing)';
      return null;
    case 'BOOL':
      if (typeof value !== 'boolean') return 'true or false';
      (data as Uint8Array)[i] = value ? 1 : 0;
      return null;
    case 'BYTES':
      if (typeof value !== 'string') return 'a string';
      (data as string[])[i] = value;
      return null;
    case 'INT64':
    case 'UINT64': {
      const b = toBigInt(value, datatype === 'UINT64');
      if (b === null) return `a whole number in the ${datatype} range`;
      (data as BigInt64Array)[i] = b;
      return null;
    }
    default: {
      const range = INT_RANGES[datatype];
      if (!range) return `nothing: ${datatype} cannot travel as JSON (use binary data)`;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
        return `a whole number in [${range[0]}, ${range[1]}]`;
      }
      (data as Int32Array)[i] = value;
      return null;
    }
  }
}

/**
 * Flattens a (possibly nested) JSON array into `data` from `offset`, writing at most `limit`
 * elements. Returns the number of leaves found (it stops counting past `limit + 1`), or a problem
 * `{ index, expected, value }` for the first element that does not fit.
 */
export function flattenInto(
  value: unknown,
  datatype: OipDatatype,
  data: TensorData,
  offset: number,
  limit: number,
): number | { readonly index: number; readonly expected: string; readonly value: unknown } {
  if (!Array.isArray(value)) {
    const problem = writeElement(datatype, data, offset, value);
    return problem ? { index: 0, expected: problem, value } : 1;
  }
  let n = 0;
  const stack: unknown[][] = [value];
  const at: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const arr = stack[top]!;
    const i = at[top]!;
    if (i >= arr.length) {
      stack.pop();
      at.pop();
      continue;
    }
    at[top] = i + 1;
    const v = arr[i];
    if (Array.isArray(v)) {
      if (stack.length >= 32) return { index: n, expected: 'at most 32 levels of nesting', value: v };
      stack.push(v);
      at.push(0);
      continue;
    }
    if (n >= limit) return limit + 1;
    const problem = writeElement(datatype, data, offset + n, v);
    if (problem) return { index: n, expected: problem, value: v };
    n++;
  }
  return n;
}

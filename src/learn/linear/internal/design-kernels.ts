// Small monomorphic kernels of DesignMatrix: V8 optimises these tight loops well.

/** eta[base + i] = bias + dense row i . w (dense is n x q row-major). */
export function denseMargins(
  dense: Float64Array,
  w: Float64Array,
  q: number,
  n: number,
  bias: number,
  eta: Float64Array,
  base: number,
): void {
  for (let i = 0; i < n; i++) {
    let s = bias;
    const row = i * q;
    for (let c = 0; c < q; c++) s += dense[row + c]! * w[c]!;
    eta[base + i] = s;
  }
}

/** eta[base + i] += table[codes[i]] for rows with a level (code >= 0). */
export function addTable(
  codes: Int32Array,
  table: Float64Array,
  n: number,
  eta: Float64Array,
  base: number,
): void {
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0) eta[base + i]! += table[c]!;
  }
}

/** acc = dense^T r (r = resid[base..base + n]); returns sum r. */
export function denseGradient(
  dense: Float64Array,
  resid: Float64Array,
  base: number,
  q: number,
  n: number,
  acc: Float64Array,
): number {
  acc.fill(0);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const r = resid[base + i]!;
    total += r;
    const row = i * q;
    for (let c = 0; c < q; c++) acc[c]! += r * dense[row + c]!;
  }
  return total;
}

/** out[level] += r_i over the rows of each level. */
export function levelSums(
  codes: Int32Array,
  resid: Float64Array,
  base: number,
  n: number,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c >= 0) out[c]! += resid[base + i]!;
  }
}

import type { FeaturePreprocessing } from '../preprocessing.js';
import { addTable, denseGradient, denseMargins, levelSums } from './design-kernels.js';

/** A categorical block: one-hot columns [offset, offset + size) computed on the fly from level codes. */
interface CategoricalBlock {
  /** Level code per row, -1 for missing or unseen. */
  readonly codes: Int32Array;
  readonly offset: number;
  /** 1 / scale per level (0 for constant levels, which stay out of the fit). */
  readonly invScale: Float64Array;
  /** mean / scale per level (0 for constant levels). */
  readonly shift: Float64Array;
}

/**
 * The standardised design matrix of a linear model, stored compactly: numeric and indicator columns
 * as one dense row-major block, categorical features as level codes (their one-hot columns are never
 * materialised). Column order and meaning follow `designColumnNames`; constant columns are all zero.
 * Products with the matrix take one pass over the rows.
 */
export class DesignMatrix {
  readonly n: number;
  readonly d: number;
  /** Dense block, n x q row-major. */
  private readonly dense: Float64Array;
  /** Design column of each dense column. */
  private readonly denseColumns: Int32Array;
  private readonly blocks: CategoricalBlock[] = [];

  /** Builds the design of `n` encoded rows (`encodeFrame` layout, p = pre.length columns). */
  constructor(x: Float64Array, n: number, pre: readonly FeaturePreprocessing[]) {
    this.n = n;
    const p = pre.length;
    const denseColumns: number[] = [];
    const fill: ((i: number) => number)[] = [];
    let column = 0;
    pre.forEach((f, j) => {
      if (f.kind === 'numeric') {
        if (!f.constant) {
          denseColumns.push(column);
          fill.push((i) => {
            const v = x[i * p + j]!;
            return ((Number.isNaN(v) ? f.median : v) - f.mean) / f.scale;
          });
        }
        column++;
        const ind = f.indicator;
        if (ind) {
          if (!ind.constant) {
            denseColumns.push(column);
            fill.push((i) => ((Number.isNaN(x[i * p + j]!) ? 1 : 0) - ind.mean) / ind.scale);
          }
          column++;
        }
        return;
      }
      const L = f.levels.length;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const c = x[i * p + j]!;
        codes[i] = c >= 0 && c < L ? c : -1;
      }
      const invScale = Float64Array.from(f.levels, (l) => (l.constant ? 0 : 1 / l.scale));
      const shift = Float64Array.from(f.levels, (l) => (l.constant ? 0 : l.mean / l.scale));
      this.blocks.push({ codes, offset: column, invScale, shift });
      column += L;
    });
    this.d = column;
    const q = denseColumns.length;
    this.denseColumns = Int32Array.from(denseColumns);
    this.dense = new Float64Array(n * q);
    for (let c = 0; c < q; c++) {
      const f = fill[c]!;
      for (let i = 0; i < n; i++) this.dense[i * q + c] = f(i);
    }
  }

  /**
   * Linear predictors of every row for K outputs: eta[k * n + i] = intercept[k] + z_i . coef[k * d ..].
   * `coef` is K x d (output-major).
   */
  margins(coef: Float64Array, intercept: Float64Array, K: number, eta: Float64Array): void {
    const { n, d, dense, denseColumns, blocks } = this;
    const q = denseColumns.length;
    const w = new Float64Array(q);
    for (let k = 0; k < K; k++) {
      let b = intercept[k]!;
      const tables: Float64Array[] = [];
      for (const blk of blocks) {
        const L = blk.shift.length;
        const table = new Float64Array(L);
        for (let l = 0; l < L; l++) {
          const beta = coef[k * d + blk.offset + l]!;
          b -= beta * blk.shift[l]!;
          table[l] = beta * blk.invScale[l]!;
        }
        tables.push(table);
      }
      for (let c = 0; c < q; c++) w[c] = coef[k * d + denseColumns[c]!]!;
      denseMargins(dense, w, q, n, b, eta, k * n);
      for (let t = 0; t < blocks.length; t++) addTable(blocks[t]!.codes, tables[t]!, n, eta, k * n);
    }
  }

  /** Z^T r for K outputs (`resid` K x n output-major) into `grad` (K x d), and the row sums of r into `sums`. */
  gradient(resid: Float64Array, K: number, grad: Float64Array, sums: Float64Array): void {
    const { n, d, dense, denseColumns, blocks } = this;
    const q = denseColumns.length;
    grad.fill(0, 0, K * d);
    const acc = new Float64Array(q);
    for (let k = 0; k < K; k++) {
      const total = denseGradient(dense, resid, k * n, q, n, acc);
      sums[k] = total;
      for (let c = 0; c < q; c++) grad[k * d + denseColumns[c]!] = acc[c]!;
      for (const blk of blocks) {
        const L = blk.shift.length;
        const perLevel = new Float64Array(L);
        levelSums(blk.codes, resid, k * n, n, perLevel);
        for (let l = 0; l < L; l++) {
          grad[k * d + blk.offset + l] = perLevel[l]! * blk.invScale[l]! - blk.shift[l]! * total;
        }
      }
    }
  }

  /**
   * The diagonal of Z^T diag(h_k) Z for K outputs (`h` K x n output-major, non-negative) into
   * `out` (K x d), and sum_i h_k,i into `sums` (the intercepts' entries).
   */
  weightedSquares(h: Float64Array, K: number, out: Float64Array, sums: Float64Array): void {
    const { n, d, dense, denseColumns, blocks } = this;
    const q = denseColumns.length;
    out.fill(0, 0, K * d);
    const acc = new Float64Array(q);
    for (let k = 0; k < K; k++) {
      const base = k * n;
      acc.fill(0);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const hi = h[base + i]!;
        total += hi;
        const row = i * q;
        for (let c = 0; c < q; c++) {
          const z = dense[row + c]!;
          acc[c]! += hi * z * z;
        }
      }
      sums[k] = total;
      for (let c = 0; c < q; c++) out[k * d + denseColumns[c]!] = acc[c]!;
      for (const blk of blocks) {
        const L = blk.shift.length;
        const perLevel = new Float64Array(L);
        levelSums(blk.codes, h, base, n, perLevel);
        for (let l = 0; l < L; l++) {
          const inv = blk.invScale[l]!;
          const shift = blk.shift[l]!;
          out[k * d + blk.offset + l] = perLevel[l]! * inv * (inv - 2 * shift) + shift * shift * total;
        }
      }
    }
  }

  /**
   * One pass for a single-output model (binary logistic or squared error): computes the margins, the
   * weighted mean loss (`w` sums to 1) and the gradient Z^T r into `grad` (d) and `sums[0]` = sum r.
   * Equals `margins` + loss + `gradient`, without the n-sized intermediate arrays.
   */
  fusedSingleOutput(
    coef: Float64Array,
    intercept: number,
    logistic: boolean,
    y: Float64Array,
    w: Float64Array,
    grad: Float64Array,
    sums: Float64Array,
    hdiag: Float64Array,
  ): number {
    const { n, d, dense, denseColumns, blocks } = this;
    const q = denseColumns.length;
    const beta = new Float64Array(q);
    for (let c = 0; c < q; c++) beta[c] = coef[denseColumns[c]!]!;
    let b = intercept;
    const tables = blocks.map((blk) => {
      const L = blk.shift.length;
      const table = new Float64Array(L);
      for (let l = 0; l < L; l++) {
        const v = coef[blk.offset + l]!;
        b -= v * blk.shift[l]!;
        table[l] = v * blk.invScale[l]!;
      }
      return table;
    });
    const codes = blocks.map((blk) => blk.codes);
    const levelAcc = blocks.map((blk) => new Float64Array(blk.shift.length));
    const levelH = blocks.map((blk) => new Float64Array(blk.shift.length));
    const acc = new Float64Array(q);
    const hacc = new Float64Array(q);
    const nb = blocks.length;
    let loss = 0;
    let total = 0;
    let htotal = 0;
    for (let i = 0; i < n; i++) {
      const row = i * q;
      let e = b;
      for (let c = 0; c < q; c++) e += dense[row + c]! * beta[c]!;
      for (let t = 0; t < nb; t++) {
        const code = codes[t]![i]!;
        if (code >= 0) e += tables[t]![code]!;
      }
      const yi = y[i]!;
      const wi = w[i]!;
      let r: number;
      let h: number;
      if (logistic) {
        const ex = Math.exp(-Math.abs(e));
        loss += wi * (Math.max(e, 0) + Math.log1p(ex) - yi * e);
        const pr = e >= 0 ? 1 / (1 + ex) : ex / (1 + ex);
        r = wi * (pr - yi);
        h = wi * pr * (1 - pr);
      } else {
        const diff = e - yi;
        loss += wi * 0.5 * diff * diff;
        r = wi * diff;
        h = wi;
      }
      total += r;
      htotal += h;
      for (let c = 0; c < q; c++) {
        const z = dense[row + c]!;
        acc[c]! += r * z;
        hacc[c]! += h * z * z;
      }
      for (let t = 0; t < nb; t++) {
        const code = codes[t]![i]!;
        if (code >= 0) {
          levelAcc[t]![code]! += r;
          levelH[t]![code]! += h;
        }
      }
    }
    grad.fill(0, 0, d);
    hdiag.fill(0, 0, d);
    sums[0] = total;
    hdiag[d] = htotal;
    for (let c = 0; c < q; c++) {
      grad[denseColumns[c]!] = acc[c]!;
      hdiag[denseColumns[c]!] = hacc[c]!;
    }
    blocks.forEach((blk, t) => {
      const L = blk.shift.length;
      for (let l = 0; l < L; l++) {
        const inv = blk.invScale[l]!;
        const shift = blk.shift[l]!;
        grad[blk.offset + l] = levelAcc[t]![l]! * inv - shift * total;
        hdiag[blk.offset + l] = levelH[t]![l]! * inv * (inv - 2 * shift) + shift * shift * htotal;
      }
    });
    return loss;
  }

  /** Columns that take part in the fit (constant columns stay at coefficient 0). */
  activeColumns(): Uint8Array {
    const active = new Uint8Array(this.d);
    for (const column of this.denseColumns) active[column] = 1;
    for (const blk of this.blocks) {
      for (let l = 0; l < blk.invScale.length; l++) active[blk.offset + l] = blk.invScale[l] !== 0 ? 1 : 0;
    }
    return active;
  }
}

import { type EnsembleArrays, FLAG_CATEGORICAL, FLAG_MISSING_LEFT } from './ensemble.js';

/** The leaf one row reaches in the tree rooted at `root` (reference traversal over the flat arrays). */
export function leafOf(a: EnsembleArrays, root: number, x: Float64Array, base: number): number {
  const { feature, threshold, left, flags, catBits } = a;
  let node = root;
  for (;;) {
    const f = feature[node]!;
    if (f < 0) return node;
    const v = x[base + f]!;
    const fl = flags[node]!;
    let goLeft: boolean;
    if (Number.isNaN(v)) goLeft = (fl & FLAG_MISSING_LEFT) !== 0;
    else if ((fl & FLAG_CATEGORICAL) !== 0) {
      goLeft = ((catBits[threshold[node]! + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
    } else goLeft = v <= threshold[node]!;
    node = left[node]! + (goLeft ? 0 : 1);
  }
}

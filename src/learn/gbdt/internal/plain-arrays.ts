/**
 * Plain JS arrays for the prediction kernel's hot data. Every typed-array access pays a "was the
 * buffer detached?" check once any ArrayBuffer in the isolate has been detached (tsx, worker
 * transfers and many libraries do it), which made the tree walk about 27% slower; packed
 * arrays of small integers (Smi) or doubles have no such check. The helpers build the arrays with
 * `push` so they stay packed and of a single elements kind (a kernel that sees one kind stays
 * monomorphic across models).
 */

/** A packed small-integer array of `n` copies of `fill`; values must stay within ±2^30. */
export function smiArray(n: number, fill = 0): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(fill | 0);
  return a;
}

/** A packed double array holding `values` (even when they are all integers). */
export function doubleArray(values: ArrayLike<number>): number[] {
  const a = [0.5];
  a.length = 0;
  for (let i = 0; i < values.length; i++) a.push(values[i]!);
  return a;
}

/** A packed double array of `n` zeros. */
export function zeroDoubles(n: number): number[] {
  const a = [0.5];
  a.length = 0;
  for (let i = 0; i < n; i++) a.push(0);
  return a;
}

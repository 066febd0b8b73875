/**
 * A plain JS array for the prediction kernel's thresholds. Every typed-array access pays a "was
 * the buffer detached?" check once any ArrayBuffer in the isolate has been detached (tsx, worker
 * transfers and many libraries do it); a packed array of doubles has no such check. Built with
 * `push` so it stays packed and of one elements kind (the kernel stays monomorphic across models).
 */
export function doubleArray(values: ArrayLike<number>): number[] {
  const a = [0.5];
  a.length = 0;
  for (let i = 0; i < values.length; i++) a.push(values[i]!);
  return a;
}

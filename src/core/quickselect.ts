/**
 * Rearranges `a[from, to)` so that `a[k]` holds the value it would have if that range were sorted,
 * smaller values before it and larger after (Hoare's quickselect, linear on average). The pivot is
 * the median of three, which keeps already-sorted data linear. NaN must not be present.
 */
export function quickselect(a: Float64Array, k: number, from: number, to: number): void {
  let left = from;
  let right = to - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    const x = a[left]!;
    const y = a[mid]!;
    const z = a[right]!;
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

// The benchmark functions of ../shared/oracles/tuning/optuna_reference.json, as its generator defines them.

/** Branin on [-5, 10] × [0, 15]; global minimum 0.397887. */
export function branin(x: readonly number[]): number {
  const [x0, x1] = [x[0]!, x[1]!];
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x1 - b * x0 ** 2 + c * x0 - 6) ** 2 + 10 * (1 - t) * Math.cos(x0) + 10;
}

const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));
const ALPHA = [1.0, 1.2, 3.0, 3.2];

/** Hartmann-6 on [0, 1]^6; global minimum −3.32237. */
export function hartmann6(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 6; j++) e += A[i]![j]! * (x[j]! - P[i]![j]!) ** 2;
    s += ALPHA[i]! * Math.exp(-e);
  }
  return -s;
}

/** Rosenbrock in d dimensions (the oracle uses d = 4 on [-2.048, 2.048]^4); global minimum 0. */
export function rosenbrock(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return s;
}

/** The functions by the oracle's names. */
export const OBJECTIVES: Readonly<Record<string, (x: readonly number[]) => number>> = {
  branin,
  hartmann6,
  rosenbrock4: rosenbrock,
};

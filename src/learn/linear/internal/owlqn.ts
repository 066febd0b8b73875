/**
 * L-BFGS, and OWL-QN (Andrew & Gao 2007) when some coordinates carry an L1 penalty: minimises
 * F(x) = f(x) + sum_j l1_j |x_j| for a smooth convex f. Backtracking (Armijo) line search along the
 * orthant-projected path; fully deterministic.
 */

/** Why the optimiser stopped. */
export type StopReason = 'converged' | 'max-iterations' | 'no-progress' | 'stopped';

/** State after an accepted iteration, passed to `onIteration`. */
export interface IterationState {
  readonly iteration: number;
  readonly x: Float64Array;
  /** F(x): smooth part plus the L1 term. */
  readonly objective: number;
  /** Largest |pseudo-gradient| entry. */
  readonly gradientNorm: number;
}

/** Options of `minimize`. */
export interface MinimizeOptions {
  /** Per-coordinate L1 weights, or null for a smooth problem. */
  readonly l1: Float64Array | null;
  readonly maxIter: number;
  /** Converged when max |pseudo-gradient| <= tol. */
  readonly tol: number;
  /** History pairs kept; default 10. */
  readonly memory?: number;
  /** Diagonal Hessian estimate at the last evaluated point: scales the initial inverse Hessian. */
  readonly hessianDiagonal?: () => Float64Array;
  /** Called after each iteration; return false to stop. */
  readonly onIteration?: (state: IterationState) => boolean | Promise<boolean>;
}

/** The optimiser's answer. */
export interface MinimizeResult {
  readonly x: Float64Array;
  readonly objective: number;
  readonly iterations: number;
  readonly gradientNorm: number;
  readonly reason: StopReason;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function l1Term(x: Float64Array, l1: Float64Array | null): number {
  if (!l1) return 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += l1[i]! * Math.abs(x[i]!);
  return s;
}

/** The pseudo-gradient of F (the gradient where F is differentiable, the minimum-norm subgradient else). */
function pseudoGradient(
  x: Float64Array,
  g: Float64Array,
  l1: Float64Array | null,
  out: Float64Array,
): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    const lam = l1 ? l1[i]! : 0;
    let v = g[i]!;
    if (lam > 0) {
      if (x[i]! > 0) v = g[i]! + lam;
      else if (x[i]! < 0) v = g[i]! - lam;
      else if (g[i]! + lam < 0) v = g[i]! + lam;
      else if (g[i]! - lam > 0) v = g[i]! - lam;
      else v = 0;
    }
    out[i] = v;
    norm = Math.max(norm, Math.abs(v));
  }
  return norm;
}

/** d = -H pg by the two-loop recursion over the stored (s, y) pairs. */
function direction(
  pg: Float64Array,
  S: Float64Array[],
  Y: Float64Array[],
  rho: number[],
  d: Float64Array,
  diag: Float64Array | null,
): void {
  d.set(pg);
  const m = S.length;
  const a = new Array<number>(m);
  for (let i = m - 1; i >= 0; i--) {
    a[i] = rho[i]! * dot(S[i]!, d);
    const y = Y[i]!;
    for (let j = 0; j < d.length; j++) d[j]! -= a[i]! * y[j]!;
  }
  if (diag) {
    for (let j = 0; j < d.length; j++) d[j]! /= diag[j]!;
  } else if (m > 0) {
    const gamma = dot(S[m - 1]!, Y[m - 1]!) / dot(Y[m - 1]!, Y[m - 1]!);
    for (let j = 0; j < d.length; j++) d[j]! *= gamma;
  }
  for (let i = 0; i < m; i++) {
    const b = rho[i]! * dot(Y[i]!, d);
    const s = S[i]!;
    for (let j = 0; j < d.length; j++) d[j]! += s[j]! * (a[i]! - b);
  }
  for (let j = 0; j < d.length; j++) d[j] = -d[j]!;
}

/** Minimises f (+ L1) from `x0`; `fg(x, g)` returns f(x) and writes its gradient into g. */
export async function minimize(
  fg: (x: Float64Array, g: Float64Array) => number,
  x0: Float64Array,
  options: MinimizeOptions,
): Promise<MinimizeResult> {
  const size = x0.length;
  const { l1, maxIter, tol } = options;
  const memory = options.memory ?? 10;
  let x = Float64Array.from(x0);
  let g = new Float64Array(size);
  let F = fg(x, g) + l1Term(x, l1);
  const pg = new Float64Array(size);
  const d = new Float64Array(size);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let norm = pseudoGradient(x, g, l1, pg);
  let iteration = 0;
  let reason: StopReason = 'max-iterations';
  while (iteration < maxIter) {
    if (norm <= tol) {
      reason = 'converged';
      break;
    }
    direction(pg, S, Y, rho, d, options.hessianDiagonal ? options.hessianDiagonal() : null);
    if (l1) for (let j = 0; j < size; j++) if (d[j]! * pg[j]! >= 0) d[j] = 0;
    if (dot(d, pg) >= 0) {
      // Not a descent direction (stale curvature): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < size; j++) d[j] = -pg[j]!;
    }
    const orthant = Float64Array.from(x, (v, j) => (v !== 0 ? Math.sign(v) : Math.sign(-pg[j]!)));
    let step = S.length === 0 && !options.hessianDiagonal ? Math.min(1, 1 / Math.sqrt(dot(pg, pg))) : 1;
    const xn = new Float64Array(size);
    const gn = new Float64Array(size);
    let Fn = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let t = 0; t < 60; t++) {
      let decrease = 0;
      for (let j = 0; j < size; j++) {
        let v = x[j]! + step * d[j]!;
        if (l1 && l1[j]! > 0 && Math.sign(v) !== orthant[j]) v = 0;
        xn[j] = v;
        decrease += pg[j]! * (v - x[j]!);
      }
      Fn = fg(xn, gn) + l1Term(xn, l1);
      if (Fn <= F + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // The last trial point was evaluated last; restore the objective's state at x.
      fg(x, g);
      reason = 'no-progress';
      break;
    }
    const s = new Float64Array(size);
    const yv = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      s[j] = xn[j]! - x[j]!;
      yv[j] = gn[j]! - g[j]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12 * dot(yv, yv)) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    const previous = F;
    x = xn;
    g = gn;
    F = Fn;
    norm = pseudoGradient(x, g, l1, pg);
    iteration++;
    if (
      options.onIteration &&
      (await options.onIteration({ iteration, x, objective: F, gradientNorm: norm })) === false
    ) {
      reason = 'stopped';
      break;
    }
    if (previous - F <= 1e-15 * Math.max(1, Math.abs(F)) && norm <= Math.sqrt(tol)) {
      reason = 'converged';
      break;
    }
  }
  if (iteration >= maxIter && norm <= tol) reason = 'converged';
  return { x, objective: F, iterations: iteration, gradientNorm: norm, reason };
}

import { categoricalColumn, Frame, numberColumn } from '../../../src/core/index.js';

/** A seeded uniform generator (mulberry32) so synthetic data is identical on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A binary classification frame: numeric `x1`, `x2` (5% missing), categorical `color` (6 levels,
 * some missing) and target `y` drawn from a logistic model of them.
 */
export function binaryFrame(n: number, seed = 1): Frame {
  const r = rng(seed);
  const x1: number[] = [];
  const x2: (number | null)[] = [];
  const color: (string | null)[] = [];
  const y: number[] = [];
  const levels = ['red', 'green', 'blue', 'cyan', 'magenta', 'yellow'];
  const effect = [1.5, -1, 0.5, -1.5, 1, 0];
  for (let i = 0; i < n; i++) {
    const a = r() * 4 - 2;
    const b = r() * 4 - 2;
    const c = Math.floor(r() * 6);
    const z = 1.2 * a - 0.8 * b * b + effect[c]! + (r() - 0.5);
    x1.push(a);
    x2.push(r() < 0.05 ? null : b);
    color.push(r() < 0.03 ? null : levels[c]!);
    y.push(r() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
  }
  return Frame.fromColumns([
    numberColumn('x1', x1),
    numberColumn('x2', x2),
    categoricalColumn('color', color),
    numberColumn('y', y),
  ]);
}

/** A regression frame: y = 3·x1 − 2·x2² + noise, with an optional fraction of gross outliers in y. */
export function regressionFrame(n: number, seed = 2, outliers = 0): Frame {
  const r = rng(seed);
  const x1: number[] = [];
  const x2: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = r() * 2 - 1;
    const b = r() * 2 - 1;
    let v = 3 * a - 2 * b * b + (r() - 0.5) * 0.2;
    if (r() < outliers) v += (r() < 0.5 ? -1 : 1) * 50;
    x1.push(a);
    x2.push(b);
    y.push(v);
  }
  return Frame.fromColumns([numberColumn('x1', x1), numberColumn('x2', x2), numberColumn('y', y)]);
}

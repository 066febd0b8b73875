// Tiny real models implementing the learner contract (`Model`), for serving tests and benchmarks.
import type { FeatureImportance, FeatureSpec, Model, Task } from '../../../src/learn/index.js';

/** Parameters of a `LinearTestModel`, serialised as JSON (its "model file"). */
export interface LinearParams {
  readonly task: 'regression' | 'binary';
  readonly features: readonly FeatureSpec[];
  /** One weight per feature; categorical features multiply their level code. */
  readonly weights: readonly number[];
  readonly bias: number;
  readonly classes?: readonly string[];
}

/**
 * A linear model: regression → bias + w·x; binary → sigmoid(bias + w·x). Missing (NaN) inputs count
 * as 0, so every row has a finite answer that tests can recompute by hand.
 */
export class LinearTestModel implements Model {
  readonly learner = 'linear-test';
  readonly task: Task;
  readonly target = 'y';
  readonly features: readonly FeatureSpec[];
  readonly classes: readonly string[] | null;
  readonly outputWidth = 1;

  constructor(readonly params: LinearParams) {
    this.task = params.task;
    this.features = params.features;
    this.classes = params.task === 'binary' ? (params.classes ?? ['0', '1']) : null;
  }

  /** The score of one encoded row, as `predictEncoded` computes it. */
  score(row: readonly number[]): number {
    let z = this.params.bias;
    row.forEach((v, j) => {
      z += Number.isNaN(v) ? 0 : v * this.params.weights[j]!;
    });
    return this.task === 'binary' ? 1 / (1 + Math.exp(-z)) : z;
  }

  predictEncoded(x: Float64Array, n: number, out: Float64Array): void {
    const p = this.features.length;
    const w = this.params.weights;
    for (let i = 0; i < n; i++) {
      let z = this.params.bias;
      for (let j = 0; j < p; j++) {
        const v = x[i * p + j]!;
        if (!Number.isNaN(v)) z += v * w[j]!;
      }
      out[i] = this.task === 'binary' ? 1 / (1 + Math.exp(-z)) : z;
    }
  }

  serialize(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.params));
  }

  featureImportance(): FeatureImportance[] {
    return this.features.map((f, j) => ({
      name: f.name,
      gain: Math.abs(this.params.weights[j]!),
      splits: 0,
    }));
  }

  /** Loads the JSON written by `serialize`. */
  static load(bytes: Uint8Array): LinearTestModel {
    return new LinearTestModel(JSON.parse(new TextDecoder().decode(bytes)) as LinearParams);
  }
}

/** Numeric feature specs `x0..x{n-1}`. */
export function numericFeatures(n: number): FeatureSpec[] {
  return Array.from({ length: n }, (_, j) => ({ name: `x${j}`, kind: 'numeric', type: 'numeric' }));
}

/** A seeded PRNG (mulberry32) for reproducible test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A gradient-boosted-trees-like ensemble of complete binary trees (flat arrays, depth `depth`),
 * random but seeded: the shape of a 200-tree GBDT for benchmarks. Binary: sigmoid of the leaf sum.
 */
export class TreeTestModel implements Model {
  readonly learner = 'trees-test';
  readonly task: Task = 'binary';
  readonly target = 'y';
  readonly features: readonly FeatureSpec[];
  readonly classes = ['0', '1'] as const;
  readonly outputWidth = 1;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly leaf: Float64Array;
  private readonly internal: number;

  constructor(
    readonly trees: number,
    readonly depth: number,
    featureCount: number,
    seed = 1,
  ) {
    this.features = numericFeatures(featureCount);
    const r = rng(seed);
    this.internal = 2 ** depth - 1;
    this.feature = Int32Array.from({ length: trees * this.internal }, () => Math.floor(r() * featureCount));
    this.threshold = Float64Array.from({ length: trees * this.internal }, () => r() * 2 - 1);
    this.leaf = Float64Array.from({ length: trees * 2 ** depth }, () => (r() - 0.5) * 0.2);
  }

  predictEncoded(x: Float64Array, n: number, out: Float64Array): void {
    const p = this.features.length;
    const leaves = 2 ** this.depth;
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let t = 0; t < this.trees; t++) {
        const base = t * this.internal;
        let node = 0;
        for (let d = 0; d < this.depth; d++) {
          const v = x[i * p + this.feature[base + node]!]!;
          node = 2 * node + (v <= this.threshold[base + node]! || Number.isNaN(v) ? 1 : 2);
        }
        z += this.leaf[t * leaves + (node - this.internal)]!;
      }
      out[i] = 1 / (1 + Math.exp(-z));
    }
  }

  serialize(): Uint8Array {
    return new TextEncoder().encode(
      JSON.stringify({ trees: this.trees, depth: this.depth, p: this.features.length }),
    );
  }

  featureImportance(): FeatureImportance[] {
    return this.features.map((f) => ({ name: f.name, gain: 0, splits: 0 }));
  }
}

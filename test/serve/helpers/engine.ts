// Builds engines over a MemoryRegistry and tears them down after each test file.
import { afterAll } from 'vitest';
import { InferenceEngine, type InferenceEngineOptions } from '../../../src/serve/index.js';
import { type Gate, type MemoryRegistry, testLoaders } from './memory-registry.js';
import type { LinearParams } from './test-models.js';
import { numericFeatures } from './test-models.js';

const engines: InferenceEngine[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.shutdown({ timeoutMs: 100 })));
});

/** A started engine over `registry` (polling off unless asked), shut down after the file. */
export async function startEngine(
  registry: MemoryRegistry,
  options: Partial<InferenceEngineOptions> & { readonly gate?: Gate } = {},
): Promise<InferenceEngine> {
  const engine = new InferenceEngine({
    source: registry,
    deployments: registry,
    loaders: testLoaders(options.gate),
    pollIntervalMs: 0,
    retryBaseMs: 1,
    ...options,
  });
  engines.push(engine);
  await engine.start();
  return engine;
}

/** Linear regression params: value = bias + Σ w_j x_j over `n` numeric features. */
export function regression(bias: number, weights: readonly number[] = [1, 2]): LinearParams {
  return { task: 'regression', features: numericFeatures(weights.length), weights, bias };
}

/** A binary classifier: P(yes) = sigmoid(bias + Σ w_j x_j). */
export function classifier(bias: number, weights: readonly number[] = [1, -1]): LinearParams {
  return { task: 'binary', features: numericFeatures(weights.length), weights, bias, classes: ['no', 'yes'] };
}

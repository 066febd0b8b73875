import { createGbdtBatchPredictor, type GbdtModel, loadGbdtModel, loadLinearModel } from '../learn/index.js';
import { type ModelLoaders, nativeLoader, onnxLoader } from './model-source.js';
import type { OnnxPredictorOptions } from './onnx-predictor.js';

/** Options of `builtinLoaders`. */
export interface BuiltinLoaderOptions {
  /** ONNX session options (default: 1 intra-op thread, see docs/serving.md). */
  readonly onnx?: OnnxPredictorOptions;
  /** Threads of batch jobs on GBDT models (`Predictor.runBatch`), the caller's included; 0 = all cores (default). */
  readonly batchThreads?: number;
}

/**
 * The runtimes Keel ships, by flavor: `keel-gbdt` and `keel-linear` (native models from
 * `src/learn`, run in-process; batch jobs on GBDT models use the learner's multi-threaded
 * predictor) and `onnx` (onnxruntime-node, imported on first use).
 */
export function builtinLoaders(options: BuiltinLoaderOptions = {}): ModelLoaders {
  return {
    'keel-gbdt': nativeLoader('keel-gbdt', loadGbdtModel, (model) =>
      createGbdtBatchPredictor(model as GbdtModel, { threads: options.batchThreads ?? 0 }),
    ),
    'keel-linear': nativeLoader('keel-linear', loadLinearModel),
    onnx: onnxLoader(options.onnx),
  };
}

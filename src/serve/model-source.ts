import { KeelError } from '../core/index.js';
import type { Model } from '../learn/index.js';
import type { Deployment, DeploymentSpec, ModelSignature } from '../storage/index.js';
import { NativePredictor, type ParallelPredictor } from './native-predictor.js';
import { OnnxPredictor, type OnnxPredictorOptions } from './onnx-predictor.js';
import type { Predictor } from './predictor.js';

/** A model reference resolved to one immutable version (what the registry answers). */
export interface ResolvedModel {
  readonly model: string;
  readonly version: number;
  /** Model format: `keel-gbdt`, `keel-linear`, `onnx`... (selects the loader). */
  readonly flavor: string;
  readonly signature: ModelSignature;
  /** sha256 of the model file; part of prediction-cache keys. */
  readonly artifactDigest: string;
}

/** A model file: its bytes, a local path, or both. */
export interface ModelArtifact {
  readonly bytes?: Uint8Array;
  readonly path?: string;
}

/**
 * Where the engine finds models: the registry in production, a map in tests. `resolve` turns a
 * reference (`name@alias`, `name/version`, `name` = latest) into a version and is called again on
 * every poll for non-pinned references; `fetch` returns the version's file.
 */
export interface ModelSource {
  /** The version a reference points at now; registry errors (`KEEL_REGISTRY_*`) pass through. */
  resolve(ref: string): Promise<ResolvedModel>;
  /** The model file of a resolved version. */
  fetch(model: ResolvedModel): Promise<ModelArtifact>;
}

/** Turns a model file into a runtime. */
export type RuntimeLoader = (artifact: ModelArtifact, model: ResolvedModel) => Promise<Predictor>;

/** Loaders by flavor (`keel-gbdt`, `keel-linear`, `onnx`...). */
export type ModelLoaders = Readonly<Record<string, RuntimeLoader>>;

/** A deployment as the engine needs it: name, policy and revision (changes when the spec changes). */
export type DeploymentRecord = Pick<Deployment, 'name' | 'spec' | 'revision'>;

/**
 * Where the engine finds deployments (the metadata store in production). `list` is polled;
 * `update` (optional) lets canary commands write the new spec, failing with `KEEL_STORE_CONFLICT`
 * when `expectedRevision` is stale.
 */
export interface DeploymentSource {
  list(): Promise<readonly DeploymentRecord[]>;
  update?(
    name: string,
    spec: DeploymentSpec,
    expectedRevision: number,
    reason: string,
  ): Promise<DeploymentRecord>;
}

/**
 * A loader for a native Keel model flavor, from the learner's `load(bytes) → Model` (e.g.
 * `loadGbdtModel`). `parallel` (optional) makes a multi-threaded predictor for batch jobs
 * (`Predictor.runBatch`), started only when a batch job asks for it.
 */
export function nativeLoader(
  flavor: string,
  load: (bytes: Uint8Array) => Model,
  parallel?: (model: Model) => Promise<ParallelPredictor>,
): RuntimeLoader {
  return async (artifact) => {
    const bytes = artifact.bytes ?? (artifact.path ? await readLocal(artifact.path) : undefined);
    if (!bytes)
      throw new KeelError('KEEL_SERVE_BAD_MODEL', `A ${flavor} model needs its bytes or a file path.`);
    return new NativePredictor(load(bytes), flavor, parallel ?? null);
  };
}

/** A loader for ONNX models (onnxruntime-node, imported on first use). */
export function onnxLoader(options: OnnxPredictorOptions = {}): RuntimeLoader {
  return (artifact) => OnnxPredictor.create(artifact, options);
}

async function readLocal(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return readFile(path);
}

// An in-memory registry and deployment store implementing the engine's injected sources, plus
// loaders for test model flavors (a linear model, a broken one, one whose runs wait on a gate).
import { createHash } from 'node:crypto';
import { KeelError } from '../../../src/core/index.js';
import {
  type DeploymentRecord,
  type DeploymentSource,
  type ModelArtifact,
  type ModelLoaders,
  type ModelSource,
  NativePredictor,
  nativeLoader,
  nativeSignature,
  onnxLoader,
  type Predictor,
  type ResolvedModel,
  readOnnxModelInfo,
  type TensorBatch,
} from '../../../src/serve/index.js';
import type { DeploymentSpec, ModelSignature } from '../../../src/storage/index.js';
import { type LinearParams, LinearTestModel } from './test-models.js';

interface Stored {
  readonly resolved: ResolvedModel;
  readonly bytes: Uint8Array;
}

/** Registry + deployments in memory, with counters and hooks tests can use. */
export class MemoryRegistry implements ModelSource, DeploymentSource {
  private readonly versions = new Map<string, Stored[]>();
  private readonly aliases = new Map<string, number>();
  private readonly deployments = new Map<string, DeploymentRecord>();
  /** Called before a version's bytes are returned (to delay or fail a fetch). */
  beforeFetch: (model: ResolvedModel) => Promise<void> = async () => {};
  fetches = 0;

  /** Registers a new version of `model` and returns its number. */
  add(model: string, flavor: string, bytes: Uint8Array, signature?: ModelSignature): number {
    const list = this.versions.get(model) ?? [];
    const version = list.length + 1;
    const sig = signature ?? signatureOf(flavor, bytes);
    const artifactDigest = createHash('sha256').update(bytes).digest('hex');
    list.push({ resolved: { model, version, flavor, signature: sig, artifactDigest }, bytes });
    this.versions.set(model, list);
    return version;
  }

  /** Registers a linear test model version. */
  addLinear(model: string, params: LinearParams): number {
    return this.add(model, 'test-linear', new LinearTestModel(params).serialize());
  }

  setAlias(model: string, alias: string, version: number): void {
    this.aliases.set(`${model}@${alias}`, version);
  }

  async resolve(ref: string): Promise<ResolvedModel> {
    const at = ref.indexOf('@');
    const slash = ref.indexOf('/');
    const model = at >= 0 ? ref.slice(0, at) : slash >= 0 ? ref.slice(0, slash) : ref;
    const list = this.versions.get(model);
    if (!list) throw new KeelError('KEEL_REGISTRY_MODEL_NOT_FOUND', `Model "${model}" does not exist.`);
    let version = list.length;
    if (at >= 0) {
      const v = this.aliases.get(ref);
      if (v === undefined) throw new KeelError('KEEL_REGISTRY_ALIAS_NOT_FOUND', `No alias ${ref}.`);
      version = v;
    } else if (slash >= 0) version = Number(ref.slice(slash + 1));
    const stored = list[version - 1];
    if (!stored) throw new KeelError('KEEL_REGISTRY_VERSION_NOT_FOUND', `No version ${ref}.`);
    return stored.resolved;
  }

  async fetch(model: ResolvedModel): Promise<ModelArtifact> {
    this.fetches++;
    await this.beforeFetch(model);
    const stored = this.versions.get(model.model)?.[model.version - 1];
    if (!stored)
      throw new KeelError('KEEL_ARTIFACT_NOT_FOUND', `No file for ${model.model}/${model.version}.`);
    return { bytes: stored.bytes };
  }

  /** Creates or replaces a deployment, bumping its revision. */
  put(name: string, spec: Partial<DeploymentSpec> & Pick<DeploymentSpec, 'variants'>): DeploymentRecord {
    const full: DeploymentSpec = {
      mode: 'single',
      stickyKey: null,
      shadow: null,
      featureService: null,
      options: {},
      ...spec,
    };
    const record = { name, spec: full, revision: (this.deployments.get(name)?.revision ?? 0) + 1 };
    this.deployments.set(name, record);
    return record;
  }

  remove(name: string): void {
    this.deployments.delete(name);
  }

  async list(): Promise<readonly DeploymentRecord[]> {
    return [...this.deployments.values()];
  }

  async update(name: string, spec: DeploymentSpec, expectedRevision: number): Promise<DeploymentRecord> {
    const current = this.deployments.get(name);
    if (current?.revision !== expectedRevision) throw new KeelError('KEEL_STORE_CONFLICT', 'stale revision');
    return this.put(name, spec);
  }
}

function signatureOf(flavor: string, bytes: Uint8Array): ModelSignature {
  if (flavor === 'onnx') return readOnnxModelInfo(bytes).signature;
  if (flavor === 'test-linear' || flavor === 'test-gated')
    return nativeSignature(LinearTestModel.load(bytes));
  return { kind: 'columns', inputs: [], outputs: [] };
}

/** Holds runs of gated models until released; counts waiting runs. */
export class Gate {
  private waiters: (() => void)[] = [];
  open = false;

  get waiting(): number {
    return this.waiters.length;
  }

  wait(): Promise<void> {
    if (this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lets every waiting run go; with `stayOpen`, later runs pass at once. */
  release(stayOpen = false): void {
    this.open = stayOpen;
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}

/** A linear model whose runs are asynchronous and wait for `gate` (warm-up runs pass). */
export class GatedPredictor implements Predictor {
  /** Rows of every gated run, in order. */
  readonly batchSizes: number[] = [];
  readonly info: Predictor['info'];
  private readonly inner: NativePredictor;
  private runs = 0;

  constructor(
    model: LinearTestModel,
    private readonly gate: Gate,
    private readonly warmupRuns: number,
  ) {
    this.inner = new NativePredictor(model, 'test-gated');
    this.info = { ...this.inner.info, synchronous: false };
  }

  encodeRecords: Predictor['encodeRecords'] = (records, options) =>
    this.inner.encodeRecords(records, options);
  encodeTensors: Predictor['encodeTensors'] = (inputs, contentType) =>
    this.inner.encodeTensors(inputs, contentType);
  toOipOutputs: Predictor['toOipOutputs'] = (output) => this.inner.toOipOutputs(output);
  formatRow: Predictor['formatRow'] = (output, row) => this.inner.formatRow(output, row);
  warmupInput: Predictor['warmupInput'] = (rows) => this.inner.warmupInput(rows);
  release: Predictor['release'] = () => this.inner.release();

  run(input: TensorBatch): Promise<TensorBatch> {
    this.runs++;
    if (this.runs <= this.warmupRuns) return Promise.resolve(this.inner.run(input));
    this.batchSizes.push(input.rows);
    return this.gate.wait().then(() => this.inner.run(input));
  }
}

/** Every gated predictor created, newest last (tests read their batch sizes). */
export const gatedPredictors: GatedPredictor[] = [];

/** Loaders for the test flavors: `test-linear`, `test-gated` (waits on `gate`), `test-broken`, `onnx`. */
export function testLoaders(gate = new Gate(), warmupRuns = 3): ModelLoaders {
  return {
    'test-linear': nativeLoader('test-linear', LinearTestModel.load),
    'test-gated': async (artifact) => {
      const p = new GatedPredictor(LinearTestModel.load(artifact.bytes!), gate, warmupRuns);
      gatedPredictors.push(p);
      return p;
    },
    'test-broken': async () => {
      throw new Error('corrupt model file');
    },
    onnx: onnxLoader(),
  };
}

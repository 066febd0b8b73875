import { isKeelError, isValidName, KeelError } from '../core/index.js';
import type {
  ArtifactRef,
  ArtifactStore,
  Attribution,
  MetadataStore,
  ModelLineage,
  ModelSignature,
  ModelVersion,
  Run,
} from '../storage/index.js';
import { RUN_TAGS } from '../track/index.js';
import { assertAliasName } from './alias-name.js';

/** What `registerVersion` needs. Give `content` (the model bytes or a file) or `artifactPath` of the run. */
export interface RegisterVersionOptions {
  /** Model name; the model is created when missing. */
  readonly model: string;
  /** The model file: bytes or a local file path. */
  readonly content?: Uint8Array | { readonly file: string };
  /** Instead of `content`: the path of an artifact the run already logged (needs `runId`). */
  readonly artifactPath?: string;
  /** The run that produced the model: its params, inputs, git commit and latest metrics become lineage. */
  readonly runId?: string | null;
  /** Model format: `keel-gbdt`, `keel-linear`, `onnx`. */
  readonly flavor: string;
  readonly signature: ModelSignature;
  /** Metrics to record (default: the run's latest metrics). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Lineage fields that override what the run gives. */
  readonly lineage?: Partial<ModelLineage>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly description?: string;
  /** Aliases pointed at the new version in the same transaction. */
  readonly aliases?: readonly string[];
  /** Reason recorded with those alias moves. */
  readonly reason?: string;
}

/** Stores and services registration works with. */
export interface RegistrationDeps {
  readonly metadata: MetadataStore;
  readonly artifacts: ArtifactStore;
  readonly now: () => number;
  readonly actor: string;
}

/**
 * Registers a new model version: the artifact is stored first (content-addressed, so a failure
 * after it leaves only a harmless blob), then the model (if missing), the version with its tags
 * and any aliases are written in ONE metadata transaction, so a crash never leaves a half-registered
 * version. A concurrent creation of the same new model is retried once.
 */
export async function registerVersion(
  deps: RegistrationDeps,
  options: RegisterVersionOptions,
): Promise<ModelVersion> {
  validate(options);
  const run = options.runId ? await deps.metadata.tracking.getRun(options.runId) : null;
  const artifact = await storeArtifact(deps, options, run);
  const at = deps.now();
  const by: Attribution = { actor: deps.actor, reason: options.reason ?? 'registered', at };
  const attempt = () =>
    deps.metadata.transaction(async (tx) => {
      if (!(await tx.registry.findModel(options.model))) {
        await tx.registry.createModel({ name: options.model, createdAt: at });
      }
      const v = await tx.registry.createVersion(options.model, {
        flavor: options.flavor,
        artifactDigest: artifact.digest,
        artifactSize: artifact.size,
        signature: options.signature,
        metrics: options.metrics ?? runMetrics(run),
        lineage: lineage(run, options.lineage),
        tags: options.tags ?? {},
        description: options.description ?? '',
        createdAt: at,
        createdBy: deps.actor,
      });
      for (const alias of options.aliases ?? [])
        await tx.registry.setAlias(options.model, alias, v.version, by);
      return (options.aliases ?? []).length > 0 ? tx.registry.getVersion(options.model, v.version) : v;
    });
  try {
    return await attempt();
  } catch (error) {
    if (isKeelError(error, 'KEEL_REGISTRY_MODEL_EXISTS')) return attempt();
    throw error;
  }
}

function validate(o: RegisterVersionOptions): void {
  if (!isValidName(o.model)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Model name "${o.model}" is not valid: start with a letter, then letters, digits, _ . - (at most 128).`,
      { details: { model: o.model } },
    );
  }
  if (typeof o.flavor !== 'string' || o.flavor === '') {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Model "${o.model}": the flavor (keel-gbdt, keel-linear, onnx...) is missing.`,
    );
  }
  const sig = o.signature;
  if (
    !sig ||
    (sig.kind !== 'columns' && sig.kind !== 'tensors') ||
    !Array.isArray(sig.inputs) ||
    !Array.isArray(sig.outputs)
  ) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Model "${o.model}": a signature { kind: 'columns' | 'tensors', inputs: [...], outputs: [...] } is required to register a version.`,
      { details: { model: o.model } },
    );
  }
  for (const alias of o.aliases ?? []) assertAliasName(alias);
  if ((o.content === undefined) === (o.artifactPath === undefined)) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Model "${o.model}": give either the model content or the artifactPath of a run, not ${o.content ? 'both' : 'neither'}.`,
    );
  }
  if (o.artifactPath !== undefined && !o.runId) {
    throw new KeelError(
      'KEEL_INVALID_ARGUMENT',
      `Model "${o.model}": artifactPath "${o.artifactPath}" needs the runId that logged it.`,
    );
  }
}

async function storeArtifact(
  deps: RegistrationDeps,
  o: RegisterVersionOptions,
  run: Run | null,
): Promise<ArtifactRef> {
  if (o.content !== undefined) {
    return o.content instanceof Uint8Array
      ? deps.artifacts.put(o.content)
      : deps.artifacts.putFile(o.content.file);
  }
  const logged = run?.artifacts.find((a) => a.path === o.artifactPath);
  if (!logged || !(await deps.artifacts.stat(logged.digest))) {
    throw new KeelError(
      'KEEL_ARTIFACT_NOT_FOUND',
      `Run ${run?.id} has no artifact "${o.artifactPath}"${run && run.artifacts.length > 0 ? ` (it has: ${run.artifacts.map((a) => a.path).join(', ')})` : ''}.`,
      { details: { runId: run?.id, path: o.artifactPath } },
    );
  }
  return { digest: logged.digest, size: logged.size };
}

function runMetrics(run: Run | null): Record<string, number> {
  if (!run) return {};
  return Object.fromEntries(
    Object.entries(run.metrics)
      .filter(([, m]) => Number.isFinite(m.value))
      .map(([k, m]) => [k, m.value]),
  );
}

function lineage(run: Run | null, over: Partial<ModelLineage> = {}): ModelLineage {
  return {
    runId: over.runId ?? run?.id ?? null,
    datasetFingerprints: over.datasetFingerprints ?? [
      ...new Set(run?.inputs.map((i) => i.fingerprint) ?? []),
    ],
    featureService: over.featureService ?? run?.tags[RUN_TAGS.featureService] ?? null,
    gitCommit: over.gitCommit ?? run?.tags[RUN_TAGS.gitCommit] ?? null,
    params: over.params ?? run?.params ?? {},
  };
}
